#!/usr/bin/env bash
# Bootstrap for `make run` and `make test`: venv, PostgreSQL+PostGIS, Redis, migrations, demo data.
# With DATABASE_URL / REDIS_URL set, the matching local service is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-run}
ROOT=$PWD
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
PG_SOCKET=/var/run/postgresql

stage_start=$(date +%s)
stage() {  # stage NAME: print how long the previous stage took, then start the next
  local now; now=$(date +%s)
  [ -n "${STAGE:-}" ] && echo "stage ${STAGE}: $((now - stage_start))s"
  STAGE=$1; stage_start=$now
}

apt_install() {
  echo "bootstrap: installing $* with apt"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

ensure_venv() {  # ensure_venv EXTRAS: (re)install only when pyproject.toml changed
  local extras=$1 stamp=".venv/.installed${1:+-$1}"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
  .venv/bin/pybabel compile -d translations >/dev/null 2>&1 || .venv/bin/pybabel compile -d translations
}

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

ensure_postgres() {
  [ -n "${DATABASE_URL:-}" ] && { echo "bootstrap: DATABASE_URL set, local PostgreSQL left alone"; return; }
  command -v pg_lsclusters >/dev/null || apt_install postgresql
  local ver; ver=$(pg_version)
  [ -f "/usr/share/postgresql/$ver/extension/postgis.control" ] || apt_install "postgresql-$ver-postgis-3"
  if ! pg_lsclusters -h | grep -q "^$ver \+main "; then $SUDO pg_createcluster "$ver" main >/dev/null; fi
  if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    echo "bootstrap: starting PostgreSQL $ver"
    # From / and in its own session: outside make's process group, cwd not in the clone.
    (cd / && $SUDO setsid pg_ctlcluster --skip-systemctl-redirect "$ver" main start </dev/null >/dev/null 2>&1)
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$PG_SOCKET" && break; sleep 1; done
  local me; me=$(id -un)
  if ! (cd / && $SUDO runuser -u postgres -- psql -h "$PG_SOCKET" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'" | grep -q 1); then
    echo "bootstrap: creating PostgreSQL role $me"
    (cd / && $SUDO runuser -u postgres -- psql -q -h "$PG_SOCKET" -c "CREATE ROLE \"$me\" SUPERUSER LOGIN")
  fi
  # The server's own log must not keep a failing statement or the values in an error's detail: they hold what
  # residents typed. Set for the app's role by the superuser (log_min_error_statement is superuser-only).
  (cd / && $SUDO runuser -u postgres -- psql -q -h "$PG_SOCKET" \
     -c "ALTER ROLE \"$me\" SET log_min_error_statement = panic" -c "ALTER ROLE \"$me\" SET log_error_verbosity = terse")
}

ensure_database() {  # the embedded database, with PostGIS and btree_gist (not trusted: needs a superuser)
  [ -n "${DATABASE_URL:-}" ] && return
  if ! psql -h "$PG_SOCKET" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    echo "bootstrap: creating database $DB_NAME"
    createdb -h "$PG_SOCKET" "$DB_NAME"
  fi
  psql -q -h "$PG_SOCKET" -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist" \
    2>&1 | grep -v "already exists" || true
}

redis_up() { .venv/bin/python -c "import redis; redis.Redis(host='127.0.0.1', port=6379, socket_timeout=1, socket_connect_timeout=1).ping()" 2>/dev/null; }

ensure_redis() {
  [ -n "${REDIS_URL:-}" ] && { echo "bootstrap: REDIS_URL set, local Redis left alone"; return; }
  redis_up && return
  command -v redis-server >/dev/null || apt_install redis-server
  echo "bootstrap: starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  # A daemon in its own session, never a child of make: Ctrl-C on `make run` leaves it running.
  (cd / && $SUDO setsid redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/contact-centre.log </dev/null >/dev/null 2>&1)
  for _ in $(seq 1 30); do redis_up && return; sleep 0.5; done
  echo "bootstrap: Redis did not start" >&2; exit 1
}

flask() { .venv/bin/flask --app wsgi "$@"; }
free_port() { .venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
instance_names() {  # INSTANCE (default: this clone's folder) names the database, the test database and the queue
  local chosen_queue=${RQ_QUEUE:-}
  eval "$(.venv/bin/python -m app.config names)"
  RQ_QUEUE=${chosen_queue:-$RQ_QUEUE}
  export INSTANCE RQ_QUEUE
}

case "$MODE" in
  run)
    export PORT=${PORT:-5000}
    export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}
    stage venv; ensure_venv ""; instance_names
    stage services; ensure_postgres; ensure_database; ensure_redis
    stage migrate; flask db upgrade 2>&1 | grep -v "^INFO" || true
    flask calendar sync
    if [ -z "${DATABASE_URL:-}" ] || [ -n "${DEMO:-}" ]; then flask seed demo --if-empty; fi
    stage start
    mkdir -p var
    # Without SMTP_HOST the local sink takes mail on a free port of this instance's own.
    if [ -z "${SMTP_HOST:-}" ]; then export SMTP_PORT=${SMTP_PORT:-$(free_port)}; fi
    redis_url=${REDIS_URL:-redis://127.0.0.1:6379/0}
    {
      echo "web: exec .venv/bin/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$PORT wsgi:app"
      # rq's SimpleWorker runs jobs in its own process: if one ends it, the loop starts a fresh worker.
      echo "worker: exec sh -c 'while :; do .venv/bin/rq worker -w app.worker.AppWorker --url $redis_url $RQ_QUEUE; echo worker: ended, starting again >&2; sleep 2; done'"
      echo "relay: exec .venv/bin/flask --app wsgi relay"
      [ -z "${SMTP_HOST:-}" ] && echo "mail: exec .venv/bin/flask --app wsgi mailsink"
    } > var/Procfile
    mail="mail sink on 127.0.0.1:${SMTP_PORT:-}"; [ -n "${SMTP_HOST:-}" ] && mail="SMTP $SMTP_HOST"
    echo "bootstrap: instance $INSTANCE (database $DB_NAME, queue $RQ_QUEUE, $mail)"
    echo "bootstrap: serving on $PUBLIC_BASE_URL (Ctrl-C stops the web server, worker, relay and mail sink)"
    exec .venv/bin/honcho start -f var/Procfile -d "$ROOT"
    ;;
  test)
    stage venv; ensure_venv test; instance_names
    stage services
    ensure_postgres; ensure_redis
    [ -x /usr/bin/chromium ] || apt_install chromium
    # The optional virus scan is tested against a real clamd with a test signature (no signature download).
    command -v clamd >/dev/null || [ -x /usr/sbin/clamd ] || apt_install --no-install-recommends clamav-daemon
    test_url=${TEST_DATABASE_URL:-postgresql:///$TEST_DB_NAME?host=$PG_SOCKET}
    test_db=$(.venv/bin/python -c "import sys; from sqlalchemy.engine import make_url; print(make_url(sys.argv[1]).database or '')" "$test_url")
    case "$test_db" in *_test) ;; *) echo "make test: refusing database '$test_db': its name must end in _test" >&2; exit 2;; esac
    stage lint; .venv/bin/lint-imports --no-cache
    stage tests
    rc=0; .venv/bin/pytest --durations=12 ${PYTEST_ARGS:-} || rc=$?
    stage done
    [ "$rc" -eq 5 ] && echo "make test: pytest collected no tests: that is a failure" >&2
    exit "$rc"
    ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
