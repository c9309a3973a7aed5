"""`flask seed demo`: the demo city, idempotent, and refused on a real database (convention 15).

Demo data loads when DATABASE_URL is unset (the embedded database) or DEMO=1 is set.
Every row is found by a natural key before it is added, so a second run adds nothing.
"""

from __future__ import annotations

import os
import random
import secrets
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from geoalchemy2.shape import to_shape
from shapely import prepared
from shapely.geometry import Point
from sqlalchemy import func, select

from app import clock, demo_data
from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.departments.models import Category, Department, Membership, RoutingRule
from app.extensions import db
from app.kinds import Kind
from geo.importer import import_file
from geo.models import Area, AreaLevel
from geo.models import Place as NamedPlace
from geo.sofia import DISTRICTS_FILE, MUNICIPALITY_FILE, load_neighbourhoods
from signals import calendar, services, workflow
from signals.models import Signal
from signals.routing import Place

seed_cli = AppGroup("seed", help="Demo data.")
DEMO_SIGNALS = 300
DEMO_DAYS = 60


class DemoRefused(click.ClickException):
    """Seeding a database that is not a demo one."""


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Seed only when the database holds no departments yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo city: districts, departments, categories, rules, accounts, 300 public signals."""
    cfg = current_app.config
    if not (cfg["DATABASE_IS_EMBEDDED"] or cfg["DEMO"]):
        raise DemoRefused("DATABASE_URL points at a real database and DEMO is not set: "
                          "demo data is written only to the embedded database or with DEMO=1. Nothing written.")
    if if_empty and db.session.scalar(select(func.count()).select_from(Department)):
        places = _places()          # a demo database from before place search gets its neighbourhoods
        db.session.commit()
        click.echo("seed: the database already holds data; demo not loaded"
                   + (f" (neighbourhoods +{places})" if places else ""))
        return
    counts = seed_demo()
    db.session.commit()
    click.echo("seed: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))


def seed_demo(rng_seed: int = 2026) -> dict[str, int]:
    """Create whatever part of the demo city is missing (the caller commits)."""
    calendar.sync(clock.today().year, 3)   # deadlines need the working-day calendar
    counts = {"areas": _areas(), "places": _places(), "departments": _departments(), "categories": _categories()}
    counts["rules"] = _rules()
    counts["accounts"] = _accounts()
    counts["signals"] = _signals(random.Random(rng_seed))
    return counts


def _areas() -> int:
    existing = db.session.scalar(select(func.count()).select_from(Area))
    if existing:
        return 0
    return import_file(DISTRICTS_FILE, AreaLevel.district) + import_file(MUNICIPALITY_FILE, AreaLevel.municipality)


def _places() -> int:
    if db.session.scalar(select(NamedPlace.id).limit(1)) is not None:
        return 0
    return load_neighbourhoods()


def _departments() -> int:
    have = set(db.session.scalars(select(Department.code)))
    added = 0
    for code, (bg, en, ru, email, triage) in demo_data.DEPARTMENTS.items():
        if code not in have:
            db.session.add(Department(code=code, name_bg=bg, name_en=en, name_ru=ru, email=email, is_triage=triage,
                                      phone="+359 2 000 0000", address_bg="гр. София, ул. „Московска“ 33"))
            added += 1
    db.session.flush()
    return added


def _by_code(model) -> dict:
    return {row.code: row for row in db.session.scalars(select(model))}


def _categories() -> int:
    have, departments = set(db.session.scalars(select(Category.code))), _by_code(Department)
    added = 0
    for position, (code, (kind, dept, bg, en, ru)) in enumerate(demo_data.CATEGORIES.items()):
        if code not in have:
            db.session.add(Category(code=code, kind=kind, department=departments[dept], name_bg=bg, name_en=en,
                                    name_ru=ru, position=position))
            added += 1
    db.session.flush()
    return added


def _rules() -> int:
    categories, departments, areas = _by_code(Category), _by_code(Department), _by_code(Area)
    have = {(r.category_id, r.area_id) for r in db.session.scalars(select(RoutingRule))}
    wanted = [(categories[c].id, None, categories[c].department_id) for c in demo_data.CATEGORIES]
    wanted += [(categories[c].id, areas[a].id, departments[d].id) for c, a, d in demo_data.DISTRICT_RULES]
    added = 0
    for category_id, area_id, department_id in wanted:
        if (category_id, area_id) not in have:
            db.session.add(RoutingRule(category_id=category_id, area_id=area_id, department_id=department_id))
            added += 1
    db.session.flush()
    return added


def _accounts() -> int:
    wanted = [("admin@example.org", Role.admin, None, "Администратор"),
              ("resident@example.org", Role.resident, None, "Иван Петров Иванов"),
              ("operator@example.org", Role.operator, None, "Оператор на контактния център")]
    wanted += [(f"staff.{code.lower()}@example.org", Role.staff, code, name[0])
               for code, name in demo_data.DEPARTMENTS.items()]
    have = set(db.session.scalars(select(User.email)))
    missing = [w for w in wanted if w[0] not in have]
    if not missing:
        return 0
    password = _demo_password()
    password_hash = hash_password(password)
    departments = _by_code(Department)
    for email, role, dept, name in missing:
        parts = name.split()
        names = dict(zip(("first_name", "middle_name", "last_name"), parts)) if len(parts) == 3 else {}
        user = User(email=email, role=role, display_name=name, password_hash=password_hash, confirmed_at=clock.now(),
                    address="гр. София 1000, ул. „Московска“ 33" if role == Role.resident else "", **names)
        db.session.add(user)
        db.session.flush()
        if dept:
            # The department's head: manages it and decides its information requests and proposals.
            db.session.add(Membership(user_id=user.id, department_id=departments[dept].id, is_manager=True,
                                      may_decide=True))
    db.session.flush()
    return len(missing)


def _demo_password() -> str:
    """DEMO_PASSWORD, or a generated one printed and kept in var/demo-credentials (0600)."""
    if current_app.config["DEMO_PASSWORD"]:
        return current_app.config["DEMO_PASSWORD"]
    password = secrets.token_urlsafe(12)
    path = Path(current_app.config["VAR_DIR"]) / "demo-credentials"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"Demo accounts (*@example.org), password: {password}\n")
    click.echo(f"seed: demo password {password} (also in {path})", err=True)
    return password


def _random_points(rng: random.Random, districts: list[Area], n: int) -> list[tuple[Area, float, float]]:


    shapes = [(area, to_shape(area.geom)) for area in districts]
    # Weight towards the dense inner districts so the map looks like a city's.
    weights = [1.0 / max(shape.area, 0.0005) ** 0.5 for _, shape in shapes]
    points = []
    for _ in range(n):
        area, shape = rng.choices(shapes, weights)[0]
        test, (w, s, e, nn) = prepared.prep(shape), shape.bounds
        while True:
            lon, lat = rng.uniform(w, e), rng.uniform(s, nn)
            if test.contains(Point(lon, lat)):
                points.append((area, round(lon, 6), round(lat, 6)))
                break
    return points


def _signals(rng: random.Random) -> int:
    keys = {f"demo-sg-{i:04d}" for i in range(1, DEMO_SIGNALS + 1)}
    have = set(db.session.scalars(select(Signal.submission_key).where(Signal.submission_key.in_(keys))))
    if len(have) == len(keys):
        return 0
    categories = [c for c in db.session.scalars(select(Category).where(Category.kind == Kind.problem))]
    districts = list(db.session.scalars(select(Area).where(Area.level == AreaLevel.district).order_by(Area.code)))
    staff = {m.department_id: m.user for m in db.session.scalars(select(Membership))}
    statuses = sorted(workflow.statuses_of(Kind.problem), key=lambda s: s.value)
    now = clock.now()
    moments = sorted(now - timedelta(minutes=rng.randint(90, DEMO_DAYS * 24 * 60)) for _ in range(DEMO_SIGNALS))
    points = _random_points(rng, districts, DEMO_SIGNALS)
    added = 0
    try:
        for i, (moment, (_, lon, lat)) in enumerate(zip(moments, points), start=1):
            key = f"demo-sg-{i:04d}"
            category = categories[i % len(categories)]
            target = statuses[i % len(statuses)]
            if key in have:
                continue
            clock.freeze(moment)
            data = services.SignalInput(category=category, title=rng.choice(demo_data.TITLES[category.code]),
                                        description=demo_data.DESCRIPTION, place=Place(lon=lon, lat=lat),
                                        submission_key=key)
            signal = services.register(Kind.problem, data).signal
            actor = staff.get(signal.department_id)
            for step, status in enumerate(workflow.path_to(Kind.problem, target), start=1):
                clock.freeze(min(moment + timedelta(hours=6 * step), now - timedelta(minutes=30 - step)))
                reason = demo_data.REASONS.get(status.value, "") if status in services.NEEDS_REASON else ""
                services.change_status(signal, status, actor, note=reason)
            added += 1
    finally:
        clock.freeze(None)
    db.session.flush()
    return added



