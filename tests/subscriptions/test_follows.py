"""Following an item, on real PostgreSQL, Redis and an aiosmtpd server: a user follows at once and finds it in My
subscriptions; an address follows only once it confirms the mailed link (a GET of the link changes nothing); a
notice reaches exactly the followers who may see the entry (never a staff note or a filer-only reply, nothing about
a hidden item, the filer not twice); a re-run of the fan-out adds nothing; the one-click unsubscribe POST needs no
cookie and no CSRF token and stops the next mail, while a GET alone does not."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail.delivery import build_message, send
from app.mail.models import Delivery
from signals.models import HiddenReason
from signals.services import change_status, moderation, replies
from signals.workflow import Status
from subscriptions import fanout, follows, tokens
from subscriptions.models import Follow, Message, Notice
from app import clock
from tests.signals.formhelpers import form_token

CANARY = "CANARY-7f3a"


@pytest.fixture
def smtp(app, smtp_server, monkeypatch):
    """send(row) -> the message as the aiosmtpd server received it."""
    handler, port = smtp_server
    for key, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", port), ("SMTP_SECURITY", "none"), ("SMTP_USER", "")):
        monkeypatch.setitem(app.config, key, value)

    def deliver(row: Delivery):
        assert send(build_message(row)).startswith("250")
        return handler.messages[-1]

    return deliver


@pytest.fixture
def followed(create_signal, create_user):
    """A public problem, a staff member of its department, and a user (reading English) who follows it."""
    fan = create_user(locale="en")
    item = create_signal(Kind.problem)
    staff = create_user(Role.staff, department=item.department)
    follows.follow(item, fan)
    return item, staff, fan


def _expand_all() -> None:
    for notice_id in db.session.scalars(select(Notice.id).where(Notice.expanded_at.is_(None))).all():
        fanout.expand(notice_id)


def _follower_mails(address: str) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.recipient == address,
                                                          Delivery.notice_id.is_not(None)).order_by(Delivery.id)))


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_user_follows_at_once_finds_it_in_my_subscriptions_and_stops(app, create_signal, create_user, login_as):
    item, user = create_signal(Kind.problem), create_user(locale="en")
    db.session.commit()
    client = login_as(user)
    client.set_cookie("lang", "en")
    page = client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert 'id="follow"' in page and ">Follow</button>" in page
    done = client.post(f"/signals/{item.number}/follow",
                       data={"csrf_token": form_token(client, f"/signals/{item.number}")})
    assert done.status_code == 303
    mine = client.get("/my/subscriptions").get_data(as_text=True)
    assert item.number in mine and "Stop following" in mine
    follow = db.session.scalar(select(Follow).where(Follow.user_id == user.id))
    moderation.hide(item, HiddenReason.offensive, None)                 # hidden: its title is no longer listed
    db.session.commit()
    assert "no longer shown to the public" in client.get("/my/subscriptions").get_data(as_text=True)
    stopped = client.post(f"/my/subscriptions/{follow.id}/delete",
                          data={"csrf_token": form_token(client, "/my/subscriptions")}, follow_redirects=True)
    assert stopped.status_code == 200 and f"You no longer follow {item.number}." in stopped.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.user_id == user.id)) == 0


def test_an_address_follows_only_after_confirming_and_unsubscribes_in_one_click(app, create_signal, create_user,
                                                                                 smtp):
    item, staff = create_signal(Kind.problem, title=CANARY), create_user(Role.staff)
    db.session.commit()
    visitor = app.test_client()
    visitor.set_cookie("lang", "en")
    asked = visitor.post(f"/signals/{item.number}/follow", data={
        "csrf_token": form_token(visitor, f"/signals/{item.number}/follow"), "email": "walker@example.org"})
    assert asked.status_code == 200 and "Check your mail" in asked.get_data(as_text=True)
    confirmation = db.session.scalar(select(Delivery).where(Delivery.template == "follow/confirm"))
    message = smtp(confirmation)
    text = _plain(message)
    assert CANARY not in text and CANARY not in message["Subject"]          # nothing anyone typed
    link = re.search(r"(/subscriptions/confirm\?f=\d+&t=[\w-]+)", text).group(1)
    change_status(item, Status.in_progress, staff)                          # unconfirmed: nothing but the link
    db.session.commit()
    _expand_all()
    assert _follower_mails("walker@example.org") == []
    opened = visitor.get(link)                                              # a link scanner's GET changes nothing
    assert opened.status_code == 200 and "no-store" in opened.headers["Cache-Control"]
    assert db.session.scalar(select(Follow.confirmed_at).where(Follow.email == "walker@example.org")) is None
    f, t = re.search(r"f=(\d+)&t=([\w-]+)", link).groups()
    visitor.post("/subscriptions/confirm", data={"csrf_token": form_token(visitor, link), "f": f, "t": t})
    change_status(item, Status.resolved, staff, note="")
    db.session.commit()
    _expand_all()
    [mail] = _follower_mails("walker@example.org")
    received = smtp(mail)
    header = received["List-Unsubscribe"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and "[[" not in header
    token = tokens.derive(db.session.scalar(select(Follow).where(Follow.email == "walker@example.org")),
                          tokens.UNSUBSCRIBE)
    assert token in header and token not in (mail.body_text + mail.body_html + str(mail.headers))   # never stored
    unsubscribe = header.strip("<>").split("127.0.0.1:5000", 1)[-1] if "127.0.0.1:5000" in header else \
        re.sub(r"^https?://[^/]+", "", header.strip("<>"))
    scanner = app.test_client()
    assert scanner.get(unsubscribe).status_code == 200                      # a GET shows one button only
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.email == "walker@example.org"))
    gone = app.test_client().post(unsubscribe, data={"List-Unsubscribe": "One-Click"})   # no cookie, no token
    assert gone.status_code == 200
    assert not db.session.scalar(select(func.count()).select_from(Follow).where(Follow.email == "walker@example.org"))
    change_status(item, Status.closed, staff)
    db.session.commit()
    _expand_all()
    assert len(_follower_mails("walker@example.org")) == 1


def test_followers_hear_only_public_entries_of_items_they_may_see_and_the_filer_not_twice(app, create_signal,
                                                                                        create_user):
    filer, fan = create_user(), create_user(locale="ru")
    item = create_signal(Kind.problem, user=filer)
    staff = create_user(Role.staff, department=item.department)
    follows.follow(item, fan)
    replies.note(item, staff, f"{CANARY} internal")                          # staff only
    replies.reply(item, staff, f"{CANARY} to the filer", public=False)      # filer only
    replies.reply(item, staff, "Бригадата е на място.", public=True)
    change_status(item, Status.resolved, staff)
    db.session.commit()
    _expand_all()
    fan_mails = _follower_mails(fan.email)
    assert [m.context["kind"] for m in fan_mails] == ["reply", "status"]
    assert all(CANARY not in str(m.context) for m in fan_mails)
    assert fan_mails[0].context["reply"] == "Бригадата е на място."
    assert _follower_mails(filer.email) == []                               # told by the required notices
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.user_id == fan.id)) == 2
    moderation.hide(item, HiddenReason.spam, None)                          # hidden: followers hear nothing more
    change_status(item, Status.closed, staff)
    db.session.commit()
    _expand_all()
    assert len(_follower_mails(fan.email)) == 2


def test_a_second_expansion_adds_nothing_and_a_hidden_item_withholds_queued_mail(app, create_signal, create_user):
    staff = create_user(Role.staff)
    item = create_signal(Kind.problem)
    fans = [create_user() for _ in range(5)]
    for fan in fans:
        follows.follow(item, fan)
    change_status(item, Status.in_progress, staff)
    db.session.commit()
    notice = db.session.scalar(select(Notice).where(Notice.signal_id == item.id, Notice.kind == "status"))
    monkey_batch, fanout.BATCH = fanout.BATCH, 2
    try:
        assert fanout.expand(notice.id) == 5
        notice.expanded_at, notice.expanded_to = None, 0                   # as if the job died before finishing
        db.session.commit()
        assert fanout.expand(notice.id) == 0
    finally:
        fanout.BATCH = monkey_batch
    rows = db.session.scalars(select(Delivery).where(Delivery.notice_id == notice.id)).all()
    assert len(rows) == 5 and len({r.recipient for r in rows}) == 5
    moderation.hide(item, HiddenReason.offensive, None)
    db.session.commit()
    assert fanout.withheld(rows[0]).startswith("withheld")


def test_follow_links_are_single_purpose_and_the_address_cap_holds(app, create_signal, monkeypatch):
    item = create_signal(Kind.problem)
    followed = follows.follow_by_email(item, "cap@example.org", "bg")
    assert follows.by_token(followed.id, tokens.CONFIRM, tokens.derive(followed, tokens.UNSUBSCRIBE)) is None
    assert follows.by_token(followed.id, tokens.CONFIRM, tokens.derive(followed, tokens.CONFIRM)) is followed
    monkeypatch.setitem(app.config, "MAIL_DAILY_LIMIT_PER_ADDRESS", 2)
    follows.follow_by_email(item, "cap@example.org", "bg")                 # the link again: the second mail today
    with pytest.raises(follows.FollowLimited):
        follows.follow_by_email(item, "cap@example.org", "bg")


def test_the_filer_follows_from_registration(app, create_signal, create_user):
    user = create_user()
    letter = create_signal(Kind.letter, user=user, point=None)
    report = create_signal(Kind.problem, email="anon@example.org")
    assert db.session.scalar(select(Follow).where(Follow.signal_id == letter.id)).user_id == user.id
    by_address = db.session.scalar(select(Follow).where(Follow.signal_id == report.id))
    assert by_address.email == "anon@example.org" and by_address.via == follows.FILING


def test_a_followers_messages_count_in_the_header_and_are_read_on_opening(app, followed, create_user, login_as):
    item, staff, fan = followed
    change_status(item, Status.in_progress, staff)
    db.session.commit()
    _expand_all()
    client = login_as(fan)
    client.set_cookie("lang", "en")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'class="count" aria-label="1 unread">1<', home)
    listing = client.get("/my/messages").get_data(as_text=True)
    assert item.number in listing and "new status: in progress" in listing
    message = db.session.scalar(select(Message).where(Message.user_id == fan.id))
    opened = client.get(f"/my/messages/{message.id}")
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/signals/{item.number}")
    assert 'class="count"' not in client.get("/").get_data(as_text=True)
    other = login_as(create_user())
    assert other.get(f"/my/messages/{message.id}").status_code == 303            # not theirs: nothing happens


def test_follow_requests_by_address_are_limited_per_ip(app, create_signal, monkeypatch):
    monkeypatch.setitem(app.config, "FOLLOW_RATE_LIMIT", "2 per hour")
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", "follow-limit-test")
    item = create_signal(Kind.problem)
    db.session.commit()
    visitor = app.test_client()
    answers = [visitor.post(f"/signals/{item.number}/follow", data={
        "csrf_token": form_token(visitor, f"/signals/{item.number}/follow"), "email": f"n{n}@example.org"}).status_code
        for n in range(3)]
    assert answers == [200, 200, 429]


def test_unconfirmed_follows_and_alerts_go_after_7_days_and_messages_after_the_retention(app, create_signal,
                                                                                        create_user):
    from app import clock
    from subscriptions import alerts, areas, retention
    from subscriptions.models import Alert

    item, fan = create_signal(Kind.problem), create_user()
    with clock.frozen("2026-03-01 10:00"):
        waiting = follows.follow_by_email(item, "late@example.org", "bg")
        unconfirmed = alerts.create(areas.AreaChoice(district_id=item.area_id), [], "immediate", 420,
                                    email="late-alert@example.org")
        users_alert = alerts.create(areas.AreaChoice(district_id=item.area_id), [], "immediate", 420, user=fan)
        kept = follows.follow(item, fan)
        notice = fanout.record(item, "status", None)
        db.session.add(Message(user_id=fan.id, notice_id=notice.id, created_at=clock.now()))
        notice.expanded_at = clock.now()
        db.session.flush()
    with clock.frozen("2026-03-08 10:00"):                                 # 7 days: still waiting
        assert retention.purge()["unconfirmed_follows"] == 0
    with clock.frozen("2026-03-08 10:01"):
        counts = retention.purge()
    assert counts["unconfirmed_follows"] == 1 and counts["unconfirmed_alerts"] == 1
    assert db.session.get(Alert, unconfirmed.id) is None and db.session.get(Alert, users_alert.id) is not None
    with clock.frozen("2028-03-01 10:01"):                                 # two years on
        counts = retention.purge()
    assert counts["messages"] == 1 and counts["notices"] == 1
    assert db.session.get(Follow, kept.id) is not None and db.session.get(Follow, waiting.id) is None


def test_an_optional_mail_never_takes_the_last_daily_place_of_an_anonymous_filer(app, create_signal, create_user):
    item = create_signal(Kind.problem, email="parent@example.org")                  # the registration notice: 1
    staff = create_user(Role.staff, department=item.department)
    replies.reply(item, staff, "Ще проверим.", public=True)                       # the required reply notice: 2
    change_status(item, Status.in_progress, staff)                               # optional: would take the 3rd
    db.session.commit()
    _expand_all()
    change_status(item, Status.resolved, staff)                                  # "Is it fixed?": the 3rd
    db.session.commit()
    _expand_all()
    mails = db.session.scalars(select(Delivery.template).where(Delivery.recipient == "parent@example.org")
                               .order_by(Delivery.id)).all()
    assert mails == ["registered", "reply", "fix_question"]


def test_a_user_turns_mail_off_per_kind_and_keeps_the_messages_and_required_notices(app, followed, create_signal,
                                                                                    login_as):
    item, staff, fan = followed
    db.session.commit()
    client = login_as(fan)
    client.set_cookie("lang", "en")
    page = client.get("/my/messages").get_data(as_text=True)
    assert page.count('type="checkbox"') == 3 and page.count("checked") == 3        # every kind by mail at first
    client.post("/my/messages/preferences", data={"csrf_token": form_token(client, "/my/messages"),
                                                  "mail": ["reply", "new"]})          # status changes: cabinet only
    change_status(item, Status.in_progress, staff)
    replies.reply(item, staff, "Екипът е на място.", public=True)
    db.session.commit()
    _expand_all()
    assert [m.context["kind"] for m in _follower_mails(fan.email)] == ["reply"]
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.user_id == fan.id)) == 2
    letter = create_signal(Kind.letter, user=fan, point=None)                        # a required notice: mailed
    db.session.commit()
    listing = client.get("/my/messages").get_data(as_text=True)
    assert "registration notice" in listing and letter.number in listing
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.recipient == fan.email, Delivery.template == "registered")) == 1


def test_a_followers_mail_keeps_no_body_once_sent(app, followed, smtp):
    from app.mail import delivery

    item, staff, fan = followed
    change_status(item, Status.in_progress, staff)
    db.session.commit()
    _expand_all()
    [row] = _follower_mails(fan.email)
    delivery.deliver(row.id)
    db.session.refresh(row)
    assert row.sent_at is not None and row.body_text == "" and row.body_html == "" and row.subject


def test_my_messages_come_20_a_page_and_an_item_hidden_since_without_its_title(app, create_signal, create_user,
                                                                               login_as):
    fan = create_user(locale="en")
    items = [create_signal(Kind.problem, title=f"{CANARY}-{n}") for n in range(25)]
    for item in items:
        db.session.add(Notice(signal_id=item.id, kind="reply", data={}, created_at=clock.now(),
                              expanded_at=clock.now()))
    db.session.flush()
    for notice in db.session.scalars(select(Notice).where(Notice.kind == "reply").order_by(Notice.id)):
        db.session.add(Message(user_id=fan.id, notice_id=notice.id, created_at=notice.created_at))
    moderation.hide(items[-1], HiddenReason.offensive, None)
    db.session.commit()
    client = login_as(fan)
    client.set_cookie("lang", "en")
    first, second = (client.get(f"/my/messages?page={n}").get_data(as_text=True) for n in (1, 2))
    assert first.count('class="unread"') == 20 and second.count('class="unread"') == 5
    assert re.search(r'class="count" aria-label="25 unread">25<', first)
    assert items[-1].number in first and f"{CANARY}-24" not in first      # hidden since: number only
    assert f"{CANARY}-23" in first and f"{CANARY}-0" in second
    for page in ("0", "-1", "abc", "99999", "1e3", "٢"):                  # the first page, or an empty one
        assert client.get("/my/messages", query_string={"page": page}).status_code == 200
    assert client.get("/my/messages", query_string={"page": "2\x00"}).status_code == 400   # refused, not a 500
