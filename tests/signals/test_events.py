"""One shape for every write: each service sends its documented event inside the transaction and writes its
audit row; receivers call services (they never build history rows); services never commit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.kinds import Kind
from signals import events
from signals.models import HiddenReason, UpdateKind
from signals.services import moderation, notices
from signals.workflow import Status

ROOT = Path(__file__).resolve().parents[2]


class Heard:
    """Records what an event carried."""

    def __init__(self):
        self.calls = []

    def __call__(self, sender, **kwargs):
        self.calls.append((sender, kwargs))


def _audit(signal_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "signal",
                                                                     AuditEntry.object_id == signal_id)
                                    .order_by(AuditEntry.id)))


WRITES = {
    "register": (events.registered, "register"),
    "status": (events.status_changed, "status_change"),
    "approve": (events.moderated, "approved"),
    "hide": (events.moderated, "hidden"),
    "unhide": (events.moderated, "unhidden"),
    "notice": (events.notice_recorded, "notice"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_sends_its_event_and_writes_its_audit_row(create_signal, create_user, create_category, write):
    event, action = WRITES[write]
    category = create_category(Kind.question)
    staff = create_user()
    heard = Heard()
    with event.connected_to(heard):
        if write == "register":
            signal = create_signal(Kind.question, category=category)
        else:
            signal = create_signal(Kind.question, category=category)
            heard.calls.clear()
            if write == "status":
                from signals.services import change_status

                change_status(signal, Status.in_progress, staff)
            elif write == "approve":
                moderation.approve(signal, staff)
            elif write == "hide":
                moderation.hide(signal, HiddenReason.spam, staff)
            elif write == "unhide":
                moderation.hide(signal, HiddenReason.spam, staff)
                heard.calls.clear()
                moderation.unhide(signal, staff)
            else:
                notices.record(signal, "status", withheld="daily_limit")
    assert len(heard.calls) == 1 and heard.calls[0][0] is signal, write
    assert signal.id is not None and signal.updates[-1].id is not None   # flushed before the event
    assert action in _audit(signal.id)


def _staff_write(write: str, item, staff, filer, create_department, create_category):
    """One of the staff's writes on `item`, as the console makes it."""
    from signals.services import assignment, change_status, clarification, corrections, fix_check, replies, reroute

    if write == "assigned":
        return assignment.assign(item, staff, staff)
    if write == "corrected":
        return corrections.change_category(item, create_category(Kind.problem, department=item.department), staff)
    if write == "replied":
        return replies.reply(item, staff, "Екипът е на място.", public=True)
    if write == "rerouted":
        return reroute.reroute(item, create_department(), staff, "Компетентен е друг отдел.")
    if write == "clarification_requested":
        return clarification.request_clarification(item, staff, "Кой вход?")
    change_status(item, Status.resolved, staff)                     # asks "Is it fixed?" of a filer with an account
    if write == "fix_question_asked":
        return None
    return fix_check.answer(item, filer, True)


STAFF_WRITES = {
    "assigned": (events.assigned, "assign"),
    "corrected": (events.corrected, "correct_category"),
    "replied": (events.replied, "public_reply"),
    "rerouted": (events.rerouted, "reroute"),
    "clarification_requested": (events.clarification_requested, "clarification_request"),
    "fix_question_asked": (events.fix_question_asked, "fix_question"),
    "fix_answered": (events.fix_answered, "fix_answer"),
}


@pytest.mark.parametrize("write", list(STAFF_WRITES))
def test_every_staff_write_sends_its_event_with_its_update_and_writes_its_audit_row(
        create_signal, create_user, create_category, create_department, write):
    from app.accounts.models import Role

    event, action = STAFF_WRITES[write]
    filer = create_user()
    item = create_signal(Kind.problem, user=filer)
    staff = create_user(Role.staff, department=item.department, manager=True)
    heard = Heard()
    with event.connected_to(heard):
        _staff_write(write, item, staff, filer, create_department, create_category)
    assert len(heard.calls) == 1 and heard.calls[0][0] is item, write
    update = heard.calls[0][1]["update"]
    assert update.id is not None and update in item.updates                  # flushed before the event
    assert action in _audit(item.id)


def test_an_extension_sends_its_event_with_its_update_and_writes_its_audit_row(
        create_signal, create_user, create_category):
    from app.accounts.models import Role
    from app.departments.models import Membership
    from signals.services import zdoi

    category = create_category(Kind.info_request)
    official = create_user(Role.staff, department=category.department)
    db.session.scalar(select(Membership).where(Membership.user_id == official.id)).may_decide = True
    item = create_signal(Kind.info_request, category=category, user=create_user())
    heard = Heard()
    with events.extended.connected_to(heard):
        zdoi.extend(item, official, "30", "Голям обем информация.")
    assert len(heard.calls) == 1 and heard.calls[0][1]["update"].id is not None
    assert "extension" in _audit(item.id)


def test_the_events_carry_what_changed(create_signal, create_user):
    signal = create_signal(Kind.problem)
    heard = Heard()
    with events.status_changed.connected_to(heard):
        from signals.services import change_status

        change_status(signal, Status.in_progress, create_user())
    update = heard.calls[0][1]["update"]
    assert (update.old_status, update.new_status) == (Status.registered, Status.in_progress)


def test_a_receiver_writes_the_notice_through_the_service(create_signal, create_user):
    """The registration receiver's notice row is the service's: it sent notice_recorded and its audit row."""
    heard = Heard()
    with events.notice_recorded.connected_to(heard):
        signal = create_signal(Kind.problem, email="filer@example.org")
    notice = [u for u in signal.updates if u.kind == UpdateKind.notice]
    assert len(notice) == 1 and heard.calls[0][1]["update"] is notice[0] and "notice" in _audit(signal.id)


def _calls(package: str, name: str) -> list[str]:
    """Where any module of a package calls `name(...)` or `x.name(...)`."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if callee == name:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_receivers_never_build_history_rows():
    assert _calls("subscriptions", "Update") == []


def test_services_never_commit():
    assert _calls("signals/services", "commit") == [] and _calls("signals/services", "rollback") == []


def test_a_failed_unit_of_work_removes_the_photos_it_wrote(app, db_session, create_category):
    from pathlib import Path

    from app.unit_of_work import unit_of_work
    from signals import photos
    from signals.routing import Place
    from signals.services import SignalInput, file_public
    from tests.signals.formhelpers import jpeg

    category = create_category(Kind.problem)
    before = set(Path(app.config["UPLOAD_DIR"]).glob("*")) if Path(app.config["UPLOAD_DIR"]).exists() else set()
    data = SignalInput(category=category, title="Дупка", description="Голяма дупка", place=Place(23.3265, 42.6945))
    with pytest.raises(RuntimeError), unit_of_work():
        registration = file_public(Kind.problem, data, [photos.clean(jpeg())])
        written = Path(app.config["UPLOAD_DIR"]) / registration.signal.attachments[0].storage_key
        assert written.exists()
        raise RuntimeError("a later step failed")
    assert not written.exists() and set(Path(app.config["UPLOAD_DIR"]).glob("*")) == before
