"""Routing: the most specific rule wins; shared boundaries go to the lowest district code; else triage."""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from app.kinds import Kind
from geo.models import Area
from signals import routing
from signals.routing import Place

BOUNDARY = (23.321109, 42.695843)  # on the line between 01 Средец and 03 Възраждане
PLOVDIV = (24.75, 42.15)


def test_the_boundary_point_is_covered_by_both_districts(db_session):
    covering = db.session.execute(text(
        "SELECT code FROM areas WHERE level = 'district' AND "
        "ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) ORDER BY code"),
        {"lon": BOUNDARY[0], "lat": BOUNDARY[1]}).scalars().all()
    assert covering == ["01", "03"]
    assert routing.district_at(*BOUNDARY).code == "01"


def test_a_shared_boundary_uses_the_lowest_district_codes_rule(create_category, create_department, create_rule):
    category = create_category(Kind.problem)            # category-wide rule to its own department
    sredets, vazrazhdane = create_department("R01"), create_department("R03")
    create_rule(category, vazrazhdane, "03")
    create_rule(category, sredets, "01")
    route = routing.route(category, Place(*BOUNDARY))
    assert route.department.code == "R01" and route.area.code == "01"


def test_a_district_without_a_rule_gets_the_category_rule(create_category, create_department, create_rule):
    category = create_category(Kind.problem)
    create_rule(category, create_department("R03"), "03")
    route = routing.route(category, Place(23.3265, 42.6945))   # inside 01, which has no rule
    assert route.department == category.department and route.area.code == "01"


def test_a_category_without_rules_goes_to_triage(create_category, triage_department):
    category = create_category(Kind.problem, rule=False)
    route = routing.route(category, Place(23.3265, 42.6945))
    assert route.department == triage_department and route.area.code == "01"


def test_outside_the_outline_goes_to_triage_even_with_rules(create_category, create_department, create_rule,
                                                            triage_department):
    category = create_category(Kind.problem)
    create_rule(category, create_department(), "01")
    route = routing.route(category, Place(*PLOVDIV))
    assert route.department == triage_department and route.area is None and not route.inside


def test_a_district_chosen_from_the_list_uses_its_rule(create_category, create_department, create_rule):
    category = create_category(Kind.problem)
    mladost = create_department("R15")
    create_rule(category, mladost, "15")
    area_id = db.session.scalar(db.select(Area.id).where(Area.code == "15"))
    route = routing.route(category, Place(area_id=area_id))
    assert route.department == mladost


def test_no_place_uses_the_category_rule(create_category):
    category = create_category(Kind.question)
    assert routing.route(category, Place()).department == category.department


def test_registration_outside_the_outline_keeps_the_point_for_triage(create_signal, triage_department):
    signal = create_signal(Kind.problem, point=PLOVDIV)
    assert signal.department == triage_department and signal.area is None
    assert signal.location is not None
