"""Convention 5: the map's statements, captured as the endpoints run them, on 50,000 signals: a block's points
use the chosen index, the whole city reads the cell table and not the signals."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app import clock
from app.departments.models import Category, Department, RoutingRule
from app.extensions import db
from app.kinds import Kind
from signals import map_cells
from tests.fixtures.database import statements_run

FILL = text("""
INSERT INTO signals (number, kind, status, version, title, description, category_id, department_id, location,
                     place_description, registered_at, extension_days, text_approved, hidden, locale)
SELECT 'SG-1999-' || lpad(g::text, 6, '0'), 'problem', 'registered', 1, 'plan', '', :category, :department,
       ST_SetSRID(ST_MakePoint(23.2 + random() * 0.35, 42.62 + random() * 0.16), 4326), '',
       now() - random() * interval '365 days', 0, random() > 0.05, false, 'bg'
FROM generate_series(1, 50000) g
""")


@pytest.fixture
def fifty_thousand(app, committed):
    department = Department(code="ROADS", name_bg="Пътища")
    category = Category(code="potholes", kind=Kind.problem, department=department, name_bg="Дупки")
    db.session.add_all([Department(code="CC", name_bg="Контактен център", is_triage=True), department, category])
    db.session.flush()
    db.session.add(RoutingRule(category_id=category.id, department_id=department.id))
    db.session.execute(FILL, {"category": category.id, "department": department.id})
    map_cells.rebuild()                                    # a bulk insert bypasses the ORM: count it once
    db.session.commit()
    db.session.execute(text("ANALYZE signals"))
    db.session.commit()
    return app


def _captured_plan(app, path: str, marker: str) -> str:
    with statements_run() as statements:
        response = app.test_client().get(path)
    captured = [statement for statement in statements if marker in statement]
    assert response.status_code == 200 and len(captured) == 1
    db.session.remove()
    return "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + captured[0])))


def test_a_blocks_points_use_the_location_and_time_index(fifty_thousand):
    plan = _captured_plan(fifty_thousand, "/map/signals.geojson?bbox=23.30,42.68,23.34,42.70", "json_agg")
    assert "ix_signals_location_registered_at" in plan and "Seq Scan on signals" not in plan, plan


def test_the_whole_city_reads_the_cell_table_not_the_signals(fifty_thousand):
    body = fifty_thousand.test_client().get("/map/cells.json?level=0&days=30").json
    expected = db.session.execute(text(
        "SELECT count(*) FROM signals WHERE text_approved AND registered_at >= :since"),
        {"since": clock.days_ago(30)}).scalar()
    assert body["total"] == expected > 0
    plan = _captured_plan(fifty_thousand, "/map/cells.json?level=0&days=30", "map_cells")
    assert "map_cells" in plan and "signals" not in plan.replace("map_cells", ""), plan


def test_at_most_5000_newest_features_and_truncated(fifty_thousand):
    body = fifty_thousand.test_client().get("/map/signals.geojson?bbox=23.0,42.4,23.7,42.9&days=90").json
    times = [f["properties"]["registered_at"] for f in body["features"]]
    assert len(times) == 5000 and body["truncated"] is True
    assert times == sorted(times, reverse=True)


def test_the_nearby_list_before_filing_reads_only_the_box_around_the_point(fifty_thousand):
    plan = _captured_plan(fifty_thousand, "/map/nearby.json?lat=42.69&lon=23.32&category=potholes", "ST_DWithin")
    assert "ix_signals_location_registered_at" in plan and "Seq Scan on signals" not in plan, plan
