"""Benchmark of /map/signals.geojson on 100,000 generated signals, beside PostgreSQL alone.

Builds a scratch database (cc_bench), loads the demo city plus 100,000 signals with
one INSERT … SELECT generate_series, starts gunicorn as `make run` does, captures the
statement the endpoint executes, then drives both the endpoint (HTTP) and the bare
statement (psycopg2) from the same number of client threads for the same time.
Prints requests/s, p50/p95/p99, the index PostgreSQL used and the ratio. Asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "cc_bench")
SOCKET = "/var/run/postgresql"
URL = f"postgresql:///{DB}?host={SOCKET}"
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
BOX = os.environ.get("BENCH_BBOX", "23.13,42.64,23.51,42.75")   # the home page's first view


def sh(*args, env=None):
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)


def build_database() -> None:
    admin = psycopg2.connect(dbname="postgres", host=SOCKET)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{DB}"')
    admin.close()
    conn = psycopg2.connect(dbname=DB, host=SOCKET)
    conn.autocommit = True
    conn.cursor().execute("CREATE EXTENSION postgis; CREATE EXTENSION btree_gist")
    conn.close()
    env = {"DATABASE_URL": URL, "DEMO": "1", "DEMO_PASSWORD": "bench-only"}
    sh(".venv/bin/flask", "--app", "wsgi", "db", "upgrade", env=env)  # noqa: the log goes to stderr
    sh(".venv/bin/flask", "--app", "wsgi", "seed", "demo", env=env)
    conn = psycopg2.connect(dbname=DB, host=SOCKET)
    with conn, conn.cursor() as cur:
        cur.execute("""
            INSERT INTO signals (number, kind, status, version, title, description, category_id, department_id,
                                 location, place_description, registered_at, extension_days, text_approved, hidden,
                                 locale)
            SELECT 'SG-1999-' || lpad(g::text, 6, '0'), 'problem', 'registered', 1, 'bench', '', c.id,
                   c.department_id, ST_SetSRID(ST_MakePoint(23.15 + random() * 0.4, 42.6 + random() * 0.2), 4326),
                   '', now() - random() * interval '365 days', 0, random() > 0.05, false, 'bg'
            FROM generate_series(1, %s) g, (SELECT id, department_id FROM categories WHERE code = 'potholes') c
        """, (ROWS,))
        cur.execute("ANALYZE signals")
    conn.close()


def capture_statement() -> str:
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL.replace("postgresql://", "postgresql+psycopg2://")})
    captured = []
    with app.app_context():
        def grab(conn, cursor, statement, parameters, context, executemany):
            if "json_agg" in statement:
                captured.append(cursor.mogrify(statement, parameters).decode())
        event.listen(db.engine, "before_cursor_execute", grab)
        app.test_client().get(f"/map/signals.geojson?bbox={BOX}")
        db.session.remove()
        db.engine.dispose()
    return captured[0]


def drive(work) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def loop():
        mine = []
        state = work.setup() if hasattr(work, "setup") else None
        while time.monotonic() < stop:
            started = time.perf_counter()
            work(state)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop) for _ in range(THREADS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) / (time.monotonic() - began), latencies


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def report(label: str, rate: float, latencies: list[float]) -> None:
    print(f"{label:<34} {rate:8.1f} req/s   p50 {pct(latencies, 50):7.2f} ms   p95 {pct(latencies, 95):7.2f} ms"
          f"   p99 {pct(latencies, 99):7.2f} ms   (n={len(latencies)})")


def main() -> None:
    print(f"bench_map: {ROWS:,} generated signals + demo city, {THREADS} client threads, {SECONDS:.0f} s each, "
          f"bbox {BOX}")
    build_database()
    statement = capture_statement()
    conn = psycopg2.connect(dbname=DB, host=SOCKET)
    with conn.cursor() as cur:
        cur.execute("EXPLAIN " + statement)
        plan = [row[0] for row in cur.fetchall()]
    conn.close()
    indexes = sorted({word for line in plan for word in line.replace("(", " ").split() if word.startswith("ix_")})
    port = 5600 + os.getpid() % 300
    env = {**os.environ, "DATABASE_URL": URL, "PORT": str(port), "FILING_RATE_LIMIT": "1000000 per hour"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind",
                               f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/map/signals.geojson?bbox={BOX}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)

        def http(_state):
            urllib.request.urlopen(url, timeout=30).read()

        def sql(state):
            state.execute(statement)
            state.fetchall()
        sql.setup = lambda: psycopg2.connect(dbname=DB, host=SOCKET).cursor()

        http_rate, http_lat = drive(http)
        sql_rate, sql_lat = drive(sql)
    finally:
        server.terminate()
        server.wait(10)
    report("GET /map/signals.geojson (gunicorn)", http_rate, http_lat)
    report("same statement via psycopg2", sql_rate, sql_lat)
    print(f"index used: {', '.join(indexes) or 'none (sequential scan)'}")
    print(f"ratio endpoint/PostgreSQL: {http_rate / sql_rate:.2f}")


if __name__ == "__main__":
    main()
