"""/console/moderation: the moderators' desk — the queue of public items waiting for approval (question texts, held
problems, photos), the items hidden by a moderator, the hold switch, and the blocklist of addresses.

Who moderates is decided by signals.access (`may_moderate`: admins, contact-centre operators, managers of the
triage department); anyone else gets the console's 404. Forms about one item pass the item gate with the
"moderate" action and carry the item's version: a form filled on an older state changes nothing. Every write is
one service (signals.services.moderation, signals.services.blocklist) in one unit of work; `flask moderate …`
calls the same services.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from app.web.fields import whole_number
from signals import access, queries, registry
from signals.access import Reader
from signals.console import forms
from signals.console.guard import moderation_page
from signals.gate import item_route
from signals.models import BlockedAddress, HiddenReason, Signal
from signals.services import blocklist, moderation
from signals.services.errors import ServiceError

bp = Blueprint("console_moderation", __name__, url_prefix="/console/moderation")
NO_STORE = {"Cache-Control": "private, no-store"}
PAGE = 25
MAX_ID = 2**31 - 1


def _page() -> int:
    """The page asked for (1 for anything that is not a small positive whole number)."""
    return whole_number(request.args.get("page"), 1, 999_999) or 1


def _count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _page_of(query: Select, *options) -> dict:
    """One page of a list (loaded with `options`): its rows, the page number and the number of pages."""
    page, total = _page(), _count(query)
    rows = db.session.scalars(query.options(*options).limit(PAGE).offset((page - 1) * PAGE)).all()
    return {"rows": rows, "page": page, "pages": max(1, -(-total // PAGE)), "total": total}


def _lists() -> dict[str, Select]:
    """The moderators' two lists, each limited to what the reader may see (every public-kind item, for them)."""
    seen = access.visible(current_user)
    return {"queue": queries.moderation_queue().where(seen), "hidden": queries.hidden_items().where(seen)}


def _typed() -> str:
    """The number typed into "find an item" (bounded; the registry forgives its spelling)."""
    return request.args.get("q", "").strip()[:40]


def _item_forms(item: Signal) -> dict:
    """The forms of one listed item, prefixed by its id (many items on one page), filled on its version."""
    version = {"version": str(item.version)}
    return {"approve": forms.ModerateForm(prefix=f"approve-{item.id}", data=version),
            "hide": forms.HideForm(prefix=f"hide-{item.id}", data=version),
            "unhide": forms.ModerateForm(prefix=f"unhide-{item.id}", data=version)}


def _desk(tab: str, hold_form: forms.HoldForm | None = None, status: int = 200):
    """The queue, the hidden list or the item found by its number, with the counts of both lists and the hold
    switch."""
    lists = _lists()
    found = queries.public_kind_numbered(registry.normalize(_typed())).where(access.visible(current_user))
    listing = _page_of(found if tab == "found" else lists[tab], selectinload(Signal.attachments),
                       selectinload(Signal.category), selectinload(Signal.department))
    hold_on = moderation.hold_is_on()
    hold_form = hold_form or forms.HoldForm(data={"hold": "on" if hold_on else "off"})
    return render_template("console/moderation.html", tab=tab, hold_on=hold_on, hold_form=hold_form,
                           counts={name: _count(query) for name, query in lists.items()},
                           item_forms={item.id: _item_forms(item) for item in listing["rows"]}, typed=_typed(),
                           waiting_photos=moderation.waiting_photos, waits=moderation.waits, **listing), \
        status, NO_STORE


@bp.get("")
@moderation_page
def queue():
    """Public items waiting for a moderator, the oldest first, 25 a page; the hold switch. With ?q=, the public-kind
    item of that number instead, to hide a published one."""
    return _desk("found" if _typed() else "queue")


@bp.get("/hidden")
@moderation_page
def hidden():
    """Items a moderator hid, the newest first, each with "show again"."""
    return _desk("hidden")


@bp.post("/hold")
@moderation_page
def hold():
    """Turn the hold on (every new public item waits for review) or off; a bad choice is shown at the field."""
    form = forms.HoldForm()
    if not form.validate_on_submit():
        return _desk("queue", hold_form=form, status=400)
    on = form.hold.data == "on"
    with unit_of_work():
        moderation.set_hold(on, current_user)
    flash(_("The hold is on: every new public item waits for review.") if on
          else _("The hold is off: new problems are published at once again."), "ok")
    return redirect(url_for(".queue"), 303)


def _back() -> str:
    """Where a form about one item returns: the list and page it was sent from, or the item found by number."""
    if request.args.get("back") == "found":
        return url_for(".queue", q=_typed())
    return url_for(".hidden" if request.args.get("back") == "hidden" else ".queue", page=_page())


def _moderate(item: Signal, form: forms.VersionedForm, ready: bool, write: Callable[[], object], done: str):
    """Validate, check the version and the item's state (read before any write), run one service, say what
    happened; every outcome returns to the list."""
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors)
              or _("Nothing changed: check what you chose and try again."))
    elif form.version.data != str(item.version):
        flash(_("Nothing changed: %(number)s was changed after you opened this page. Look at it again.",
                number=item.number))
    elif not ready:
        flash(_("Nothing changed: %(number)s is not in a state for this any more.", number=item.number))
    else:
        try:
            with unit_of_work():
                write()
        except ServiceError:
            flash(_("Nothing changed: %(number)s is not in a state for this any more.", number=item.number))
        else:
            flash(done, "ok")
    return redirect(_back(), 303)


@bp.post("/<number>/approve")
@moderation_page
@item_route("moderate")
def approve(item: Signal, reader: Reader):
    """Publish the item's text and its waiting photos."""
    form = forms.ModerateForm(prefix=f"approve-{item.id}")
    return _moderate(item, form, moderation.waits(item), lambda: moderation.approve(item, current_user),
                     _("%(number)s is approved: its text and photos are public.", number=item.number))


@bp.post("/<number>/hide")
@moderation_page
@item_route("moderate")
def hide(item: Signal, reader: Reader):
    """Hide a public item with a reason category; its filer and staff still see it, everyone else its card."""
    form = forms.HideForm(prefix=f"hide-{item.id}")
    reason = next((r for r in HiddenReason if r.value == form.reason.data), None)
    return _moderate(item, form, not item.hidden, lambda: moderation.hide(item, reason, current_user),
                     _("%(number)s is hidden.", number=item.number))


@bp.post("/<number>/unhide")
@moderation_page
@item_route("moderate")
def unhide(item: Signal, reader: Reader):
    """Show a hidden item again (its approval is unchanged)."""
    form = forms.ModerateForm(prefix=f"unhide-{item.id}")
    return _moderate(item, form, item.hidden, lambda: moderation.unhide(item, current_user),
                     _("%(number)s is shown again.", number=item.number))


def _blocklist_page(form: forms.BlockForm, status: int = 200):
    return render_template("console/blocklist.html", form=form, **_page_of(blocklist.entries())), status, NO_STORE


@bp.route("/blocklist", methods=["GET", "POST"])
@moderation_page
def blocked():
    """The blocklist, and the form that adds an address or a domain (a refusal is shown at its field)."""
    form = forms.BlockForm()
    if not form.validate_on_submit():
        return _blocklist_page(form, 400 if form.is_submitted() else 200)
    if blocklist.find(form.pattern.data) is not None:          # read before the unit of work opens
        form.pattern.errors = [_("This address or domain is on the blocklist already.")]
        return _blocklist_page(form, 400)
    try:
        with unit_of_work():
            pattern = blocklist.block(form.pattern.data, form.reason.data, current_user).pattern
    except blocklist.AlreadyBlocked:                           # added by someone else a moment ago
        form.pattern.errors = [_("This address or domain is on the blocklist already.")]
        return _blocklist_page(form, 400)
    flash(_("%(pattern)s is on the blocklist: its public reports wait for review, and no mail goes to it.",
            pattern=pattern), "ok")
    return redirect(url_for(".blocked"), 303)


@bp.post("/blocklist/<int:entry_id>/remove")
@moderation_page
def unblock(entry_id: int):
    """Take an address or a domain off the blocklist (its form is only the CSRF token, which the site checks for
    every POST); an unknown entry is a 404."""
    entry = db.session.get(BlockedAddress, entry_id) if entry_id <= MAX_ID else None
    if entry is None:
        return error_response(404, "not_found", _("There is no such page."))
    pattern = entry.pattern
    with unit_of_work():
        blocklist.unblock(entry, current_user)
    flash(_("%(pattern)s is off the blocklist.", pattern=pattern), "ok")
    return redirect(url_for(".blocked"), 303)
