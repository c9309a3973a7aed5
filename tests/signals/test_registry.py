"""Registry numbers: gap-free under concurrency, rising with time, local year; lookup forgives typing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app import clock
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import registry, services
from signals.models import Signal
from signals.routing import Place


def test_twenty_threads_get_gap_free_numbers_rising_with_time(app, committed_category):
    category_id = committed_category
    numbers, errors = [], []
    barrier = threading.Barrier(20)

    def file_one(i: int) -> None:
        try:
            barrier.wait(30)  # before any connection is taken: the pool holds 15
            with app.app_context():
                category = db.session.get(Category, category_id)
                data = services.SignalInput(category=category, title=f"Сигнал {i}",
                                            place=Place(lon=23.3265, lat=42.6945))
                signal = services.register(Kind.problem, data).signal
                db.session.commit()
                numbers.append(signal.number)
                db.session.remove()
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=file_one, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    year = clock.today().year
    assert sorted(numbers) == [f"SG-{year}-{n:06d}" for n in range(1, 21)]
    rows = db.session.execute(select(Signal.number, Signal.registered_at).order_by(Signal.number)).all()
    assert [r.number for r in rows] == sorted(numbers)
    times = [r.registered_at for r in rows]
    assert times == sorted(times), "registered_at must never decrease in number order"


def test_new_year_in_sofia_starts_a_new_series(create_signal):
    with clock.frozen("2027-01-01 00:30"):  # 2026-12-31 22:30 UTC
        signal = create_signal(Kind.problem)
    assert signal.number == "SG-2027-000001"
    assert signal.registered_at.year == 2026  # stored in UTC


def test_each_kind_has_its_own_series(create_signal, create_user):
    resident = create_user()
    with clock.frozen("2026-03-02 10:00"):
        first = create_signal(Kind.problem)
        letter = create_signal(Kind.letter, user=resident, point=None)
        second = create_signal(Kind.problem)
    assert (first.number, second.number) == ("SG-2026-000001", "SG-2026-000002")
    assert letter.number == "LT-2026-000001"


@pytest.mark.parametrize("typed", [
    "SG-2025-000042", "sg 2025 42", "SG2025000042", "СГ-2025-42", "сг2025-0042", " sg-2025-42 ",
    "SG_2025_42", "SG.2025.000042",
])
def test_lookup_forgives_case_spaces_hyphens_zeros_and_cyrillic(typed):
    assert registry.normalize(typed) == "SG-2025-000042"


@pytest.mark.parametrize("typed,expected", [
    ("СР-2026-7", "CP-2026-000007"),     # look-alike Cyrillic С and Р
    ("ЦП 2026 7", "CP-2026-000007"),     # phonetic layout
    ("ЯН-2026-1", "QN-2026-000001"), ("ЛТ2026 3", "LT-2026-000003"),
    ("ПР-2026-5", "PR-2026-000005"), ("ир-2026-9", "IR-2026-000009"),
])
def test_lookup_reads_codes_typed_in_cyrillic(typed, expected):
    assert registry.normalize(typed) == expected


@pytest.mark.parametrize("typed", ["", "SG", "XX-2026-1", "SG-26-1", "SG-2026-0", "SG-2026-1234567", "hello",
                                   "SG-2026-12a", "'; DROP TABLE signals; --"])
def test_lookup_refuses_what_cannot_be_a_number(typed):
    assert registry.normalize(typed) is None
