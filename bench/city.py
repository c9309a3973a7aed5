"""A scratch database shaped like a city, for the benchmarks: `build(rows)` → its URL.

The demo city (districts, departments, categories, accounts) plus `rows` generated
items registered evenly over one year, in time order, so that 100,000 rows give
Sofia's real volume (about 8,300 in the last 30 days) and 1,000,000 Moscow's (about
82,000): 85 % problems, 10 % questions and 5 % private kinds; mixed statuses; 3 % of
problems and 40 % of questions awaiting approval, 1 % hidden; points dense in the
centre (60 %, σ ≈ 1.5 km) and spread over the city (40 %). One INSERT … SELECT
generate_series, then ANALYZE and the map's cell counts. A database already built
for the same row count is reused (BENCH_REBUILD=1 builds it again).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
SOCKET = "/var/run/postgresql"
GENERATE = """
WITH cats AS (SELECT kind, array_agg(id ORDER BY id) AS ids, array_agg(department_id ORDER BY id) AS deps
              FROM categories GROUP BY kind),
rows AS (
  SELECT g, now() - (%(rows)s - g) * (interval '365 days' / %(rows)s) AS at, random() AS r, random() < 0.6 AS dense,
         random() + random() + random() - 1.5 AS dx, random() + random() + random() - 1.5 AS dy, random() AS rs,
         random() AS ra, random() AS rc
  FROM generate_series(1, %(rows)s) AS g),
kinded AS (
  SELECT *, CASE WHEN r < 0.85 THEN 'problem' WHEN r < 0.95 THEN 'question' WHEN r < 0.97 THEN 'letter'
                 WHEN r < 0.98 THEN 'complaint' WHEN r < 0.99 THEN 'proposal' ELSE 'info_request' END AS kind
  FROM rows)
INSERT INTO signals (id, number, kind, status, version, title, description, category_id, department_id, location,
                     place_description, registered_at, due_on, period_start, extension_days, text_approved, hidden,
                     filer_token_generation, locale)
SELECT nextval('signals_id_seq'),
       CASE k.kind WHEN 'problem' THEN 'SG' WHEN 'question' THEN 'QN' WHEN 'letter' THEN 'LT'
                   WHEN 'complaint' THEN 'CP' WHEN 'proposal' THEN 'PR' ELSE 'IR' END
         || '-' || (2000 + k.g / 900000) || '-' || lpad((k.g %% 900000 + 1)::text, 6, '0'),
       k.kind,
       CASE WHEN k.kind = 'problem'
            THEN (ARRAY['registered', 'in_progress', 'in_progress', 'resolved', 'closed', 'rejected'])[1 + floor(k.rs * 6)::int]
            ELSE (ARRAY['registered', 'in_progress', 'answered', 'closed'])[1 + floor(k.rs * 4)::int] END,
       1, 'generated', 'generated for the benchmark',
       c.ids[1 + floor(k.rc * array_length(c.ids, 1))::int], c.deps[1 + floor(k.rc * array_length(c.ids, 1))::int],
       CASE WHEN k.kind = 'info_request' THEN NULL ELSE ST_SetSRID(ST_MakePoint(
            23.3219 + k.dx * CASE WHEN k.dense THEN 0.03 ELSE 0.10 END,
            42.6977 + k.dy * CASE WHEN k.dense THEN 0.02 ELSE 0.07 END), 4326) END,
       '', k.at, (k.at AT TIME ZONE 'Europe/Sofia')::date + 30, (k.at AT TIME ZONE 'Europe/Sofia')::date, 0,
       CASE k.kind WHEN 'problem' THEN k.ra > 0.03 WHEN 'question' THEN k.ra > 0.4 ELSE false END,
       k.ra > 0.99, 0, 'bg'
FROM kinded k JOIN cats c ON c.kind = k.kind
"""


def url(rows: int) -> str:
    """The database URL for a row count."""
    return f"postgresql:///cc_bench_{rows}?host={SOCKET}"


def _flask(*args: str, rows: int) -> None:
    env = {**os.environ, "DATABASE_URL": url(rows), "DEMO": "1", "DEMO_PASSWORD": "bench-only"}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def exists(rows: int) -> bool:
    """Whether a complete database for this row count is there."""
    try:
        conn = psycopg2.connect(dbname=f"cc_bench_{rows}", host=SOCKET)
    except psycopg2.OperationalError:
        return False
    with conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('map_cells') IS NOT NULL AND EXISTS (SELECT 1 FROM signals WHERE "
                    "title = 'generated') AND (SELECT count(*) FROM signals) >= %s", (rows,))
        done = cur.fetchone()[0]
    conn.close()
    return bool(done)


def fresh(name: str) -> str:
    """An empty scratch database with PostGIS and btree_gist (dropped first if it was there); its URL."""
    admin = psycopg2.connect(dbname="postgres", host=SOCKET)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    conn = psycopg2.connect(dbname=name, host=SOCKET)
    conn.autocommit = True
    conn.cursor().execute("CREATE EXTENSION postgis; CREATE EXTENSION btree_gist")
    conn.close()
    return f"postgresql:///{name}?host={SOCKET}"


def build(rows: int) -> str:
    """Build (or reuse) the scratch database for a row count; returns its URL."""
    if exists(rows) and not os.environ.get("BENCH_REBUILD"):
        _flask("db", "upgrade", rows=rows)           # a database built by an older checkout
        return url(rows)
    started = time.monotonic()
    name = f"cc_bench_{rows}"
    fresh(name)
    _flask("db", "upgrade", rows=rows)
    _flask("calendar", "sync", rows=rows)
    _flask("seed", "demo", rows=rows)
    conn = psycopg2.connect(dbname=name, host=SOCKET)
    with conn, conn.cursor() as cur:
        cur.execute(GENERATE, {"rows": rows})
        cur.execute("ANALYZE")
    conn.close()
    _flask("map", "rebuild", rows=rows)
    conn = psycopg2.connect(dbname=name, host=SOCKET)
    conn.autocommit = True
    conn.cursor().execute("VACUUM ANALYZE")
    conn.close()
    print(f"city: {rows:,} generated items in {name} ({time.monotonic() - started:.0f} s)")
    return url(rows)
