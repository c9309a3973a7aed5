"""Who hears of what, event by event, on one public problem: its filer (an account), a user who follows it and an
address that follows it by a confirmed link. Required notices go to the filer only; followers hear only of public
entries (status changes, the reopening, staff's public replies), never of a filer-only reply, a clarification
request or its answer, a reroute or an internal note; the filer, a follower too, hears of the status changes
the required notices do not tell, is not told twice, and nobody hears of their own doing."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.services import change_status, clarification, fix_check, replies, reroute
from signals.workflow import Status
from subscriptions import fanout, follows
from subscriptions.models import Notice

CANARY = "CANARY-WHO-5d1e"


def _new_mail(addresses: list[str], seen: set[int]) -> dict[str, list[str]]:
    """The mail each address got since the last look: the template, and for followers what the notice was; no
    follower's mail (the addresses after the first, the filer's) holds what is not public."""
    for notice_id in db.session.scalars(select(Notice.id).where(Notice.expanded_at.is_(None))).all():
        fanout.expand(notice_id)
    got = {address: [] for address in addresses}
    for row in db.session.scalars(select(Delivery).where(Delivery.recipient.in_(addresses)).order_by(Delivery.id)):
        if row.id not in seen:
            seen.add(row.id)
            got[row.recipient].append(f"{row.template}:{row.context.get('kind', '')}".rstrip(":"))
            assert row.recipient == addresses[0] or CANARY not in str(row.context)
    return got


def test_each_event_reaches_exactly_the_right_recipients(app, create_signal, create_user, create_department):
    filer, fan = create_user(), create_user()
    item = create_signal(Kind.problem, user=filer)
    manager = create_user(Role.staff, department=item.department, manager=True)
    follows.follow(item, fan)
    link = follows.follow_by_email(item, "walker@example.org", "bg")
    follows.confirm(link)
    db.session.commit()
    who, seen = [filer.email, fan.email, "walker@example.org"], set()
    _new_mail(who, seen)                                                     # registration and confirmation
    steps = [
        (lambda: change_status(item, Status.in_progress, manager),              # the filer follows it too
         [["follow/update:status"], ["follow/update:status"], ["follow/update:status"]]),
        (lambda: replies.reply(item, manager, "Екипът е на място.", public=True),
         [["reply"], ["follow/update:reply"], ["follow/update:reply"]]),
        (lambda: replies.reply(item, manager, f"{CANARY} само за подателя", public=False), [["reply"], [], []]),
        (lambda: replies.note(item, manager, f"{CANARY} вътрешно"), [[], [], []]),
        (lambda: clarification.request_clarification(item, manager, f"{CANARY} кой вход?"),
         [["clarification"], [], []]),
        (lambda: clarification.answer_clarification(item, filer, f"{CANARY} вход Б"), [[], [], []]),
        (lambda: reroute.reroute(item, create_department(), manager, f"{CANARY} компетентност"),
         [["rerouted"], [], []]),
    ]
    for step, (to_filer, to_fan, to_walker) in steps:
        step()
        db.session.commit()
        assert _new_mail(who, seen) == {filer.email: to_filer, fan.email: to_fan, "walker@example.org": to_walker}
    staff = create_user(Role.staff, department=item.department)
    change_status(item, Status.resolved, staff)                               # "Is it fixed?" tells the filer
    db.session.commit()
    assert _new_mail(who, seen) == {filer.email: ["fix_question"], fan.email: ["follow/update:status"],
                                    "walker@example.org": ["follow/update:status"]}
    fix_check.answer(item, filer, False, f"{CANARY} не е оправено")           # reopened by the filer: the others
    db.session.commit()
    assert _new_mail(who, seen) == {filer.email: [], fan.email: ["follow/update:status"],
                                    "walker@example.org": ["follow/update:status"]}
