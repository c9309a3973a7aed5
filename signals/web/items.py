"""Item pages: the item as its reader may see it, its photos, and a status card for public items not shown."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, send_file, url_for
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from app.extensions import db
from signals import access
from signals.access import Reader
from signals.models import Attachment, Signal, Visibility
from signals.web import support
from signals.web.gate import item_route

bp = Blueprint("items", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}


def history_for(item: Signal, reader: Reader) -> list:
    """The history entries this reader may read (public ones; the filer's too for the filer)."""
    shown = {Visibility.public} | ({Visibility.filer} if reader.can("reply_as_filer", item) else set())
    return [u for u in item.updates if u.visibility in shown]


def photos_for(item: Signal, reader: Reader) -> list[Attachment]:
    """Approved photos, and unapproved ones for the filer and staff."""
    return [a for a in item.attachments if a.approved or reader.can("download_attachment", item)]


@bp.get("/signals/<number>")
@item_route("view_status_card")
def item(item: Signal, reader: Reader):
    """The item page: everything its reader may see; a status card for public items not (yet) shown."""
    if not reader.can("view", item):
        if not item.kind.is_public:
            return access.refuse(item.number)
        return render_template("signals/card.html", signal=item), 200, NO_STORE
    point = to_shape(item.location).coords[0] if item.location is not None else None
    return render_template("signals/item.html", signal=item, history=history_for(item, reader),
                           photos=photos_for(item, reader), filer=reader.can("reply_as_filer", item),
                           point=point, related=related(item, reader), **support.page_context(item)), 200, NO_STORE


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
    if not item.kind.is_public:                 # a private item's files are downloads, never shown inline
        return redirect(url_for(".attachment", number=item.number, attachment_id=attachment_id))
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.signal_id != item.id or attachment not in photos_for(item, reader):
        return access.refuse(item.number)
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
    """An attachment of a private item, as a download only: its stored type, no sniffing, a sandbox."""
    found = db.session.get(Attachment, attachment_id)
    path = Path(current_app.config["UPLOAD_DIR"]) / found.storage_key if found is not None else None
    if found is None or found.signal_id != item.id or item.kind.is_public or not path.is_file():
        return access.refuse(item.number)
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.filename,
                         max_age=0)
    response.headers.update({"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "sandbox"})
    return response
