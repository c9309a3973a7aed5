"""Filing a public report: the form, the photos it keeps between tries, and the confirmation.

The registering POST puts the filer token into a cookie scoped to the item's path on
its redirect; the confirmation page prints the tracking link from that cookie. The
site-wide session cookie never holds a token.

The form checks its own CSRF token (the view is exempt from the global check), so a
lost or expired session shows the form again with what was typed, not an error page.
Two limits: FORM_POST_RATE_LIMIT counts every POST, FILING_RATE_LIMIT counts
registrations (responses that redirect to a confirmation).
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, send_file, url_for

from app.extensions import csrf, db, limiter
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from signals import access, gate, queries, services, uploads
from signals.access import Reader
from signals.gate import item_route
from signals.models import Signal, UpdateKind
from signals.web import private_filing, report
from signals.web.private_form import PRIVATE

bp = Blueprint("filing", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}


def _filing_limit() -> str:
    return current_app.config["FILING_RATE_LIMIT"]


def _post_limit() -> str:
    return current_app.config["FORM_POST_RATE_LIMIT"]


def _registered(response) -> bool:
    return response.status_code == 302


@bp.route("/signals/new", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(_post_limit, methods=["POST"], scope="form-post", error_message="filing")
@limiter.limit(_filing_limit, methods=["POST"], deduct_when=_registered, error_message="filing")
def new():
    """The report form (problem or question); bad input gets its message at its field and stores nothing. A
    private kind (?kind=letter, …) gets the cabinet's form instead (signals/web/private_filing.py)."""
    if request.args.get("kind") in PRIVATE:
        return private_filing.form_page()
    form = report.build_form()
    if not form.is_submitted():
        return _page(form)
    valid = form.validate()
    if form.csrf_token.errors:               # a lost or expired session: what was typed is kept
        return _page(form, 400, expired=True)
    first = queries.by_submission_key(form.submission_key.data)
    if first is not None:                    # a repeated POST shows the first result
        return redirect(url_for(".registered", number=first.number))
    removing = request.form.get("remove_photo")
    held = report.keep_photos(form, removing)
    if removing:
        return _page(form, 200, errors=False)
    return _file(form, held) if valid and not form.photos.errors else _page(form, 400, held=held)


def _page(form, status: int = 200, *, expired: bool = False, errors: bool = True, held=None):
    """The form, with the photos this session holds for it and, after a failed try, its errors."""
    held = held if held is not None else uploads.held(form.submission_key.data, report.uploader())
    if not errors:
        for field in form:
            field.errors = []
    return render_template("signals/new.html", form=form, held=held, expired=expired,
                           show_errors=errors and status == 400), status, NO_STORE


def _file(form, held):
    """Register in one unit of work with the held photos; a simultaneous POST with the same key shows the first."""
    kind, data = report.report_input(form)
    try:
        with unit_of_work():
            registration = services.file_public(kind, data, uploads.claim(held))
            number = registration.signal.number        # read before the commit expires the row
    except services.DuplicateSubmission:
        return redirect(url_for(".registered", number=queries.by_submission_key(data.submission_key).number))
    response = redirect(url_for(".registered", number=number))
    if registration.token:
        gate.remember(response, number, registration.token)
    return response


@bp.get("/signals/new/photos/<int:photo_id>")
def held_photo(photo_id: int):
    """A held photo's thumbnail, only for the session that uploaded it, never cached."""
    pending = db.session.get(uploads.PendingPhoto, photo_id)
    if pending is None or pending.owner != report.uploader() or not uploads.path_of(pending).is_file():
        return error_response(404, "not_found")
    response = send_file(uploads.path_of(pending), mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/signals/<number>/registered")
@item_route("view_status_card")
def registered(item: Signal, reader: Reader):
    """The filer's confirmation: number, date, department, expected answer date, the tracking link. Others go to
    the item page (a public item's card at least), or get the 404 for a private item they may not see."""
    if not item.kind.is_public and not reader.can("view", item):
        return access.refuse(item.number)
    if not reader.can("reply_as_filer", item):
        return redirect(url_for("items.item", number=item.number))
    token = gate.token_from_cookie(item)
    notice = next((u for u in item.updates if u.kind == UpdateKind.notice), None)
    return render_template(
        "signals/registered.html", signal=item, link=url_for("items.item", number=item.number, t=token) if token
        else None, base_url=current_app.config["PUBLIC_BASE_URL"], notice=notice), 200, NO_STORE
