"""/console/signals/<number>: an item as its department's staff work it — everything the gate lets them see, the
full history with visibility marked, the deadline with the working days left, the notices with their delivery
state — and one form per action, each calling one service. Every form carries the item's version: a form filled
on an older state changes nothing and says who changed the item and when."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.departments.models import Category, Department, Membership
from app.extensions import db
from app.kinds import Kind
from app.localized import current_locale
from app.web.fields import options, whole_number
from signals import access, deadlines, document_uploads, workflow
from signals.access import Reader
from signals.console import forms
from signals.console.actions import MESSAGES, act
from signals.console.guard import console_page
from signals.gate import item_route
from signals.models import CannedResponse, Signal
from signals.labels import kind_label
from signals.services import assignment, canned, corrections, decisions, replies
from signals.services import reroute as reroute_service
from signals.services.clarification import request_clarification
from signals.services.errors import TransitionNotAllowed
from signals.services.status import change_status
from signals.workflow import Status

bp = Blueprint("console_item", __name__, url_prefix="/console/signals")
NO_STORE = {"Cache-Control": "private, no-store"}
# Statuses reached through their own form (a clarification request, a duplicate, a decision page), not this one.
_OWN_FORMS = (Status.awaiting_clarification, Status.duplicate)


def _members(item: Signal) -> list[User]:
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.department_id == item.department_id, User.active.is_(True)).order_by(User.last_name)))


def _forms(item: Signal) -> dict:
    """The action forms, each filled on the item's current version."""
    version = {"version": str(item.version)}
    assign = forms.AssignForm(data=version)
    assign.assignee.choices = options([("", _("nobody"))] + [(str(u.id), u.name) for u in _members(item)])
    assign.assignee.data = str(item.assignee_id or "")
    status = forms.StatusForm(data=version)
    status.status.choices = options([(s.value, workflow.label(s, current_locale(), item.kind))
                                     for s in sorted(workflow.allowed(item.kind, item.status), key=lambda s: s.value)
                                     if s not in _OWN_FORMS and s not in decisions.OUTCOMES.get(item.kind, ())])
    reroute = forms.RerouteForm(data=version)
    reroute.department.choices = options([("", "—")] + [(str(d.id), d.text("name")) for d in db.session.scalars(
        select(Department).where(Department.active.is_(True), Department.id != item.department_id)
        .order_by(Department.name_bg))])
    return {"assign_form": assign, "status_form": status, "reply_form": _reply_form(item, version),
            "canned": db.session.scalars(select(CannedResponse).where(
                CannedResponse.department_id == item.department_id, CannedResponse.active.is_(True))
                .order_by(CannedResponse.locale, CannedResponse.title)).all(),
            "reroute_form": reroute, **_correction_forms(item, version),
            "note_form": forms.NoteForm(data=version), "clarify_form": forms.ClarifyForm(data=version),
            "extend_form": forms.ExtendForm(data=version), "consent_form": forms.ConsentForm(data=version)}


def _reply_form(item: Signal, version: dict) -> forms.ReplyForm:
    """The reply form, with a canned response of the item's department filled in when one was chosen."""
    chosen, to_filer = request.args.get("canned", ""), request.args.get("audience") == "filer"
    found = db.session.get(CannedResponse, n) if (n := whole_number(chosen)) else None
    if found is None or not found.active or found.department_id != item.department_id:
        return forms.ReplyForm(data=version)
    return forms.ReplyForm(data={**version, "body": canned.fill(found, item, to_filer=to_filer),
                                 "audience": "filer" if to_filer else "public"})


def _correction_forms(item: Signal, version: dict) -> dict:
    """Duplicate, kind (within the visibility class), category (of the same kind) and point."""
    group = next(g for g in corrections.SWAPPABLE if item.kind in g)
    categories = db.session.scalars(select(Category).where(Category.active.is_(True))
                                    .order_by(Category.kind, Category.position)).all()
    kind = forms.KindForm(data=version)
    kind.category.choices = options([("", "—")] + [(c.code, f"{kind_label(c.kind)}: {c.text('name')}")
                                                   for c in categories if c.kind in group and c.kind != item.kind])
    category = forms.CategoryForm(data=version)
    category.category.choices = options([(c.code, c.text("name")) for c in categories if c.kind == item.kind])
    category.category.data = item.category.code
    redact = forms.RedactForm(data={**version, "title": item.title, "description": item.description})
    return {"duplicate_form": forms.DuplicateForm(data=version), "kind_form": kind, "category_form": category,
            "point_form": forms.PointForm(data=version), "redact_form": redact}


def _decision_context(item: Signal) -> dict:
    """The decision in force (with the forms that follow it) and whether this official may decide or extend."""
    version = {"version": str(item.version)}
    latest = decisions.latest(item)
    may_decide = decisions.may_decide(current_user, item)
    return {"decision": latest, "may_decide": may_decide,
            "may_take_decision": may_decide and any(s in workflow.allowed(item.kind, item.status)
                                                    for s in decisions.OUTCOMES.get(item.kind, ())),
            "appeal_until": decisions.appeal_until(latest) if latest else None,
            "communicate_by": decisions.communicate_by(latest) if latest and item.kind == Kind.proposal else None,
            "communication_form": forms.CommunicationForm(data=version),
            "may_extend_proposal": item.kind == Kind.proposal and workflow.is_open(item.status)
            and access.can(current_user, "manage", item),
            "proposal_extension_form": forms.ProposalExtensionForm(data=version)}


@bp.get("/<number>")
@console_page
@item_route("act_as_staff")
def item(item: Signal, reader: Reader):
    """The item in the console, with its history (visibility marked) and the action forms."""
    history = sorted(item.updates, key=lambda u: (u.created_at, u.id))
    return render_template("console/item.html", signal=item, history=history, reader=reader,
                           days_left=deadlines.working_days_left([item.due_on]).get(item.due_on)
                           if workflow.is_open(item.status) else None,
                           may_manage=reader.can("manage", item),
                           may_ask=Status.awaiting_clarification in workflow.allowed(item.kind, item.status),
                           may_reroute=reroute_service.may_reroute(current_user, item),
                           may_duplicate=Status.duplicate in workflow.allowed(item.kind, item.status),
                           **_decision_context(item), **_forms(item)), 200, NO_STORE


@bp.post("/<number>/assign")
@console_page
@item_route("act_as_staff")
def assign(item: Signal, reader: Reader):
    """Give the item to a member of its department (managers), take it (anyone), or leave it to nobody."""
    form = forms.AssignForm()
    chosen = form.assignee.data or ""
    assignee = db.session.get(User, n) if (n := whole_number(chosen)) else None
    return act(item, form, lambda: assignment.assign(item, assignee, current_user), _("Assignment saved."),
                "assign")


@bp.post("/<number>/status")
@console_page
@item_route("act_as_staff")
def status(item: Signal, reader: Reader):
    """Move the item along its workflow (only the moves the table allows)."""
    form = forms.StatusForm()
    new = next((s for s in Status if s.value == form.status.data), None)
    if new is None or new in _OWN_FORMS or new in decisions.OUTCOMES.get(item.kind, ()) or (
            new == Status.forwarded and not (form.note.data or "").strip()):
        flash(_("Say in the note to which institution the item is forwarded.") if new == Status.forwarded
              else MESSAGES[TransitionNotAllowed]())
        return redirect(url_for(".item", number=item.number) + "#status", 303)
    return act(item, form, lambda: change_status(item, new, current_user, note=form.note.data.strip()),
                _("Status changed."), "status")


@bp.post("/<number>/reply")
@console_page
@item_route("act_as_staff")
def reply(item: Signal, reader: Reader):
    """A reply in public or to the filer only; the filer is told."""
    form = forms.ReplyForm()
    photos = document_uploads.take(form, [], images_only=True) if form.validate_on_submit() else []
    if photos is None:
        flash(" ".join(form.files.errors))
        return redirect(url_for(".item", number=item.number) + "#reply", 303)
    return act(item, form, lambda: replies.reply(item, current_user, form.body.data, photos=photos,
                                                 public=form.audience.data == "public"), _("Reply published."),
               "reply")


@bp.post("/<number>/note")
@console_page
@item_route("act_as_staff")
def note(item: Signal, reader: Reader):
    """An internal note, for staff only."""
    form = forms.NoteForm()
    return act(item, form, lambda: replies.note(item, current_user, form.body.data), _("Note saved."), "note")


@bp.post("/<number>/clarification")
@console_page
@item_route("act_as_staff")
def clarification(item: Signal, reader: Reader):
    """Ask the filer to clarify: the clock stops until the answer; the filer is told."""
    form = forms.ClarifyForm()
    return act(item, form, lambda: request_clarification(item, current_user, form.question.data),
                _("The filer is asked to clarify."), "clarify")


@bp.post("/<number>/reroute")
@console_page
@item_route("act_as_staff")
def reroute(item: Signal, reader: Reader):
    """Send the item to another department with a reason (managers; operators from triage); the filer is told."""
    form = forms.RerouteForm()
    chosen = form.department.data or ""
    department = db.session.get(Department, n) if (n := whole_number(chosen)) else None
    return act(item, form, lambda: reroute_service.reroute(item, department, current_user, form.reason.data),
                _("The item is sent to the other department."), "reroute")
