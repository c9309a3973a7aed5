"""Canned responses: a department's ready answers per language, with placeholders filled in before sending (and
editable after): {number}, {date}, {department}, and {name} — the filer's name, only in replies to the filer."""

from __future__ import annotations

from app import audit
from app.accounts.models import User
from app.departments.models import Department
from app.extensions import db
from app.web.templating import localdate
from signals.models import CannedResponse, Signal
from signals.services.errors import InvalidInput

PLACEHOLDERS = ("{number}", "{date}", "{department}", "{name}")


def fill(response: CannedResponse, signal: Signal, *, to_filer: bool) -> str:
    """The response's text for this item; {name} becomes the filer's name only in a reply to the filer."""
    name = (signal.filer.person_name or signal.filer.organisation) if signal.filer is not None and to_filer else ""
    values = {"{number}": signal.number, "{date}": localdate(signal.registered_at),
              "{department}": signal.department.text("name", response.locale), "{name}": name}
    text = response.body
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def save(department: Department, locale: str, title: str, body: str, actor: User) -> CannedResponse:
    """A new canned response of a department in one language."""
    if not title.strip() or not body.strip():
        raise InvalidInput("a canned response has a title and a text")
    response = CannedResponse(department_id=department.id, locale=locale, title=title.strip()[:120],
                              body=body.strip(), active=True)
    db.session.add(response)
    db.session.flush()
    audit.record(actor.id, "canned_response", "department", department.id, response=response.id)
    return response


def retire(response: CannedResponse, actor: User) -> None:
    """Take a canned response out of use (kept for the audit)."""
    response.active = False
    audit.record(actor.id, "canned_response_retired", "department", response.department_id, response=response.id)
