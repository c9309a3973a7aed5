"""The map's cell counts equal a COUNT(*) of public_signals() per cell and window, at every level and filter,
after every kind of write — and across a local midnight."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from signals import access, map_cells, workflow
from signals.map_cells import LEVELS, MapCell
from signals.models import HiddenReason, Signal
from signals.services import change_status, corrections, duplicates, moderation, reroute
from signals.workflow import Status

WINDOWS = (7, 30, 90)


def expected(level: int, days: int, category_id: int = 0, status: str = "") -> dict:
    """COUNT(*) of public_signals() with a point, per cell of a level, registered in the window."""
    size = LEVELS[level]
    x = func.floor(func.ST_X(Signal.location) / size).cast(db.Integer)
    y = func.floor(func.ST_Y(Signal.location) / size).cast(db.Integer)
    query = (access.public_signals().where(Signal.location.isnot(None),
                                           Signal.registered_at >= clock.days_ago(days))
             .with_only_columns(x, y, func.count()).group_by(x, y))
    if category_id:
        query = query.where(Signal.category_id == category_id)
    if status:
        query = query.where(Signal.status == status)
    return {(cx, cy): n for cx, cy, n in db.session.execute(query)}


def counted(level: int, days: int, category_id: int = 0, status: str = "") -> dict:
    """What the cells say for the same question."""
    first = clock.today() - timedelta(days=days)
    rows = db.session.execute(
        select(MapCell.cx, MapCell.cy, func.sum(MapCell.n)).where(
            MapCell.level == level, MapCell.category_id == category_id, MapCell.status == status,
            MapCell.day >= first).group_by(MapCell.cx, MapCell.cy).having(func.sum(MapCell.n) != 0))
    return {(cx, cy): n for cx, cy, n in rows}


def assert_exact(categories, statuses) -> None:
    for level in range(len(LEVELS)):
        for days in WINDOWS:
            for category_id in (0, *[c.id for c in categories]):
                for status in ("", *statuses):
                    assert counted(level, days, category_id, status) == expected(level, days, category_id, status), \
                        (level, days, category_id, status)


@pytest.fixture
def city(create_category, create_user, create_signal):
    """Generated public and private signals over 100 days, some held or hidden, in three categories."""
    rng = random.Random(7)
    potholes, lights = create_category(Kind.problem), create_category(Kind.problem)
    questions = create_category(Kind.question)
    staff, resident = create_user(Role.staff), create_user()
    made = []
    for i in range(90):
        point = (round(23.25 + rng.random() * 0.15, 6), round(42.64 + rng.random() * 0.1, 6))
        when = clock.now() - timedelta(days=rng.randint(0, 100), minutes=rng.randint(0, 1400))
        kind = Kind.question if i % 9 == 0 else Kind.problem
        category = questions if kind == Kind.question else rng.choice([potholes, lights])
        with clock.frozen(when):
            signal = create_signal(kind, category=category, point=point, held=(i % 11 == 0))
        if kind == Kind.question and i % 2 == 0:
            signal.text_approved = True
        for step in rng.choice([[], [Status.in_progress], [Status.in_progress, Status.answered]]):
            if step in workflow.allowed(signal.kind, signal.status):
                change_status(signal, step, staff)
        made.append(signal)
    create_signal(Kind.letter, user=resident, point=(23.32, 42.69))          # private: never on the map
    db.session.flush()
    return made, (potholes, lights, questions), staff


STATUSES = ("registered", "in_progress", "answered", "duplicate")


def test_cells_are_exact_after_every_kind_of_write(city, create_user, create_department):
    signals, (potholes, lights, questions), staff = city
    assert_exact((potholes, lights, questions), STATUSES)
    held = next(s for s in signals if not s.text_approved and s.kind == Kind.problem)
    moderation.approve(held, staff)
    hidden = next(s for s in signals if s.text_approved and not s.hidden and s is not held)
    moderation.hide(hidden, HiddenReason.spam, staff)
    shown_again = next(s for s in signals if s.text_approved and not s.hidden and s not in (held, hidden))
    moderation.hide(shown_again, HiddenReason.offensive, staff)
    moderation.unhide(shown_again, staff)
    moved = next(s for s in signals if s.text_approved and not s.hidden and s.kind == Kind.problem
                 and s not in (held, hidden, shown_again))
    corrections.move_point(moved, 23.40, 42.70, staff)
    recategorised = next(s for s in signals if s.category == potholes and s.text_approved and s is not moved)
    corrections.change_category(recategorised, lights, staff)
    swapped = next(s for s in signals if s.kind == Kind.problem and s.text_approved and s.status == Status.registered
                   and s not in (moved, recategorised))
    corrections.change_kind(swapped, Kind.question, questions, staff)
    progressed = next(s for s in signals if s.status == Status.registered and s.text_approved and not s.hidden
                      and s is not swapped)
    change_status(progressed, Status.in_progress, staff)
    admin = create_user(Role.admin)
    twin = next(s for s in signals if s.kind == Kind.problem and s.text_approved and not s.hidden
                and Status.duplicate in workflow.allowed(s.kind, s.status) and s not in (moved, swapped, progressed))
    duplicates.mark_duplicate(twin, progressed, admin)
    rerouted = next(s for s in signals if s.text_approved and s not in (twin, moved, swapped, progressed))
    reroute.reroute(rerouted, create_department(), admin, "Компетентен е друг отдел.")
    db.session.flush()
    assert_exact((potholes, lights, questions), STATUSES)
    horizon = clock.today() - timedelta(days=map_cells.HORIZON_DAYS)
    snapshot = {(c.level, c.category_id, c.status, c.day, c.cx, c.cy): c.n
                for c in db.session.scalars(select(MapCell).where(MapCell.n != 0, MapCell.day >= horizon))}
    map_cells.rebuild()                                                   # the bulk recount agrees
    rebuilt = {(c.level, c.category_id, c.status, c.day, c.cx, c.cy): c.n for c in db.session.scalars(select(MapCell))}
    assert rebuilt == snapshot


def test_a_private_held_or_hidden_signal_adds_to_no_cell(create_signal, create_user, create_category):
    resident = create_user()
    create_signal(Kind.letter, user=resident, point=(23.32, 42.69))
    create_signal(Kind.problem, point=(23.32, 42.69), held=True)
    hidden = create_signal(Kind.problem, point=(23.32, 42.69))
    moderation.hide(hidden, HiddenReason.spam, None)
    create_signal(Kind.question, point=(23.32, 42.69))                    # a question's text not yet approved
    db.session.flush()
    assert db.session.scalar(select(func.coalesce(func.sum(MapCell.n), 0))) == 0


def test_cells_are_exact_across_a_local_midnight(create_signal, create_category):
    category = create_category(Kind.problem)
    with clock.frozen("2026-03-10 23:59"):
        late = create_signal(category=category, point=(23.3265, 42.6945))
    with clock.frozen("2026-03-11 00:01"):
        early = create_signal(category=category, point=(23.3266, 42.6946))
    db.session.flush()
    with clock.frozen("2026-03-18 00:30"):                  # a 7-day window starts on 03-11: only the second
        assert counted(3, 7) == expected(3, 7) and sum(expected(3, 7).values()) == 1
        assert counted(3, 8) == expected(3, 8) and sum(expected(3, 8).values()) == 2
    assert late.registered_at < early.registered_at
