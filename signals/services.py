"""All writes to the registry. Services validate, mutate, flush, emit an event and audit; views commit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from app import audit
from app.accounts.models import User
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import clock, events, registry, routing, workflow
from signals.models import FilerContact, Signal, Update, UpdateKind, Visibility
from signals.workflow import Status


class ServiceError(Exception):
    """A domain error the view turns into a message."""


class TransitionNotAllowed(ServiceError):
    """The workflow of this kind does not allow the requested status change."""


class InvalidInput(ServiceError):
    """Input that passed the form but breaks a rule of the registry."""


@dataclass
class Sender:
    """Who files: a person (three names) or an organisation, with how to reach them."""

    person_name: str = ""
    organisation: str = ""
    organisation_seat: str = ""
    eik: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    locale: str = "bg"

    @property
    def empty(self) -> bool:
        """Nothing to store (an anonymous report without contact)."""
        return not any((self.person_name, self.organisation, self.address, self.email, self.phone))


@dataclass
class SignalInput:
    """What a form (or the seed, or the API) hands to register()."""

    category: Category
    title: str = ""
    description: str = ""
    place: routing.Place = field(default_factory=routing.Place)
    place_description: str = ""
    sender: Sender = field(default_factory=Sender)
    submission_key: str | None = None
    locale: str = "bg"
    held: bool = False  # moderation hold: a public item waits for approval


@dataclass
class Registration:
    """What register() returns: the item and, for a filer without an account, the tracking token."""

    signal: Signal
    token: str | None


def hash_token(token: str) -> str:
    """How a filer token is stored (sha256 hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_filer_token(signal: Signal) -> str:
    """A fresh 128-bit filer token for the item; replaces any earlier one."""
    token = secrets.token_urlsafe(16)
    signal.filer_token_hash = hash_token(token)
    return token


def register(kind: Kind, data: SignalInput, user: User | None = None, *,
             registered_by: User | None = None) -> Registration:
    """Register a new item: route, filer snapshot, first history entry, number last, event."""
    if data.category.kind != kind:
        raise InvalidInput("category does not belong to this kind")
    if kind.needs_account and user is None and registered_by is None:
        raise InvalidInput("this kind is filed by registered users only")
    route = routing.route(data.category, data.place)
    signal = Signal(kind=kind, status=Status.registered, category=data.category, department=route.department,
                    area=route.area, location=data.place.geometry(),
                    title=data.title.strip(), description=data.description.strip(),
                    place_description=data.place_description.strip(), submission_key=data.submission_key,
                    text_approved=(kind == Kind.problem and not data.held), locale=data.locale,
                    user_id=user.id if user else None,
                    registered_by_id=registered_by.id if registered_by else None)
    if not data.sender.empty or user is not None:
        signal.filer = FilerContact(user_id=user.id if user else None, **vars(data.sender))
    token = new_filer_token(signal) if user is None else None
    # The number comes last: allocate() holds the registry lock until commit.
    signal.number, signal.registered_at = registry.allocate(kind)
    signal.due_on = clock.deadline(kind, signal.registered_at)
    signal.period_start = clock.local_date(signal.registered_at)
    signal.updates.append(Update(kind=UpdateKind.registered, visibility=Visibility.public,
                                 created_at=signal.registered_at, new_status=Status.registered,
                                 author_id=(registered_by or user).id if (registered_by or user) else None))
    db.session.add(signal)
    db.session.flush()
    events.registered.send(signal, token=token)
    return Registration(signal, token)


def change_status(signal: Signal, new: Status, actor: User | None, *, note: str = "",
                  visibility: Visibility = Visibility.public) -> Update:
    """Move an item along its workflow and record it in the history."""
    if new not in workflow.allowed(signal.kind, signal.status):
        raise TransitionNotAllowed(f"{signal.kind.value}: {signal.status.value} → {new.value}")
    now = clock.now()
    update = Update(kind=UpdateKind.status_change, visibility=visibility, created_at=now,
                    author_id=actor.id if actor else None, old_status=signal.status, new_status=new, body=note)
    signal.updates.append(update)
    signal.status = new
    signal.closed_at = now if new == Status.closed else (None if new == Status.in_progress else signal.closed_at)
    db.session.flush()
    audit.record(actor.id if actor else None, "status_change", "signal", signal.id,
                 old=update.old_status.value, new=new.value)
    return update
