"""Required notices to the filer: the outcome of their item and a moderator hiding or showing it, in the
filer's language, with nothing anyone typed, within the daily limit, each proven in the history."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.kinds import Kind
from app.mail import outbox
from app.mail.delivery import bodies
from app.mail.models import Delivery
from signals.models import HiddenReason, UpdateKind
from signals.services import change_status, moderation
from signals.workflow import Status


def _mails(signal) -> list[Delivery]:
    """The item's mails to its filer (not the department's "new item" mails), rendered as the sending job does."""
    rows = db.session.scalars(select(Delivery).where(Delivery.signal_id == signal.id,
                                                     Delivery.template.not_like("console/%")).order_by(Delivery.id))
    return [outbox.render(row) for row in rows]


def _notices(signal) -> list[dict]:
    return [u.data for u in signal.updates if u.kind == UpdateKind.notice]


def test_an_outcome_is_mailed_in_the_filers_language_and_proven_in_the_history(create_signal, create_user):
    staff = create_user()
    signal = create_signal(Kind.problem, email="filer@example.org", title="CANARY-TITLE",
                           description="CANARY-DESCRIPTION", locale="en")
    signal.filer.locale = "en"
    change_status(signal, Status.in_progress, staff, note="CANARY-NOTE")     # not an outcome: no mail
    change_status(signal, Status.resolved, staff, note="CANARY-REPLY")
    change_status(signal, Status.closed, staff)                             # closing after it: no mail
    mails = _mails(signal)
    # A resolved problem's outcome comes with "Is it fixed?" (signals/services/fix_check.py): one mail, not two.
    assert [m.template for m in mails] == ["registered", "fix_question"]
    outcome = mails[1]
    text, html = bodies(outcome)
    assert "resolved" in outcome.subject and signal.number in outcome.subject and "resolved" in text
    for canary in ("CANARY-TITLE", "CANARY-DESCRIPTION", "CANARY-NOTE", "CANARY-REPLY"):
        assert canary not in outcome.subject + text + html
    assert outcome.required and f"/signals/{signal.number}?t=" in text
    assert [n["notice"] for n in _notices(signal)] == ["registered", "fix_question"]
    proof = [u for u in signal.updates if u.kind == UpdateKind.notice][-1]
    assert proof.delivery_id == outcome.id and "withheld" not in proof.data


def test_hiding_and_showing_again_are_mailed_with_the_reason(create_signal):
    signal = create_signal(Kind.problem, email="filer@example.org")
    moderation.approve(signal, None)                                         # an approval needs no mail
    moderation.hide(signal, HiddenReason.personal_data, None)
    moderation.unhide(signal, None)
    mails = _mails(signal)
    assert [m.template for m in mails] == ["registered", "moderated", "moderated"]
    hidden_text, _ = bodies(mails[1])
    assert "лични данни" in hidden_text and "скрит" in mails[1].subject         # Bulgarian: the filer's language
    assert "отново" in mails[2].subject


def test_a_filer_without_email_gets_no_mail_and_no_notice(create_signal, create_user):
    signal = create_signal(Kind.problem)
    change_status(signal, Status.rejected, create_user(), note="Частен имот.")
    assert _mails(signal) == [] and _notices(signal) == []


def test_the_daily_limit_withholds_notices_to_an_unconfirmed_address(create_signal, create_user):
    staff = create_user()
    first = create_signal(Kind.problem, email="same@example.org")
    second = create_signal(Kind.problem, email="same@example.org")
    change_status(first, Status.rejected, staff, note="Частен имот.")       # the third mail today to this address
    change_status(second, Status.rejected, staff, note="Частен имот.")      # the fourth: withheld
    assert [m.template for m in _mails(second)] == ["registered"]
    assert _notices(second)[-1] == {"notice": "status", "withheld": "daily_limit", "limit": 3}


def test_a_change_of_kind_is_mailed_with_the_new_kind_and_due_date(create_signal, create_category, create_user):
    from datetime import timedelta

    from app import clock
    from signals.services import corrections

    question = create_category(Kind.question)
    with clock.frozen(clock.now() - timedelta(days=3)):
        signal = create_signal(Kind.problem, email="filer@example.org")
    corrections.change_kind(signal, Kind.question, question, create_user())
    assert signal.kind == Kind.question and signal.category == question and signal.number.startswith("SG-")
    mail = _mails(signal)[-1]
    text, _ = bodies(mail)
    assert mail.template == "kind_changed" and "въпрос" in mail.subject and signal.number in mail.subject
    assert [u.kind for u in signal.updates if u.kind == UpdateKind.kind_change]


def test_corrections_refuse_what_would_change_an_items_class_or_leave_the_city(create_signal, create_category,
                                                                            create_user):
    import pytest

    from signals.services import InvalidInput, corrections

    staff, resident = create_user(), create_user()
    letter = create_signal(Kind.letter, user=resident, point=None)
    problem = create_signal(Kind.problem)
    with pytest.raises(InvalidInput):
        corrections.change_kind(letter, Kind.problem, create_category(Kind.problem), staff)
    with pytest.raises(InvalidInput):
        corrections.change_category(problem, create_category(Kind.question), staff)
    with pytest.raises(InvalidInput):
        corrections.move_point(problem, 24.75, 42.15, staff)                  # Plovdiv
    assert problem.kind == Kind.problem and letter.kind == Kind.letter
