"""Filing: register a new item of any kind, and a public report with its photos.

The number comes last: `registry.allocate` holds the registry lock until the
caller commits, so every slow step (photos, routing) happens before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit, clock, unit_of_work
from app.accounts.models import User
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import deadlines, events, registry, routing, tokens
from signals.models import Attachment, Channel, FilerContact, Signal, Update, UpdateKind, Visibility
from signals.documents import EXTENSIONS
from signals.photos import Photo, store
from signals.services import blocklist
from signals.services.errors import DuplicateSubmission, InvalidInput
from signals.services.moderation import hold_is_on
from signals.workflow import Status


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
    channel: Channel = Channel.web  # how it reached the city (an operator's intake: phone, email, paper, in person)
    by_hand: bool = False           # an operator keeps it in the triage inbox, to route it by hand


@dataclass
class Registration:
    """What register() returns: the item and, for a filer without an account, the tracking token.

    The token is handed to the view once, for the item-scoped cookie; it is stored
    nowhere (the row keeps its generation and hash).
    """

    signal: Signal
    token: str | None


def _next_id() -> int:
    """The item's id before it is inserted: the token is derived from it."""
    return db.session.scalar(select(func.nextval(func.pg_get_serial_sequence("signals", "id"))))


def register(kind: Kind, data: SignalInput, user: User | None = None, *,
             registered_by: User | None = None) -> Registration:
    """Register a new item: route, filer snapshot, token, first history entry, number last, event, audit."""
    if data.category.kind != kind:
        raise InvalidInput("category does not belong to this kind")
    if kind.needs_account and user is None and registered_by is None:
        raise InvalidInput("this kind is filed by registered users only")
    route = routing.route(data.category, data.place)
    if data.by_hand:
        route = replace(route, department=routing.triage())
    signal = Signal(id=_next_id(), kind=kind, status=Status.registered, category=data.category,
                    department=route.department, area=route.area, location=data.place.geometry(),
                    title=data.title.strip(), description=data.description.strip(),
                    place_description=data.place_description.strip(), submission_key=data.submission_key,
                    text_approved=(kind == Kind.problem and not data.held), locale=data.locale,
                    user_id=user.id if user else None, registered_by_id=registered_by.id if registered_by else None,
                    filer_token_generation=0, channel=data.channel)
    if not data.sender.empty or user is not None:
        signal.filer = FilerContact(user_id=user.id if user else None, **vars(data.sender))
    token = tokens.issue(signal) if user is None else None
    actor = registered_by or user
    # The number comes last: allocate() holds the registry lock until commit.
    signal.number, signal.registered_at = registry.allocate(kind)
    signal.due_on = deadlines.deadline(kind, signal.registered_at)
    signal.period_start = clock.local_date(signal.registered_at)
    signal.updates.append(Update(kind=UpdateKind.registered, visibility=Visibility.public,
                                 created_at=signal.registered_at, new_status=Status.registered,
                                 author_id=actor.id if actor else None))
    db.session.add(signal)
    audit.record(actor.id if actor else None, "register", "signal", signal.id, kind=kind.value,
                 department=signal.department.id)
    try:
        db.session.flush()
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
        if data.submission_key and "submission_key" in constraint:
            raise DuplicateSubmission(data.submission_key) from error
        raise
    events.registered.send(signal, actor=actor)
    return Registration(signal, token)


def file_public(kind: Kind, data: SignalInput, photos: list[Photo]) -> Registration:
    """File a public report with its cleaned photos; the files go if the transaction rolls back.

    Raises DuplicateSubmission when the submission key already produced an item (a
    repeated or simultaneous POST): the caller rolls back and shows the first item.
    A report from an address on the blocklist is held for review like any during the hold,
    and registered and confirmed as any other: the filer is not told.
    """
    blocked = blocklist.is_blocked(data.sender.email)
    data.held = data.held or blocked or hold_is_on()
    directory = Path(current_app.config["UPLOAD_DIR"])
    keys = []
    for photo in photos:
        keys.append(store(photo, directory))
        unit_of_work.written(directory / keys[-1])
    registration = register(kind, data, None)
    if blocked:
        audit.record(None, "held_by_blocklist", "signal", registration.signal.id)
    approved = not current_app.config["PHOTO_PREMODERATION"]
    for index, (photo, key) in enumerate(zip(photos, keys), start=1):
        registration.signal.attachments.append(Attachment(
            filename=f"{registration.signal.number}-{index}.jpg", content_type=photo.content_type,
            size=len(photo.data), storage_key=key, sha256=photo.sha256, approved=approved,
            created_at=clock.now()))
    if photos:
        db.session.flush()
    return registration


# ZDOI art. 26(1): the forms of access an information request may prefer (their words are the form's).
ACCESS_FORMS = ("review", "oral", "copies", "electronic")


def file_private(kind: Kind, data: SignalInput, user: User, *, refers_to: Signal | None = None,
                 access_form: str | None = None) -> Registration:
    """File a letter, complaint, proposal or information request from an account: a repeat appeal may name one
    of the filer's own earlier items; an information request names its preferred form of access."""
    if kind.is_public:
        raise InvalidInput("public kinds are filed through file_public")
    if refers_to is not None and refers_to.user_id != user.id:
        raise InvalidInput("a repeat appeal names one of the filer's own items")
    if (kind == Kind.info_request) != (access_form in ACCESS_FORMS):
        raise InvalidInput("an information request, and only it, names a form of access")
    registration = register(kind, data, user)
    registration.signal.refers_to_id = refers_to.id if refers_to is not None else None
    registration.signal.access_form = access_form
    db.session.flush()
    return registration


def attach_documents(signal: Signal, files: list[dict], update: Update | None = None, *,
                     public: bool | None = None) -> None:
    """Give checked, stored files (signals.document_uploads.take) to an item, each named by the item's number and
    its place among the item's files; `update` is the history entry they came with (a filer's answer: its files
    are never public, whatever the item's kind; staff's photos with a public reply are: `public=True`)."""
    first, approved = len(signal.attachments) + 1, (update is None) if public is None else public
    for index, file in enumerate(files, start=first):
        signal.attachments.append(Attachment(
            filename=f"{signal.number}-{index}.{EXTENSIONS[file['type']]}", content_type=file["type"],
            size=file["size"], storage_key=file["key"], sha256=file["sha256"], approved=approved,
            scan_status=file.get("scan", "not_scanned"), created_at=clock.now(), update=update))
