"""Filing a private item from the cabinet: the form (/signals/new?kind=letter|complaint|proposal|info_request),
then the review page with every field, Edit and Confirm; only Confirm registers, and a repeated Confirm shows
the first result. Login required; an unconfirmed account is fenced off by the accounts layer."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.departments.models import Category
from app.extensions import db, login_manager
from app.kinds import Kind
from app.localized import current_locale
from app.unit_of_work import unit_of_work
from app.web.fields import CleanForm
from signals import document_uploads, drafts, queries, services
from signals.web.private_form import ACCESS_FORMS, PrivateForm, category_choices, from_profile, referenced

bp = Blueprint("private_filing", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}


def form_page():
    """/signals/new?kind=<private kind>: the form, prefilled from the profile or from the draft being edited;
    a valid form is kept as a draft and the review page shown."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    kind = request.args["kind"]
    draft = drafts.find(current_user.id, request.args.get("draft"))
    start = draft.data if draft is not None and request.method == "GET" else from_profile(current_user)
    form = PrivateForm(kind, current_user, data=start if request.method == "GET" else None)
    kept = draft.data.get("files", []) if draft is not None else []
    if form.validate_on_submit():
        files = document_uploads.take(form, kept)
        if files is not None:
            with unit_of_work():
                draft = drafts.save(current_user.id, kind, {**form.data_for_draft(), "files": files},
                                    draft.key if draft is not None else None)
                key = draft.key
            return redirect(url_for("private_filing.review", draft=key), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("signals/new_private.html", form=form, kind=Kind(kind), draft=draft,
                           kept=kept), status, NO_STORE


class ConfirmForm(CleanForm):
    """The review page's Confirm: the draft's key comes back in the form."""


def _summary(draft) -> dict:
    data = dict(draft.data)
    names = dict(category_choices(Kind(draft.kind)))
    data["category_name"] = names.get(data.get("category"), data.get("category"))
    data["access_form_name"] = ACCESS_FORMS.get(data.get("access_form") or "")
    return data


@bp.get("/signals/new/review")
@login_required
def review():
    """Every field of the draft, with Edit (back to the form, everything kept) and Confirm."""
    draft = drafts.find(current_user.id, request.args.get("draft"))
    if draft is None:
        first = queries.by_submission_key(request.args.get("draft") or "")
        if first is not None and first.user_id == current_user.id:
            return redirect(url_for("filing.registered", number=first.number), 303)
        return redirect(url_for("my.signals"), 303)
    return render_template("signals/review.html", draft=draft, data=_summary(draft), kind=Kind(draft.kind),
                           form=ConfirmForm()), 200, NO_STORE


@bp.post("/signals/new/review")
@login_required
def confirm():
    """Register the draft; a second Confirm of the same draft shows the first item."""
    key = request.form.get("draft", "")
    draft = drafts.find(current_user.id, key)
    if draft is None or not ConfirmForm().validate_on_submit():
        return review_again(key)
    draft_kind = draft.kind
    try:
        with unit_of_work():
            number = _register(draft)
    except services.DuplicateSubmission:
        db.session.rollback()
        return review_again(key)
    except services.InvalidInput:                  # the draft no longer fits (e.g. its category was retired)
        db.session.rollback()
        return redirect(url_for("filing.new", kind=draft_kind, draft=key), 303)
    return redirect(url_for("filing.registered", number=number), 303)


def review_again(key: str):
    """What a Confirm that cannot register shows: the first item of this draft, or the review page."""
    first = queries.by_submission_key(key) if key else None
    if first is not None and first.user_id == current_user.id:
        return redirect(url_for("filing.registered", number=first.number), 303)
    return redirect(url_for(".review", draft=key), 303)


def _register(draft) -> str:
    data = draft.data
    category = db.session.scalar(select(Category).where(Category.code == data.get("category", ""),
                                                        Category.active.is_(True)))
    if category is None:
        raise services.InvalidInput("the draft's category is gone")
    sender = services.Sender(**{name: data.get(name, "") for name in ("person_name", "organisation",
                                                                      "organisation_seat", "eik", "address",
                                                                      "email", "phone")},
                             locale=current_locale())
    item = services.SignalInput(category=category, title=data["title"], description=data["description"],
                                sender=sender, submission_key=draft.key, locale=current_locale())
    registration = services.file_private(Kind(draft.kind), item, current_user, refers_to=referenced(
        data.get("refers_to")), access_form=data.get("access_form") or None)
    signal = registration.signal
    services.attach_documents(signal, data.get("files", []))
    number = signal.number
    db.session.delete(draft)
    db.session.flush()
    return number
