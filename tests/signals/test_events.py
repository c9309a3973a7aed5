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
