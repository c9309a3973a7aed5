"""Labels readers see for kinds, statuses, hidden reasons and history entries (Flask-Babel), for pages and mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.kinds import Kind
from app.localized import current_locale
from signals import deadlines, workflow
from signals.models import Channel, HiddenReason, Signal, Update, UpdateKind, Visibility
from signals.workflow import Status

KINDS = {
    Kind.problem: _l("problem report"), Kind.question: _l("question"), Kind.letter: _l("letter"),
    Kind.complaint: _l("complaint"), Kind.proposal: _l("proposal"),
    Kind.info_request: _l("request for access to public information"),
}
HIDDEN = {
    HiddenReason.spam: _l("spam"), HiddenReason.offensive: _l("offensive content"),
    HiddenReason.personal_data: _l("personal data"), HiddenReason.duplicate: _l("duplicate"),
    HiddenReason.off_topic: _l("not a matter for the municipality"),
}
UPDATES = {
    UpdateKind.registered: _l("registered"), UpdateKind.public_reply: _l("reply"),
    UpdateKind.filer_reply: _l("reply from the filer"), UpdateKind.moderation: _l("reviewed"),
    UpdateKind.notice: _l("notice"), UpdateKind.reroute: _l("sent to another department"),
    UpdateKind.kind_change: _l("kind changed"), UpdateKind.category_change: _l("category changed"),
    UpdateKind.relocation: _l("place corrected"),
    UpdateKind.extension: _l("deadline extended"), UpdateKind.decision: _l("decision"),
    UpdateKind.clarification_request: _l("clarification requested"),
    UpdateKind.clarification_answer: _l("clarification from the filer"),
    UpdateKind.assignment: _l("assigned"), UpdateKind.internal_note: _l("internal note"),
    UpdateKind.redaction: _l("personal data taken out of the public text"),
    UpdateKind.consent_request: _l("a third party's consent asked (ZDOI art. 31)"),
    UpdateKind.due_moved: _l("due date moved: the day became non-working"), UpdateKind.reminder: _l("deadline reminder"),
    UpdateKind.forward: _l("forwarded to another institution"),
    UpdateKind.fix_question: _l("the filer is asked whether it is fixed"),
    UpdateKind.fix_answer: _l("the filer's answer whether it is fixed"),
}
FIX_ANSWERS = {True: _l("the filer says it is fixed"), False: _l("the filer says it is not fixed")}


def kind_label(kind: Kind) -> str:
    """The kind, in the reader's language."""
    return str(KINDS[Kind(kind)])


def hidden_reason_label(reason: HiddenReason | None) -> str:
    """Why a moderator hid the item."""
    return str(HIDDEN.get(reason, _l("other")))


def status_label_of(signal: Signal, status: Status) -> str:
    """A status of this item's kind in the legal terms."""
    return workflow.label(status, current_locale(), signal.kind)


NOTICES_WITHHELD = {
    "registered": _l("registration notice not sent: the daily limit of mails to this address was reached"),
}
NOTICE_WITHHELD = _l("notice not sent: the daily limit of mails to this address was reached")
NOTICES = {
    "registered": _l("registration notice"), "status": _l("notice of the outcome"),
    "hidden": _l("notice of the hiding"), "unhidden": _l("notice"), "kind": _l("notice of the change of kind"),
    "clarification": _l("notice of the clarification request"), "reply": _l("notice of the reply"),
    "reroute": _l("notice of the new department"), "extension": _l("notice of the extended deadline"),
    "fix_question": _l("notice asking whether it is fixed"),
}
NOTICE_SENT = NOTICES["unhidden"]


def update_label(update: Update) -> str:
    """What a history entry records."""
    if update.kind == UpdateKind.notice:
        notice = (update.data or {}).get("notice", "")
        if (update.data or {}).get("withheld"):
            return str(NOTICES_WITHHELD.get(notice, NOTICE_WITHHELD))
        return str(NOTICES.get(notice, NOTICE_SENT))
    if update.kind == UpdateKind.fix_answer:
        return str(FIX_ANSWERS[bool((update.data or {}).get("fixed"))])
    return str(UPDATES.get(update.kind, update.kind.value))


def notice_state(update: Update) -> str:
    """Where a notice's mail is now, read from its outbox row at render time (shown to the filer only)."""
    delivery = update.delivery if update.kind == UpdateKind.notice else None
    if delivery is None:
        return ""
    if delivery.sent_at is not None:
        return str(_l("sent by email; the mail server answered: %(reply)s", reply=delivery.smtp_reply or "—"))
    if delivery.failed_at is not None:
        return str(_l("could not be sent by email: %(reason)s", reason=delivery.smtp_reply or "—"))
    return str(_l("waiting to be sent by email"))


def status_label(signal: Signal) -> str:
    """An item's current status in the legal terms, in the current locale."""
    return workflow.label(signal.status, current_locale(), signal.kind)


def tacit_refusal() -> str:
    """The ZDOI tacit-refusal notice."""
    return workflow.TACIT_REFUSAL.get(current_locale(), workflow.TACIT_REFUSAL["bg"])


def is_overdue(signal: Signal) -> bool:
    """Open and past its due date today."""
    return deadlines.is_overdue(signal)


def is_tacit_refusal(signal: Signal) -> bool:
    """An information request past its deadline with no decision."""
    return deadlines.is_tacit_refusal(signal)


# ZDOI art. 26(1): the forms of access a requester may prefer (codes: signals.services.filing.ACCESS_FORMS).
ACCESS_FORMS = {
    "review": _l("Review of the information: the original or a copy, or in a public register"),
    "oral": _l("Oral information"),
    "copies": _l("Copies on paper or another carrier"),
    "electronic": _l("Copies by email, or the web address where the data is published"),
}


def access_form_label(code: str | None) -> str:
    """An information request's preferred form of access, in the reader's language."""
    return str(ACCESS_FORMS.get(code or "", code or ""))


def status_name(status: Status) -> str:
    """A status in the legal terms, in the current locale, whatever the kind (filters, counts)."""
    return workflow.label(status, current_locale())


CHANNELS = {Channel.web: _l("web form"), Channel.phone: _l("phone"), Channel.email: _l("email"),
            Channel.paper: _l("paper"), Channel.in_person: _l("in person"), Channel.api: _l("API")}


def channel_label(channel: Channel) -> str:
    """How the item reached the city, in the reader's language."""
    return str(CHANNELS.get(channel, channel.value))


VISIBILITY = {Visibility.public: _l("public"), Visibility.filer: _l("filer and staff"),
              Visibility.internal: _l("staff only")}


def visibility_label(visibility: Visibility) -> str:
    """Who reads a history entry."""
    return str(VISIBILITY[visibility])


GLOBALS = {f.__name__: f for f in (kind_label, hidden_reason_label, status_label_of, status_label, update_label,
                                   notice_state, tacit_refusal, is_overdue, is_tacit_refusal, status_name,
                                   channel_label, visibility_label, access_form_label)}
