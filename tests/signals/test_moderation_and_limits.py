"""The moderation hold and tool, the daily mail limit per address, tracking by number at any age."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals import services
from signals.services import moderation
from signals.models import UpdateKind
from signals.routing import Place


def _file(category, email="same@example.org"):
    data = services.SignalInput(category=category, title="Счупена пейка", description="Пейката е счупена.",
                                place=Place(23.3265, 42.6945), sender=services.Sender(email=email))
    return services.file_public(Kind.problem, data, [])


def test_a_fourth_mail_a_day_is_withheld_and_the_fifth_after_midnight_goes(app, db_session, create_category):
    category = create_category(Kind.problem)
    with clock.frozen("2026-03-10 23:50"):
        filed = [_file(category) for _ in range(4)]
        items = [f.signal for f in filed]
    with clock.frozen("2026-03-11 00:10"):
        fifth = _file(category).signal
    mails = {d.signal_id for d in db.session.scalars(select(Delivery))}
    assert mails == {items[0].id, items[1].id, items[2].id, fifth.id}
    withheld = [u for u in items[3].updates if u.kind == UpdateKind.notice]
    assert withheld and withheld[0].data["withheld"] == "daily_limit"
    assert items[3].number.endswith("000004")
    holder = app.test_client()
    holder.set_cookie("lang", "en")
    holder.get(f"/signals/{items[3].number}?t={filed[3].token}")
    page = holder.get(f"/signals/{items[3].number}").get_data(as_text=True)
    assert "registration notice not sent: the daily limit of mails to this address was reached" in page
    assert "registration notice not sent" not in app.test_client().get(f"/signals/{items[3].number}").get_data(
        as_text=True)
    proof = [u for u in fifth.updates if u.kind == UpdateKind.notice]
    assert proof[0].delivery_id is not None


def test_the_hold_keeps_new_problems_off_public_pages_until_approved(app, db_session, create_category, client):
    category = create_category(Kind.problem)
    moderation.set_hold(True, None)
    held = _file(category, email="").signal
    page = client.get(f"/signals/{held.number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "awaits review" in page and held.title not in page
    on_map = lambda: [f["properties"]["number"] for f in  # noqa: E731
                      client.get("/map/signals.geojson?bbox=23.2,42.6,23.5,42.8").json["features"]]
    assert held.number not in on_map()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["moderate", "approve", held.number]).exit_code == 0
    assert held.title in client.get(f"/signals/{held.number}").get_data(as_text=True)
    assert held.number in on_map()
    moderation.set_hold(False, None)
    assert _file(category, email="").signal.text_approved


def test_hide_shows_the_reason_on_the_card(app, db_session, create_signal, client):
    signal = create_signal(Kind.problem)
    assert app.test_cli_runner().invoke(args=["moderate", "hide", signal.number, "spam"]).exit_code == 0
    page = client.get(f"/signals/{signal.number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hidden by a moderator" in page and "spam" in page and signal.title not in page
    assert app.test_cli_runner().invoke(args=["moderate", "unhide", signal.number]).exit_code == 0
    assert signal.title in client.get(f"/signals/{signal.number}").get_data(as_text=True)


@pytest.mark.parametrize("typed", ["sg 2025 42", "SG2025000042", "СГ-2025-42"])
def test_track_finds_an_old_item_by_any_spelling(db_session, create_signal, client, typed):
    with clock.frozen(clock.now() - timedelta(days=400)):
        from sqlalchemy import text

        db.session.execute(text("INSERT INTO registry_counters (code, year, last) VALUES ('SG', :y, 41) "
                                "ON CONFLICT (code, year) DO UPDATE SET last = 41"), {"y": clock.today().year})
        signal = create_signal(Kind.problem)
    assert signal.number == f"SG-{signal.number[3:7]}-000042"
    typed = typed.replace("2025", signal.number[3:7])
    response = client.get("/track", query_string={"number": typed})
    assert response.status_code == 200 and signal.number in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["SG-1999-000001", "hello", "XX-2026-1"])
def test_track_unknown_or_malformed_is_a_friendly_404(db_session, client, typed):
    response = client.get("/track", query_string={"number": typed})
    assert response.status_code == 404 and 'role="alert"' in response.get_data(as_text=True)


