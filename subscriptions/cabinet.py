"""The cabinet's messages (`/my/messages`): every notice a logged-in user hears of, newest first, unread until
opened; the header shows how many are unread. The user chooses which kinds of optional notice also come by
email (required notices always do)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import delete, func, select
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from app import clock
from app.extensions import db
from app.localized import current_locale
from app.web.fields import CleanForm, options, whole_number
from signals import access, labels, workflow
from signals.models import Signal
from signals.workflow import Status
from subscriptions.models import MailOptOut, Message, Notice

bp = Blueprint("cabinet", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}
PAGE = 20


@bp.get("/my/messages")
@login_required
def messages():
    """The user's messages, 20 a page, the unread marked; an item's title only while the user may see it."""
    page = whole_number(request.args.get("page"), 1, 10_000) or 1
    query = (select(Message, Notice, Signal).join(Notice, Notice.id == Message.notice_id)
             .join(Signal, Signal.id == Notice.signal_id).where(Message.user_id == current_user.id))
    total = db.session.scalar(select(func.count()).select_from(Message).where(Message.user_id == current_user.id))
    rows = [(message, notice, signal, access.can(current_user, "view", signal)) for message, notice, signal in
            db.session.execute(query.order_by(Message.created_at.desc(), Message.id.desc())
                               .offset((page - 1) * PAGE).limit(PAGE))]
    off = set(db.session.scalars(select(MailOptOut.kind).where(MailOptOut.user_id == current_user.id)))
    form = PreferencesForm(data={"mail": [kind for kind in OPTIONAL if kind not in off]})
    return render_template("subscriptions/messages.html", rows=rows, page=page, form=form,
                           pages=max(1, -(-total // PAGE))), 200, NO_STORE


@bp.get("/my/messages/<int:message_id>")
@login_required
def open_message(message_id: int):
    """Open one message: it is marked read and the item's page follows."""
    found = db.session.get(Message, message_id)
    if found is None or found.user_id != current_user.id:
        return redirect(url_for(".messages"), 303)
    if found.read_at is None:
        found.read_at = clock.now()
        db.session.commit()
    signal = db.session.get(Signal, db.session.get(Notice, found.notice_id).signal_id)
    return redirect(url_for("items.item", number=signal.number), 303)


OPTIONAL = {"status": _l("status changes of the items I follow"), "reply": _l("the departments' public replies"),
            "new": _l("new signals of my alerts")}


class PreferencesForm(CleanForm):
    mail = SelectMultipleField(_l("Also by email"), choices=options(list(OPTIONAL.items())),
                               option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


@bp.post("/my/messages/preferences")
@login_required
def preferences():
    """Which kinds of optional notice also come by email (the cabinet keeps them all)."""
    form = PreferencesForm()
    if form.validate_on_submit():
        chosen = set(form.mail.data or ())
        db.session.execute(delete(MailOptOut).where(MailOptOut.user_id == current_user.id))
        db.session.add_all(MailOptOut(user_id=current_user.id, kind=kind) for kind in OPTIONAL if kind not in chosen)
        db.session.commit()
        flash(_("Saved."), "ok")
    return redirect(url_for(".messages"), 303)


def message_label(notice: Notice, signal: Signal) -> str:
    """What a message tells, in the reader's language."""
    if notice.kind == "status" and notice.data.get("status"):
        return _("new status: %(status)s", status=workflow.label(Status(notice.data["status"]), current_locale(),
                                                                  signal.kind))
    if notice.kind == "reply":
        return _("the department replied")
    if notice.kind == "new":
        return _("a new signal in the area of your alert")
    return str(labels.NOTICES.get(notice.kind, labels.NOTICE_SENT))


def unread_messages() -> int:
    """For the header: the logged-in user's unread messages (0 for anyone else)."""
    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.user_id == current_user.id, Message.read_at.is_(None))) or 0
