"""Area and category alerts on real PostGIS and Sofia's districts: a district, a radius or a drawn polygon catches a
new public signal inside it and not one outside; categories narrow it; bad areas are refused at the field; an
address's alert sends nothing before it is confirmed, and a blocked address gets no confirmation at all; the immediate cap sends the rest to the digest; a digest set
for 07:00 goes at 07:00 on the days the clocks change, and one set for 03:30 goes once on each of them."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.models import Signal
from subscriptions import alerts, areas, fanout
from subscriptions.models import Alert, AlertEntry, Notice
from tests.signals.formhelpers import form_token

CENTRE = (23.3265, 42.6945)                       # central Sofia (the factories' default point)
FAR = (23.2600, 42.6500)                          # about 7 km south-west
CANARY = "CANARY-ALERT-9c1"


def _square(lon: float, lat: float, half: float = 0.003) -> str:
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
            [lon - half, lat - half]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _expand() -> None:
    for notice_id in db.session.scalars(select(Notice.id).where(Notice.expanded_at.is_(None))).all():
        fanout.expand(notice_id)


def _alert_mails(address: str) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.recipient == address,
                                                          Delivery.template == "alert/new").order_by(Delivery.id)))


def test_a_users_district_radius_and_polygon_alerts_catch_a_signal_inside_and_not_outside(app, create_signal,
                                                                                         create_user, create_category):
    user = create_user()
    inside = create_signal(Kind.problem, point=CENTRE, title=CANARY)
    district = inside.area_id
    for choice in (areas.AreaChoice(district_id=district), areas.AreaChoice(lon=CENTRE[0], lat=CENTRE[1] + 0.002,
                                                                             radius_m=500),
                   areas.AreaChoice(polygon=_square(*CENTRE))):
        alerts.create(choice, [], "immediate", 420, user=user)
    db.session.commit()
    fresh = create_signal(Kind.problem, point=CENTRE, title=CANARY)
    create_signal(Kind.problem, point=FAR)
    db.session.commit()
    _expand()
    mails = _alert_mails(user.email)
    assert [m.context["number"] for m in mails] == [fresh.number]          # three alerts, one mail per signal
    assert CANARY not in json.dumps(mails[0].context)                    # nothing anyone typed


def test_categories_narrow_an_alert(app, create_signal, create_user, create_category):
    user = create_user()
    lights, holes = create_category(Kind.problem), create_category(Kind.problem)
    alerts.create(areas.AreaChoice(polygon=_square(*CENTRE)), [lights.code], "immediate", 420, user=user)
    db.session.commit()
    create_signal(Kind.problem, category=holes, point=CENTRE)
    wanted = create_signal(Kind.problem, category=lights, point=CENTRE)
    db.session.commit()
    _expand()
    assert [m.context["number"] for m in _alert_mails(user.email)] == [wanted.number]


@pytest.mark.parametrize("choice, reason", [
    (areas.AreaChoice(), "none"),
    (areas.AreaChoice(lon=CENTRE[0], lat=CENTRE[1], radius_m=50), "radius"),
    (areas.AreaChoice(lon=24.5, lat=43.5, radius_m=500), "outside"),
    (areas.AreaChoice(polygon='{"type": "Polygon", "coordinates": [[[23.30, 42.69], [23.34, 42.70], '
                              '[23.30, 42.70], [23.34, 42.69], [23.30, 42.69]]]}'), "polygon"),       # a bow tie
    (areas.AreaChoice(polygon="not json"), "polygon"),
    (areas.AreaChoice(polygon=_square(23.3, 42.7, half=1.0)), "too_large"),
    (areas.AreaChoice(polygon=_square(25.0, 44.0)), "outside"),
])
def test_bad_areas_are_refused_with_their_reason(app, db_session, create_user, choice, reason):
    with pytest.raises(areas.AreaRefused) as refused:
        alerts.create(choice, [], "immediate", 420, user=create_user())
    assert refused.value.reason == reason


def test_more_than_200_corners_are_refused_at_the_field(app, db_session, create_user, login_as):
    import math

    ring = [[CENTRE[0] + 0.01 * math.cos(2 * math.pi * i / 201), CENTRE[1] + 0.01 * math.sin(2 * math.pi * i / 201)]
            for i in range(201)]
    polygon = json.dumps({"type": "Polygon", "coordinates": [ring + [ring[0]]]})
    client = login_as(create_user())
    client.set_cookie("lang", "en")
    page = client.post("/alerts/new", data={"csrf_token": form_token(client, "/alerts/new"), "polygon": polygon,
                                             "mode": "immediate", "digest_hour": "7"})
    assert page.status_code == 422 and "more than 200 corners" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0


def test_an_address_alert_sends_nothing_until_confirmed(app, create_signal):
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    done = visitor.post("/alerts/new", data={"csrf_token": form_token(visitor, "/alerts/new"),
                                             "lat": "42,6945", "lon": "23,3265", "radius": "800", "mode": "immediate",
                                             "digest_hour": "7", "email": "walker@example.org"})
    assert done.status_code == 200 and "Check your mail" in done.get_data(as_text=True)
    alert = db.session.scalar(select(Alert).where(Alert.email == "walker@example.org"))
    create_signal(Kind.problem, point=CENTRE)
    db.session.commit()
    _expand()
    assert _alert_mails("walker@example.org") == []
    alerts.confirm(alert)
    create_signal(Kind.problem, point=CENTRE)
    db.session.commit()
    _expand()
    assert len(_alert_mails("walker@example.org")) == 1


def test_a_blocked_address_gets_no_confirmation_of_an_alert_or_a_follow_and_is_told_nothing(app, create_signal):
    from signals.services import blocklist

    item = create_signal(Kind.problem, point=CENTRE)
    blocklist.block("@spam.example", "wave", None)
    db.session.commit()
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    done = visitor.post("/alerts/new", data={"csrf_token": form_token(visitor, "/alerts/new"),
                                             "lat": "42,6945", "lon": "23,3265", "radius": "800", "mode": "immediate",
                                             "digest_hour": "7", "email": "bot@spam.example"})
    followed = visitor.post(f"/signals/{item.number}/follow",
                            data={"csrf_token": form_token(visitor, f"/signals/{item.number}/follow"),
                                  "email": "bot@spam.example"})
    assert "Check your mail" in done.get_data(as_text=True)               # the same answer as anyone gets
    assert "Check your mail" in followed.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Delivery)
                             .where(Delivery.recipient == "bot@spam.example")) == 0


def test_beyond_the_subscribers_daily_cap_new_signals_wait_for_the_digest(app, create_signal, create_user,
                                                                           monkeypatch):
    """The cap is the subscriber's across all their alerts: a second alert finds the day's place used."""
    monkeypatch.setitem(app.config, "ALERT_DAILY_CAP", 1)
    user = create_user()
    first = alerts.create(areas.AreaChoice(polygon=_square(*CENTRE)), [], "immediate", 420, user=user)
    db.session.commit()
    create_signal(Kind.problem, point=CENTRE)
    create_signal(Kind.problem, point=CENTRE)
    db.session.commit()
    _expand()
    assert len(_alert_mails(user.email)) == 1
    second = alerts.create(areas.AreaChoice(lon=FAR[0], lat=FAR[1], radius_m=300), [], "immediate", 420, user=user)
    db.session.commit()
    create_signal(Kind.problem, point=FAR)
    db.session.commit()
    _expand()
    assert len(_alert_mails(user.email)) == 1
    waiting = db.session.scalars(select(AlertEntry.alert_id).order_by(AlertEntry.id)).all()
    assert waiting == [first.id, second.id]


def _digest_alert(create_user, minute: int) -> Alert:
    user = create_user()
    alert = alerts.create(areas.AreaChoice(polygon=_square(*CENTRE)), [], "digest", minute, user=user)
    signal = db.session.scalar(select(Signal).order_by(Signal.id.desc()))
    notice = fanout.record(signal, "new", None)
    db.session.add(AlertEntry(alert_id=alert.id, notice_id=notice.id, created_at=clock.now()))
    db.session.flush()
    return alert


def _digests_at(utc: str) -> int:
    with clock.frozen(datetime.fromisoformat(utc).replace(tzinfo=timezone.utc)):
        return alerts.send_digests()


@pytest.mark.parametrize("day, before, at", [
    ("2026-03-29", "2026-03-29T03:59", "2026-03-29T04:00"),      # 07:00 EEST = 04:00 UTC (the spring change)
    ("2026-10-25", "2026-10-25T04:59", "2026-10-25T05:00"),      # 07:00 EET = 05:00 UTC (the autumn change)
])
def test_a_digest_at_07_00_goes_at_07_00_local_on_the_days_the_clocks_change(app, create_signal, create_user, day,
                                                                           before, at):
    create_signal(Kind.problem, point=CENTRE)
    alert = _digest_alert(create_user, 7 * 60)
    assert _digests_at(before) == 0
    assert _digests_at(at) == 1
    assert _digests_at(at[:-5] + "09:00") == 0                       # once that day
    assert alert.last_digest_day.isoformat() == day


@pytest.mark.parametrize("moments", [
    ("2026-03-29T00:59", "2026-03-29T01:30", "2026-03-29T02:30"),    # 03:30 is skipped: it comes at 04:30 EEST
    ("2026-10-24T23:59", "2026-10-25T00:30", "2026-10-25T01:30"),    # 03:30 happens twice: the first one only
])
def test_a_digest_at_03_30_goes_once_on_the_days_the_clocks_change(app, create_signal, create_user, moments):
    create_signal(Kind.problem, point=CENTRE)
    alert = _digest_alert(create_user, 3 * 60 + 30)
    early, due, later = moments
    assert _digests_at(early) == 0
    assert _digests_at(due) == 1
    db.session.add(AlertEntry(alert_id=alert.id, notice_id=fanout.record(
        db.session.scalar(select(Signal).order_by(Signal.id.desc())), "new", None).id, created_at=clock.now()))
    db.session.flush()
    assert _digests_at(later) == 0                                     # the repeated 03:30: nothing more that day


def test_a_digest_lists_the_public_new_signals_in_the_readers_language_and_stops_in_one_click(
        app, create_signal, create_user, smtp_server, monkeypatch):
    from app.mail.delivery import build_message, send
    from signals.models import HiddenReason
    from signals.services import moderation

    handler, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    user = create_user(locale="en")
    alert = alerts.create(areas.AreaChoice(polygon=_square(*CENTRE)), [], "digest", 7 * 60, user=user)
    db.session.commit()
    kept, hidden, other = (create_signal(Kind.problem, point=CENTRE, title=CANARY) for _ in range(3))
    db.session.commit()
    _expand()
    moderation.hide(hidden, HiddenReason.spam, None)                     # hidden before the digest went
    db.session.commit()
    assert _alert_mails(user.email) == []                                # a digest alert: nothing at once
    assert _digests_at("2026-12-02T05:00") == 1                          # 07:00 in Sofia
    digest = db.session.scalar(select(Delivery).where(Delivery.template == "alert/digest"))
    assert send(build_message(digest)).startswith("250")
    message = handler.messages[-1]
    text = message.get_body(("plain",)).get_content()
    assert "2 new signals in the area you follow" in text
    assert kept.number in text and other.number in text and hidden.number not in text
    assert CANARY not in text + message.get_body(("html",)).get_content()
    link = str(message["List-Unsubscribe"]).strip("<>").split("127.0.0.1:5000", 1)[-1]
    assert link.startswith(f"/alerts/unsubscribe?a={alert.id}&t=") and link in text
    assert app.test_client().post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert db.session.get(Alert, alert.id) is None
