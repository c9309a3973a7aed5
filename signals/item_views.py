"""Public item pages: the item by its access rules, its photos, and the status card by number (/track)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from geoalchemy2.shape import to_shape

from app import clock as app_clock
from app.extensions import db, limiter
from signals import access, clock, geojson, registry, tokens
from signals.models import Attachment, Visibility
from signals.views import bp


@bp.get("/signals/<number>")
def item(number: str):
    """The item page: everything its reader may see; a status card for public items not (yet) shown."""
    signal = registry.find(number)
    if signal is None:
        return render_template("signals/not_found.html", number=number), 404
    if signal.number != number:
        return redirect(url_for(".item", number=signal.number, **request.args))
    token = request.args.get("t")
    if token is not None:
        response = redirect(url_for(".item", number=signal.number))
        return tokens.remember(response, signal, token) if tokens.matches(signal, token) else response
    held = tokens.held(signal)
    if not access.can(current_user, "view", signal, tokens=held):
        if not signal.kind.is_public:
            return render_template("signals/not_found.html", number=number), 404
        return render_template("signals/card.html", signal=signal, today=app_clock.today(), clock=clock), 200
    filer = access.can(current_user, "reply_as_filer", signal, tokens=held)
    shown = {Visibility.public} | ({Visibility.filer} if filer else set())
    history = [u for u in signal.updates if u.visibility in shown]
    photos = [a for a in signal.attachments if a.approved or access.can(
        current_user, "download_attachment", signal, tokens=held)]
    point = to_shape(signal.location).coords[0] if signal.location is not None else None
    return render_template("signals/item.html", signal=signal, history=history, photos=photos, filer=filer,
                           point=point, today=app_clock.today(), clock=clock), 200, {"Cache-Control": "private, no-store"}


@bp.get("/signals/<number>/photos/<int:attachment_id>")
def photo(number: str, attachment_id: int):
    """A photo, served through the access rules (unapproved ones only to the filer and staff)."""
    signal = registry.find(number)
    attachment = db.session.get(Attachment, attachment_id) if signal else None
    if attachment is None or attachment.signal_id != signal.id:
        abort(404)
    held = tokens.held(signal)
    allowed = (access.can(current_user, "view", signal, tokens=held) and attachment.approved) or access.can(
        current_user, "download_attachment", signal, tokens=held)
    if not allowed:
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / attachment.storage_key
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, no-store" if not attachment.approved else "public, max-age=3600"
    return response


def _track_limit() -> str:
    return current_app.config["TRACK_RATE_LIMIT"]


@bp.get("/track")
@limiter.limit(_track_limit, error_message="track")
def track():
    """The status card of any item of any age, by number; unknown or malformed numbers get a friendly 404."""
    typed = (request.args.get("number") or "").strip()
    if not typed:
        return render_template("signals/track.html", typed=typed), 200
    signal = registry.find(typed)
    if signal is None:
        return render_template("signals/track.html", typed=typed, missing=True), 404
    return render_template("signals/track.html", typed=typed, signal=signal, today=app_clock.today(), clock=clock)


@bp.get("/map/signals.geojson")
def map_signals():
    """Public signals as GeoJSON for the map: bbox, days (1–90), category, status; 400 with a JSON error."""
    try:
        query = geojson.parse(request.args)
    except geojson.BadQuery as bad:
        return jsonify({"error": bad.code, "message": str(bad)}), 400
    response = jsonify(geojson.features(query))
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
