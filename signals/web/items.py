"""Item pages: the item as its reader may see it, its photos, and a status card for public items not shown."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, send_file, url_for
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.extensions import db
from signals import access, virus_scan
from signals.access import Reader
from signals.models import Attachment, Signal, Visibility
from signals.workflow import Status
from signals.web import support
from signals.services import decisions, fix_check
from signals.web.forms import AnswerForm, FixedForm
from signals.gate import item_route

bp = Blueprint("items", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}


def history_for(item: Signal, reader: Reader) -> list:
    """The history entries this reader may read (public ones; the filer's too for the filer)."""
    shown = {Visibility.public} | ({Visibility.filer} if reader.can("reply_as_filer", item) else set())
    return [u for u in item.updates if u.visibility in shown]


def photos_for(item: Signal, reader: Reader) -> list[Attachment]:
    """Approved photos, and unapproved ones for the filer, staff and (a public item's photos) moderators."""
    moderator = reader.can("moderate", item)
    return [a for a in item.attachments if a.approved or reader.can("download_attachment", item)
            or (moderator and a.update_id is None)]


@bp.get("/signals/<number>")
@item_route("view_status_card")
def item(item: Signal, reader: Reader):
    """The item page: everything its reader may see; a status card for public items not (yet) shown."""
    if not reader.can("view", item):
        if not item.kind.is_public:
            return access.refuse(item.number)
        return render_template("signals/card.html", signal=item), 200, NO_STORE
    return render_item(item, reader)


def render_item(item: Signal, reader: Reader, answer_form=None, fix_form=None, status: int = 200):
    """The item page for a reader who may view it; `answer_form` brings back a refused clarification answer,
    `fix_form` a refused answer to "Is it fixed?"."""
    point = to_shape(item.location).coords[0] if item.location is not None else None
    filer = reader.can("reply_as_filer", item)
    if filer and item.status == Status.awaiting_clarification:
        answer_form = answer_form or AnswerForm(formdata=None)
    question = fix_check.open_question(item) if filer else None
    if question is not None:
        fix_form = fix_form or FixedForm(formdata=None)
    decision = decisions.latest(item) if reader.can("download_attachment", item) else None
    return render_template("signals/item.html", signal=item, history=history_for(item, reader),
                           filer=filer, **_photos_and_files(item, reader, decision), decision=decision,
                           appeal_until=decisions.appeal_until(decision) if decision else None,
                           point=point, related=related(item, reader), answer_form=answer_form,
                           fix_form=fix_form if question is not None else None,
                           fix_answer_by=fix_check.answer_by(question) if question is not None else None,
                           **support.page_context(item)), status, NO_STORE


def _photos_and_files(item: Signal, reader: Reader, decision=None) -> dict:
    """Shown inline: the photos of a public item (the filer's "before" and staff's public "after"). Listed as
    downloads: a private item's files (those of the decision in force are listed with it), and the files a filer
    sent with an answer (never public)."""
    shown = [a for a in photos_for(item, reader) if decision is None or a.update_id != decision.id]
    if not item.kind.is_public:
        return {"photos": [], "files": shown}
    return {"photos": [a for a in shown if a.update_id is None or a.approved],
            "files": [a for a in shown if a.update_id is not None and not a.approved]}


def related(item: Signal, reader: Reader) -> dict:
    """A repeat appeal's earlier item and the later items that name this one, as far as the reader may see them."""
    earlier = db.session.get(Signal, item.refers_to_id) if item.refers_to_id else None
    later = db.session.scalars(select(Signal).where(Signal.refers_to_id == item.id).order_by(Signal.id)).all()
    return {"earlier": earlier if earlier is not None and reader.can("view", earlier) else None,
            "later": [other for other in later if reader.can("view", other)]}


@bp.get("/signals/<number>/photos/<int:attachment_id>")
@item_route("view")
def photo(item: Signal, reader: Reader, attachment_id: int):
    """A photo of the item: approved ones to every reader of the item, the others to the filer and staff."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.signal_id != item.id or attachment not in photos_for(item, reader):
        return access.refuse(item.number)
    if not item.kind.is_public or (attachment.update_id is not None and not attachment.approved):  # downloads
        return redirect(url_for(".attachment", number=item.number, attachment_id=attachment_id))
    path = Path(current_app.config["UPLOAD_DIR"]) / attachment.storage_key
    if not path.is_file():
        return access.refuse(item.number)
    response = send_file(path, mimetype=attachment.content_type, max_age=0, conditional=True)
    public = attachment.approved and access.is_public(item)
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@bp.get("/signals/<number>/attachments/<int:attachment_id>")
@item_route("download_attachment")
def attachment(item: Signal, reader: Reader, attachment_id: int):
    """A file of an item (a private item's, or a filer's answer on any item) as a download only: its stored type,
    no sniffing, a sandbox. Staff get it once the virus scan (when one is set) has released it; the filer always
    gets what they sent."""
    found = db.session.get(Attachment, attachment_id)
    path = Path(current_app.config["UPLOAD_DIR"]) / found.storage_key if found is not None else None
    if found is not None and found.signal_id == item.id and found.scan_status == virus_scan.INFECTED:
        return render_template("signals/file_withheld.html", signal=item, infected=True), 410, NO_STORE
    if found is None or found.signal_id != item.id or not path.is_file():
        return access.refuse(item.number)
    if not virus_scan.released_to_staff(found) and not reader.can("reply_as_filer", item):
        return render_template("signals/file_withheld.html", signal=item, infected=False), 409, NO_STORE
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename,
                         max_age=0)
    response.headers.update({"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "sandbox"})
    return response
