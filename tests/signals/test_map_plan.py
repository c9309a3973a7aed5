"""Convention 5: the map's statement, captured as the endpoint runs it, uses an index on 50,000 signals."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from app.departments.models import Category, Department, RoutingRule
from app.extensions import db
from app.kinds import Kind

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
    db.session.commit()
    db.session.execute(text("ANALYZE signals"))
    db.session.commit()
    return app


@pytest.mark.parametrize("bbox", ["23.30,42.68,23.34,42.70", "23.0,42.4,23.7,42.9"])
def test_the_map_statement_uses_an_index(fifty_thousand, bbox):
    app = fifty_thousand
    captured = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "json_agg" in statement:
            captured.append(cursor.mogrify(statement, parameters).decode())

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        response = app.test_client().get(f"/map/signals.geojson?bbox={bbox}")
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    assert response.status_code == 200 and response.json["features"]
    assert len(captured) == 1
    db.session.remove()
    plan = "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + captured[0])))
    assert "Seq Scan on signals" not in plan, plan
    assert "ix_signals_location" in plan or "ix_signals_registered_at" in plan, plan


def test_at_most_5000_newest_features_and_truncated(fifty_thousand):
    body = fifty_thousand.test_client().get("/map/signals.geojson?bbox=23.0,42.4,23.7,42.9&days=90").json
    times = [f["properties"]["registered_at"] for f in body["features"]]
    assert len(times) == 5000 and body["truncated"] is True
    assert times == sorted(times, reverse=True)
