"""Labels readers see for kinds, statuses, hidden reasons and history entries (Flask-Babel), for pages and mail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from app.kinds import Kind
from app.localized import current_locale
from signals import deadlines, workflow
from signals.jurisdiction import profile, text
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
    UpdateKind.communication: _l("the decision was communicated"),
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
    "fix_question": _l("notice asking whether it is fixed"), "decision": _l("notice of the decision"),
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


def tacit_refusal(signal: Signal) -> str:
    """The tacit-refusal notice of an information request past its deadline, with the last day to appeal it."""
    law = profile()
    until = deadlines.add_months(signal.due_on, law.tacit_appeal_months)
    return text(law.tacit_refusal, current_locale(), until=format_date(until, "long"))


def is_overdue(signal: Signal) -> bool:
    """Open and past its due date today."""
    return deadlines.is_overdue(signal)


def is_open(signal: Signal) -> bool:
    """Work on the item is still due (its deadline runs)."""
    return workflow.is_open(signal.status)


def days_left(signal: Signal) -> int | None:
    """Working days left to an open item's due date (negative once overdue); None when closed or without one."""
    if not signal.due_on or not workflow.is_open(signal.status):
        return None
    return deadlines.working_days_left([signal.due_on])[signal.due_on]


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


def _date(iso: str) -> str:
    return format_date(date.fromisoformat(iso), "long")


def _grant_facts(data: dict) -> list[tuple[str, str]]:
    costs = Decimal(data["costs"])
    return [(str(_l("Extent of the information")), data["extent"]),
            (str(_l("Term of access")), str(_l("%(num)d days from receiving this decision", num=data["term_days"]))),
            (str(_l("Form of access")), access_form_label(data["access_form"])),
            (str(_l("Place")), data["place"] or str(_l("by email, to the requester's address"))),
            (str(_l("Costs")), f"{format_decimal(costs, '#,##0.00')} {data['currency']}" if costs
             else str(_l("none")))]


def decision_facts(kind: Kind, data: dict) -> list[tuple[str, str]]:
    """What a decision states, as label and text pairs in the reader's language (pages and mail)."""
    law, locale, outcome = profile(), current_locale(), Status(data["outcome"])
    rows = [(str(_l("Decision")), workflow.label(outcome, locale, Kind(kind))),
            (str(_l("Decided on")), _date(data["decided_on"]))]
    if "extent" in data:
        rows += _grant_facts(data)
    if data.get("grounds"):
        texts = law.without_consideration[Kind(kind)] if outcome == Status.left_without_consideration \
            else law.refusal_grounds
        rows.append((str(_l("Reason") if outcome == Status.left_without_consideration else _l("Legal grounds")),
                     "; ".join(text(texts[code], locale) for code in data["grounds"] if code in texts)))
    if data.get("communicated_on"):
        rows.append((str(_l("Communicated on")), _date(data["communicated_on"]) + (
            f" ({_l('by email')})" if data.get("communicated_by") == "email" else "")))
    return rows


def appeal_route(data: dict) -> str:
    """How a decision may be appealed (an information request's only; nothing for a proposal)."""
    law = profile()
    return text(law.appeal_route, current_locale(), days=law.appeal_days) if data.get("appeal") else ""


GLOBALS = {f.__name__: f for f in (kind_label, hidden_reason_label, status_label_of, status_label, update_label,
                                   notice_state, tacit_refusal, is_overdue, is_tacit_refusal, days_left, status_name,
                                   is_open, channel_label, visibility_label, access_form_label,
                                   decision_facts, appeal_route)}
