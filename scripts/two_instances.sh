#!/usr/bin/env bash
# Two clones of this checkout run `make run` side by side on two ports; each files a report with an email and
# must find the registration mail in its own mail sink (var/mail/) and none of the other's. Not part of
# `make test` (two whole instances with demo data take minutes); run it by hand: `bash scripts/two_instances.sh`.
# The clones share this checkout's .venv (a symlink) so no second install is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/cc-two.XXXXXX)
LOGS=$(mktemp -d /tmp/cc-two-logs.XXXXXX)       # kept after the run
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -INT -- "-$pid" 2>/dev/null || true; done
  sleep 8                                         # honcho stops the web server, worker, relay and sink
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  echo "two_instances: logs in $LOGS"
  for name in one two; do
    psql -q -h /var/run/postgresql -d postgres -c "DROP DATABASE IF EXISTS contact_centre_twin_$name" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -x .venv/bin/python ] || { echo "two_instances: run make run or make test once first (it makes .venv)"; exit 2; }

start=$(date +%s)
port=5201
for name in one two; do
  git clone -q "$ROOT" "$WORK/twin_$name"
  ln -s "$ROOT/.venv" "$WORK/twin_$name/.venv"
  # setsid in a subshell that is not a group leader execs make in a session of its own: its pid is the group's.
  (cd "$WORK/twin_$name" && INSTANCE="twin_$name" PORT=$port exec setsid make run) > "$LOGS/$name.log" 2>&1 </dev/null &
  PIDS+=("$!")
  port=$((port + 1))
done
for port in 5201 5202; do
  for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 1; done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "instance on $port did not start"; tail -n 30 "$LOGS"/*.log; exit 1; }
done
echo "two_instances: both up after $(( $(date +%s) - start )) s"
grep -h "bootstrap: instance" "$LOGS"/one.log "$LOGS"/two.log

.venv/bin/python - "$WORK" <<'EOF'
import re, sys, time, urllib.parse, urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

work = Path(sys.argv[1])
for name, port in (("one", 5201), ("two", 5202)):
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(base + "/signals/new").read().decode()
    hidden = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', form))
    category = re.search(r'<option value="(potholes|[a-z-]+)"', form).group(1)
    data = {**hidden, "kind": "problem", "category": category, "lat": "42.6945", "lon": "23.3265", "district": "",
            "website": "", "title": f"Twin {name} pothole", "description": f"Filed on instance {name}.",
            "email": f"twin-{name}@example.org", "name": ""}
    page = opener.open(base + "/signals/new", data=urllib.parse.urlencode(data).encode()).read().decode()
    number = re.search(r'id="registered-number"[^>]*>([^<]+)<', page).group(1)
    print(f"two_instances: {name} registered {number}")
deadline = time.time() + 120
found = {}
while time.time() < deadline and len(found) < 2:
    for name in ("one", "two"):
        mails = [p.read_bytes() for p in (work / f"twin_{name}" / "var" / "mail").glob("*.eml")]
        mine = [m for m in mails if f"twin-{name}@example.org".encode() in m]
        other = [m for m in mails if f"twin-{'two' if name == 'one' else 'one'}@example.org".encode() in m]
        assert not other, f"instance {name}'s sink holds the other instance's mail"
        if mine:
            found[name] = len(mine)
    time.sleep(1)
assert len(found) == 2, f"mail arrived only for {sorted(found)}"
print(f"two_instances: each sink holds its own registration mail ({found}) and none of the other's")
EOF
echo "two_instances: passed in $(( $(date +%s) - start )) s"
