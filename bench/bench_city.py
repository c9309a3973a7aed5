"""The product beside PostgreSQL alone, on cities of 100,000 and 1,000,000 items (bench/city.py).

For each case the product answers over HTTP (gunicorn as `make run` starts it, rate limits on, access log on)
and PostgreSQL alone runs the product's own statements, captured from the same request in-process; the two
are interleaved in one run with the same number of client threads (2 and 8), three times, and the median
ratio is printed with p50/p95/p99, bytes per answer and CPU milliseconds per request of the web process and
of PostgreSQL. The map's URLs carry the stored data version, as a client's do, so the whole city's cells come
from the body each web process keeps per version (PostgreSQL alone runs the statements that make it); one
unversioned row shows them made on every request. /track and an item page are compared with a bare Flask hello
under the same gunicorn; a filing with the same writes replayed through psycopg2 (in a transaction rolled back:
the unique number and key could not be written twice). Prints figures; asserts nothing.

    BENCH_ROWS=100000,1000000  BENCH_SECONDS=4  BENCH_REPS=3  BENCH_THREADS=2,8  .venv/bin/python bench/bench_city.py
    BENCH_CASES=points,/track  (only the cases whose label holds one of these)
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import city  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
REPS = int(os.environ.get("BENCH_REPS", "3"))
THREADS = [int(t) for t in os.environ.get("BENCH_THREADS", "2,8").split(",")]
ROWS = [int(r) for r in os.environ.get("BENCH_ROWS", "100000,1000000").split(",")]
ONLY = os.environ.get("BENCH_CASES", "")      # e.g. "points,/track": only the cases whose label holds one of these
TICK = os.sysconf("SC_CLK_TCK")
BLOCK = "23.3195,42.6955,23.3245,42.6985"       # about 410 m × 330 m in the centre
DISTRICT = "23.27,42.66,23.37,42.73"


# --- CPU of processes -------------------------------------------------------------------------------------------

def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _postgres() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith("postgres"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class CpuMeter:
    """CPU seconds used by a process tree and by PostgreSQL between start() and stop()."""

    def __init__(self, server_pid: int | None):
        self.server_pid = server_pid

    def _sample(self) -> tuple[float, dict[int, float]]:
        web = 0.0
        if self.server_pid:
            web = sum(_cpu(p) for p in [self.server_pid, *_children(self.server_pid)])
        return web, {p: _cpu(p) for p in _postgres()}

    def start(self) -> None:
        self.web0, self.pg0 = self._sample()

    def stop(self) -> tuple[float, float]:
        web1, pg1 = self._sample()
        return web1 - self.web0, sum(v - self.pg0.get(p, 0.0) for p, v in pg1.items())


# --- servers ----------------------------------------------------------------------------------------------------

def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    """gunicorn with the project's settings on a port; waits until it answers."""
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind",
                                f"127.0.0.1:{port}", app], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz" if "wsgi" in app else "/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{app} did not start")


# --- cases ------------------------------------------------------------------------------------------------------

@dataclass
class Case:
    """One request kind: how the product is asked, and what PostgreSQL alone runs for it."""

    label: str
    method: str
    path: str
    statements: list[str] = field(default_factory=list)
    body: dict | None = None
    rollback_only: bool = False


FRESH_ID = 900_000_000     # the filing captured gets this id, so its literals can be told apart and replaced


def capture(url: str, case: Case) -> None:
    """Run the product's request in-process (once to warm its caches, then captured) and keep its statements.

    For a filing, the new item's id, number and submission key are turned into placeholders that each replay
    fills with fresh values, so parallel replays never wait on one another's unique keys."""
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from signals import map_data

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg2://"),
                      "TESTING": False, "FILING_RATE_LIMIT": "1000000 per hour",
                      "FORM_POST_RATE_LIMIT": "1000000 per hour"})
    raw = []
    with app.app_context():
        client = app.test_client()
        data = None
        if case.body is not None:
            page = client.get("/signals/new").get_data(as_text=True)
            data = {**case.body, **dict(re.findall(r'name="(csrf_token)" type="hidden" value="([^"]+)"', page)),
                    "submission_key": secrets.token_urlsafe(24)}

        def grab(conn, cursor, statement, parameters, context, executemany):
            raw.append(cursor.mogrify(statement, parameters).decode())

        if data is None:
            client.open(case.path, method=case.method)                    # warm the process's caches
        else:
            client.get("/signals/new")
            start = db.session.execute(db.text(
                f"SELECT setval(pg_get_serial_sequence('signals', 'id'), "
                f"greatest({FRESH_ID}, (SELECT max(id) FROM signals)))")).scalar()
            db.session.commit()
        map_data.forget_kept()          # a kept whole-city body would hide the statements that make it
        event.listen(db.engine, "before_cursor_execute", grab)
        response = client.open(case.path, method=case.method, data=data)
        event.remove(db.engine, "before_cursor_execute", grab)
        assert response.status_code in (200, 302), (case.label, response.status_code)
        if data is not None:
            number, key = db.session.execute(db.text("SELECT number, submission_key FROM signals WHERE id = :id"),
                                             {"id": start + 1}).one()
            raw = [s.replace(f"'{number}'", "'{number}'").replace(f"'{key}'", "'{key}'")
                    .replace(str(start + 1), "{id}") for s in raw]
        db.session.remove()
        db.engine.dispose()
    case.statements = raw


def product_call(port: int, case: Case):
    """A per-thread function that asks the product once; returns the bytes of the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers: dict[str, str] = {"Accept-Language": "bg"}
    body_base = None
    if case.body is not None:
        connection.request("GET", "/signals/new")
        response = connection.getresponse()
        page = response.read().decode()
        headers["Cookie"] = response.getheader("Set-Cookie", "").split(";", 1)[0]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body_base = {**case.body, "csrf_token": token}
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    def call() -> int:
        payload = None
        if body_base is not None:
            payload = urllib.parse.urlencode({**body_base, "submission_key": secrets.token_urlsafe(24)})
        connection.request(case.method, case.path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{case.label}: {response.status}")
        return len(data)

    return call


_fresh = iter(range(2_000_000_000, 2_100_000_000))
_fresh_lock = threading.Lock()


def postgres_call(url: str, case: Case):
    """A per-thread function that runs the case's statements once on its own connection."""
    connection = psycopg2.connect(url)

    def call() -> int:
        size = 0
        with _fresh_lock:
            fresh = next(_fresh)
        values = {"{id}": str(fresh), "'{number}'": f"'XX-2099-{fresh}'", "'{key}'": f"'bench-{fresh}'"}
        with connection.cursor() as cursor:
            for statement in case.statements:
                for placeholder, value in values.items():
                    statement = statement.replace(placeholder, value)
                cursor.execute(statement)
                if cursor.description:
                    size += sum(len(str(v)) for row in cursor.fetchall() for v in row)
        connection.rollback()
        return size

    return call


# --- driving ----------------------------------------------------------------------------------------------------

@dataclass
class Run:
    rate: float
    latencies: list[float]
    size: float
    web_ms: float
    pg_ms: float


def drive(make_call, threads: int, meter: CpuMeter) -> Run:
    latencies, sizes, lock = [], [], threading.Lock()
    calls = [make_call() for _ in range(threads)]
    stop = [0.0]
    barrier = threading.Barrier(threads + 1)

    def loop(call):
        mine, mine_sizes = [], []
        barrier.wait()
        while time.monotonic() < stop[0]:
            started = time.perf_counter()
            mine_sizes.append(call())
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            sizes.extend(mine_sizes)

    workers = [threading.Thread(target=loop, args=(call,)) for call in calls]
    for worker in workers:
        worker.start()
    stop[0] = time.monotonic() + SECONDS
    meter.start()
    began = time.monotonic()
    barrier.wait()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - began
    web, pg = meter.stop()
    n = max(len(latencies), 1)
    return Run(len(latencies) / elapsed, latencies, statistics.mean(sizes or [0]), web * 1000 / n, pg * 1000 / n)


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 2 else 0.0


def main() -> None:
    print(f"bench_city: {SECONDS:.0f} s per run, {REPS} repetitions, threads {THREADS}, rows {ROWS}")
    for rows in ROWS:
        url = city.build(rows)
        bench_rows(rows, url)


def bench_rows(rows: int, url: str) -> None:
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT number FROM signals WHERE kind = 'problem' AND text_approved AND NOT hidden "
                    "ORDER BY registered_at DESC LIMIT 1")
        number = cur.fetchone()[0]
        cur.execute("SELECT code FROM categories WHERE kind = 'problem' ORDER BY id LIMIT 1")
        category = cur.fetchone()[0]
        cur.execute("SELECT (value ->> 'v')::bigint FROM site_settings WHERE key = 'map_version'")
        version = (cur.fetchone() or [0])[0] or 0        # what /map/version.json tells a client now
    conn.close()
    port, hello_port = 5700 + os.getpid() % 200, 5900 + os.getpid() % 90
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "INSTANCE": f"bench{rows}",
           "FILING_RATE_LIMIT": "1000000 per hour", "FORM_POST_RATE_LIMIT": "1000000 per hour",
           "LOOKUP_MISS_RATE_LIMIT": "1000000 per minute", "VAR_DIR": f"/tmp/cc-bench-var-{rows}"}
    first = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
    filing = {"kind": "problem", "category": category, "lat": "42.6945", "lon": "23.3265", "district": "",
              "title": "Дупка на платното", "description": "Дълбока дупка пред входа, опасна за колите.",
              "place_description": "", "name": "", "email": "bench@example.org", "website": ""}
    cases = [
        Case("points, city block", "GET", f"/map/signals.geojson?bbox={BLOCK}&from={first}&v={version}"),
        Case("cells, district (level 2)", "GET", f"/map/cells.json?level=2&bbox={DISTRICT}&from={first}&v={version}"),
        Case("cells, whole city (level 0)", "GET", f"/map/cells.json?level=0&from={first}&v={version}"),
        Case("cells, whole city (level 1)", "GET", f"/map/cells.json?level=1&from={first}&v={version}"),
        Case("cells, level 0, unversioned", "GET", f"/map/cells.json?level=0&from={first}"),
        Case("/track", "GET", f"/track?number={number}"),
        Case("/track, no number (page alone)", "GET", "/track"),
        Case("item page", "GET", f"/signals/{number}"),
        Case("filing a report", "POST", "/signals/new", body=filing, rollback_only=True),
    ]
    if ONLY:
        cases = [case for case in cases if any(part in case.label for part in ONLY.split(","))]
    for case in cases:
        capture(url, case)
    server = serve("wsgi:app", port, env)
    hello = serve("bench.hello:app", hello_port, env)
    results: dict[tuple[str, int], list[tuple[Run, Run]]] = {}
    try:
        for _ in range(REPS):
            for threads in THREADS:
                hello_run = drive(lambda: product_call(hello_port, Case("hello", "GET", "/")), threads,
                                  CpuMeter(hello.pid))
                results.setdefault(("bare Flask hello", threads), []).append((hello_run, hello_run))
                for case in cases:
                    mine = drive(lambda: product_call(port, case), threads, CpuMeter(server.pid))
                    alone = None                    # a page that runs no statement has nothing to compare
                    if case.statements:
                        alone = drive(lambda: postgres_call(url, case), threads, CpuMeter(None))
                    results.setdefault((case.label, threads), []).append((mine, alone))
    finally:
        for process in (server, hello):
            process.terminate()
            process.wait(10)
    report(rows, results)


def report(rows: int, results: dict) -> None:
    """One line per case and thread count; a case that runs no statement has no PostgreSQL columns."""
    print(f"\n== {rows:,} items ==")
    print(f"{'case':<30}{'thr':>4}{'req/s':>9}{'PG req/s':>10}{'ratio':>7}{'vs hello':>9}{'p50 ms':>8}{'p95':>8}"
          f"{'p99':>8}{'bytes':>9}{'web ms':>8}{'PG ms':>7}{'PG alone ms':>12}")
    for (label, threads), runs in results.items():
        hello = statistics.median(r[0].rate for r in results[("bare Flask hello", threads)])
        latencies = [x for m, _ in runs for x in m.latencies]
        product = statistics.median(m.rate for m, _ in runs)
        alone = [(m, a) for m, a in runs if a is not None]
        if alone:
            pg_rate = f"{statistics.median(a.rate for _, a in alone):>10.1f}"
            ratio = f"{statistics.median(m.rate / a.rate for m, a in alone):>7.2f}"
            pg_alone = f"{statistics.median(a.pg_ms for _, a in alone):>12.2f}"
        else:                                            # a page that runs no statement
            pg_rate, ratio, pg_alone = f"{'-':>10}", f"{'-':>7}", f"{'-':>12}"
        print(f"{label:<30}{threads:>4}{product:>9.1f}{pg_rate}{ratio}{product / hello:>9.2f}{pct(latencies, 50):>8.2f}"
              f"{pct(latencies, 95):>8.2f}{pct(latencies, 99):>8.2f}{statistics.median(m.size for m, _ in runs):>9.0f}"
              f"{statistics.median(m.web_ms for m, _ in runs):>8.2f}{statistics.median(m.pg_ms for m, _ in runs):>7.2f}"
              f"{pg_alone}")


if __name__ == "__main__":
    main()
