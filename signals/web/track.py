"""/track: the status card of any item of any age, by its number."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from signals import gate

bp = Blueprint("track", __name__)


@bp.get("/track")
def track():
    """The status card by number; unknown or malformed numbers get a friendly 404, misses are limited per IP."""
    typed = (request.args.get("number") or "").strip()[:100]
    if not typed:
        return render_template("signals/track.html", typed="")
    item, _reader, refusal = gate.card_lookup(typed)
    if refusal is not None:
        return refusal
    if item is None:
        return render_template("signals/track.html", typed=typed, missing=True), 404
    return render_template("signals/track.html", typed=typed, signal=item)
