"""Which index serves the map's points best: EXPLAIN ANALYZE of the product's own statement at 1,000,000 items.

Candidates, each built alone on the signals table of bench/city.py's database:
  A  GiST(location) and btree(registered_at)                 (until migration 0007)
  B  GiST(location, registered_at) with btree_gist
  C  B restricted to public rows (WHERE kind IN (…) AND text_approved IS true AND hidden IS false), a partial index whose
     predicate never moves, so it needs no rebuild, chosen only when the query spells the same predicate
For a city block, a district and the whole city, the median execution time of 15 runs and the index used.
Prints figures; asserts nothing. BENCH_INDEX_ROWS chooses the database (default 1000000).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import city  # noqa: E402

ROWS = int(os.environ.get("BENCH_INDEX_ROWS", "1000000"))
BOXES = {"block": "23.318,42.694,23.328,42.700", "district": "23.27,42.66,23.37,42.73",
         "city": "23.0,42.5,23.7,42.9"}
PUBLIC = "kind IN ('problem', 'question') AND text_approved IS true AND hidden IS false"
CANDIDATES = {
    "A": ["CREATE INDEX bench_a_loc ON signals USING gist (location)",
          "CREATE INDEX bench_a_at ON signals (registered_at)"],
    "B": ["CREATE INDEX bench_b ON signals USING gist (location, registered_at)"],
    "C": [f"CREATE INDEX bench_c ON signals USING gist (location, registered_at) WHERE {PUBLIC}"],
}


def statement(url: str, bbox: str) -> str:
    """The points statement as the endpoint runs it, with its parameters."""
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg2://")})
    captured = []
    with app.app_context():
        def grab(conn, cursor, sql, parameters, context, executemany):
            if "json_agg" in sql:
                captured.append(cursor.mogrify(sql, parameters).decode())
        event.listen(db.engine, "before_cursor_execute", grab)
        app.test_client().get(f"/map/signals.geojson?bbox={bbox}&days=30")
        db.session.remove()
        db.engine.dispose()
    return captured[0]


def main() -> None:
    url = city.build(ROWS)
    statements = {name: statement(url, box) for name, box in BOXES.items()}
    conn = psycopg2.connect(url)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'signals' AND "
                "(indexdef LIKE '%gist%' OR indexdef LIKE '%(registered_at)%')")
    existing = cur.fetchall()
    for name, _ in existing:
        cur.execute(f'DROP INDEX "{name}"')
    print(f"bench_map_index: {ROWS:,} items; median execution time of 15 runs (ms) and the index used")
    try:
        for label, ddl in CANDIDATES.items():
            for sql in ddl:
                cur.execute(sql)
            cur.execute("ANALYZE signals")
            cells = []
            for box, sql in statements.items():
                times, used = [], set()
                for _ in range(15):
                    cur.execute("SET max_parallel_workers_per_gather = 0")
                    cur.execute("EXPLAIN (ANALYZE, TIMING OFF) " + sql)
                    plan = "\n".join(row[0] for row in cur.fetchall())
                    times.append(float(re.search(r"Execution Time: ([\d.]+)", plan).group(1)))
                    used |= set(re.findall(r"(bench_\w+|ix_\w+)", plan))
                cells.append(f"{box} {statistics.median(times):7.2f} ({', '.join(sorted(used)) or 'seq scan'})")
            print(f"  {label}: " + "   ".join(cells))
            for sql in ddl:
                cur.execute(f"DROP INDEX {sql.split()[2]}")
    finally:
        for _, definition in existing:
            cur.execute(definition)
        cur.execute("ANALYZE signals")
        conn.close()


if __name__ == "__main__":
    main()
