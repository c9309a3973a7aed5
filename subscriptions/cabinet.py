"""The cabinet's messages (`/my/messages`): every notice a logged-in user hears of, newest first, unread until
opened; the header shows how many are unread."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.web.fields import whole_number
from signals.models import Signal
from subscriptions.models import Message, Notice

bp = Blueprint("cabinet", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}
PAGE = 20


@bp.get("/my/messages")
@login_required
def messages():
    """The user's messages, 20 a page, the unread marked."""
    page = whole_number(request.args.get("page"), 1, 10_000) or 1
    query = (select(Message, Notice, Signal).join(Notice, Notice.id == Message.notice_id)
             .join(Signal, Signal.id == Notice.signal_id).where(Message.user_id == current_user.id))
    total = db.session.scalar(select(func.count()).select_from(Message).where(Message.user_id == current_user.id))
    rows = db.session.execute(query.order_by(Message.created_at.desc(), Message.id.desc())
                              .offset((page - 1) * PAGE).limit(PAGE)).all()
    return render_template("subscriptions/messages.html", rows=rows, page=page,
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


def unread_messages() -> int:
    """For the header: the logged-in user's unread messages (0 for anyone else)."""
    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(select(func.count()).select_from(Message).where(
        Message.user_id == current_user.id, Message.read_at.is_(None))) or 0
