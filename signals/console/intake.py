"""/console/intake: a contact-centre operator registers an item of any kind for a person who called the city's
line, wrote on paper or by email, or came in person — with their contact details and scanned documents. The item
records the channel and the operator; the person gets the number (read out from the item's console page) and, if
they give an email, the tracking link by mail. Operators are not held to the per-IP filing limits. A caller's
earlier items are found by email or phone."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.accounts.models import Role
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from app.web.fields import options, whole_number
from geo.models import Area, AreaLevel
from signals import document_uploads, queries, services
from signals.console.forms import IntakeForm
from signals.labels import kind_label
from signals.console.guard import console_page
from signals.models import Channel, FilerContact, Signal
from signals.routing import Place

bp = Blueprint("console_intake", __name__, url_prefix="/console")
NO_STORE = {"Cache-Control": "private, no-store"}
EARLIER = 20


def _choices(form: IntakeForm) -> None:
    categories = db.session.scalars(select(Category).where(Category.active.is_(True))
                                    .order_by(Category.kind, Category.position)).all()
    form.category.choices = options([("", "—")] + [(c.code, f"{kind_label(c.kind)}: {c.text('name')}")
                                                   for c in categories])
    areas = db.session.scalars(select(Area).where(Area.level == AreaLevel.district).order_by(Area.name_bg)).all()
    form.district.choices = options([("", "—")] + [(str(a.id), a.text("name")) for a in areas])


def earlier_items(term: str) -> list[Signal]:
    """A caller's earlier items: by email (any case), or by phone (digits only, at least six)."""
    term = term.strip()[:254]
    digits = "".join(ch for ch in term if ch in "0123456789")
    if "@" in term:
        match = func.lower(FilerContact.email) == term.lower()
    elif len(digits) >= 6:
        match = func.regexp_replace(FilerContact.phone, r"\D", "", "g").like(f"%{digits[-9:]}")
    else:
        return []
    return list(db.session.scalars(select(Signal).join(FilerContact, FilerContact.signal_id == Signal.id)
                                   .where(match).order_by(Signal.registered_at.desc()).limit(EARLIER)))


def _register(form: IntakeForm, category: Category, files: list[dict]) -> str:
    kind = Kind(form.kind.data)
    sender = services.Sender(person_name=form.person_name.data.strip(), organisation=form.organisation.data.strip(),
                             email=form.email.data or "", phone=form.phone.data.strip(),
                             address=form.address.data.strip())
    data = services.SignalInput(category=category, title=form.title.data, description=form.description.data,
                                place=Place(area_id=whole_number(form.district.data)),
                                place_description=form.place_description.data or "", sender=sender,
                                submission_key=form.submission_key.data or None,
                                channel=Channel(form.channel.data), by_hand=bool(form.by_hand.data))
    signal = services.register(kind, data, None, registered_by=current_user).signal
    signal.access_form = form.access_form.data if kind == Kind.info_request else None
    services.attach_documents(signal, files)
    return signal.number


def _category(form: IntakeForm) -> Category | None:
    category = db.session.scalar(select(Category).where(Category.code == form.category.data,
                                                        Category.active.is_(True)))
    if category is None or category.kind.value != form.kind.data:
        form.category.errors = [_("Choose a category of the chosen kind.")]
        return None
    return category


@bp.route("/intake", methods=["GET", "POST"])
@console_page
def intake():
    """The intake form (operators and admins), with a lookup of the caller's earlier items."""
    if current_user.role not in (Role.operator, Role.admin):
        return error_response(404, "not_found", _("There is no such page."))
    form = IntakeForm(submission_key=secrets.token_urlsafe(24))
    _choices(form)
    first = queries.by_submission_key(form.submission_key.data) if request.method == "POST" else None
    if first is not None:                                        # a repeated POST shows the first result
        return redirect(url_for("console_item.item", number=first.number), 303)
    valid = form.validate_on_submit()
    category = _category(form) if request.method == "POST" else None       # named even when others fail
    files = document_uploads.take(form, []) if valid and category is not None else None
    if files is not None:
        with unit_of_work():
            number = _register(form, category, files)
        flash(_("Registered as %(number)s: give the person this number.", number=number), "ok")
        return redirect(url_for("console_item.item", number=number), 303)
    lookup = request.args.get("lookup", "")
    return render_template("console/intake.html", form=form, lookup=lookup, earlier=earlier_items(lookup)), \
        (422 if form.errors else 200), NO_STORE
