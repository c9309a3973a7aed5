"""Signal (the one registry row for every kind), the filer's contact, history and attachments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (JSON, Boolean, Date, DateTime, Enum, ForeignKey, Index, Integer, String,
                        Text, func, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.departments.models import Category, Department
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from geo.models import Area
from signals.workflow import Status


class HiddenReason(str, enum.Enum):
    """Why a moderator hid a public item (shown on its status card)."""

    spam = "spam"
    offensive = "offensive"
    personal_data = "personal_data"
    duplicate = "duplicate"
    off_topic = "off_topic"


class Channel(str, enum.Enum):
    """How an item reached the city: the web form, an operator's intake (phone, email, paper, in person), or the
    API."""

    web = "web"
    phone = "phone"
    email = "email"
    paper = "paper"
    in_person = "in_person"
    api = "api"


class Signal(db.Model):
    """One registered item of any kind: problem, question, letter, complaint, proposal, info request."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[Kind] = mapped_column(Enum(Kind, native_enum=False, length=16))
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=32), default=Status.registered)
    version: Mapped[int] = mapped_column(Integer, default=1)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    location: Mapped[WKBElement | None] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    place_description: Mapped[str] = mapped_column(Text, default="")
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date | None] = mapped_column(Date)            # a local date in APP_TIMEZONE
    period_start: Mapped[date | None] = mapped_column(Date)      # restarts on a ZDOI clarification
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Public kinds: problems unless held, question texts only after staff approve them.
    text_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[HiddenReason | None] = mapped_column(Enum(HiddenReason, native_enum=False, length=32))
    # The filer token is derived (signals/tokens.py); only its generation and sha256 are stored.
    filer_token_hash: Mapped[str | None] = mapped_column(String(64))
    filer_token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=16), default=Channel.web,
                                             server_default="web")
    # A repeat appeal names one of the filer's earlier items; both pages link to each other.
    refers_to_id: Mapped[int | None] = mapped_column(ForeignKey("signals.id", ondelete="SET NULL"))
    # An information request's preferred form of access (ZDOI art. 26(1)), one of ACCESS_FORMS.
    access_form: Mapped[str | None] = mapped_column(String(32))

    category: Mapped[Category] = relationship()
    department: Mapped[Department] = relationship()
    area: Mapped[Area | None] = relationship()
    assignee = relationship("User", foreign_keys=[assignee_id])
    filer: Mapped["FilerContact | None"] = relationship(back_populates="signal", uselist=False,
                                                        cascade="all, delete-orphan")
    updates: Mapped[list["Update"]] = relationship(back_populates="signal", order_by="Update.id",
                                                   cascade="all, delete-orphan")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="signal", order_by="Attachment.id",
                                                           cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The map's points answer "in this small box AND recent" (larger views read map_cells). Chosen by EXPLAIN
        # at 1,000,000 items (bench/bench_map_index.py): GiST(location, registered_at) 21 ms for a dense block
        # against 60 ms for GiST(location) + btree(registered_at); a partial index on public rows was no better.
        Index("ix_signals_location_registered_at", "location", "registered_at", postgresql_using="gist"),
        Index("ix_signals_registered_at", "registered_at"),
        Index("ix_signals_department_status", "department_id", "status"),
        Index("ix_signals_user_id", "user_id"),
        # Rare references, looked up by the item page (later items that name this one), the console ("mine") and
        # the ON DELETE SET NULL of their foreign keys: partial, so the NULLs of nearly every row cost nothing.
        Index("ix_signals_refers_to_id", "refers_to_id", postgresql_where=text("refers_to_id IS NOT NULL")),
        Index("ix_signals_assignee_id", "assignee_id", postgresql_where=text("assignee_id IS NOT NULL")),
        Index("ix_signals_registered_by_id", "registered_by_id", postgresql_where=text("registered_by_id IS NOT NULL")),
    )

    def __repr__(self) -> str:
        return f"<Signal {self.number}>"


class FilerContact(db.Model):
    """The sender snapshot: personal data in its own row, never selected by public queries."""

    __tablename__ = "filer_contacts"
    # A claim (and an operator's lookup of a caller) finds earlier items by the filer's address, in any case.
    __table_args__ = (Index("ix_filer_contacts_email_lower", func.lower(text("email")),
                            postgresql_where=text("email <> ''")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    person_name: Mapped[str] = mapped_column(String(300), default="")    # three names
    organisation: Mapped[str] = mapped_column(String(300), default="")
    organisation_seat: Mapped[str] = mapped_column(String(300), default="")
    eik: Mapped[str] = mapped_column(String(13), default="")             # ЕИК / БУЛСТАТ
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    signal: Mapped[Signal] = relationship(back_populates="filer")


class UpdateKind(str, enum.Enum):
    """What an entry of the history records."""

    registered = "registered"
    status_change = "status_change"
    public_reply = "public_reply"
    filer_reply = "filer_reply"
    internal_note = "internal_note"
    clarification_request = "clarification_request"
    clarification_answer = "clarification_answer"
    reroute = "reroute"
    forward = "forward"
    decision = "decision"
    extension = "extension"
    kind_change = "kind_change"
    category_change = "category_change"
    relocation = "relocation"
    moderation = "moderation"
    notice = "notice"
    assignment = "assignment"
    redaction = "redaction"
    consent_request = "consent_request"  # ZDOI art. 31: a third party's consent asked for
    due_moved = "due_moved"          # a calendar change moved the due date (a day made non-working)
    reminder = "reminder"            # staff were reminded of the deadline (internal)
    fix_question = "fix_question"      # a resolved problem's filer is asked "Is it fixed?"
    fix_answer = "fix_answer"          # their yes or no (and comment)
    communication = "communication"    # the date a decision reached the requester (starts the appeal's days)


class Visibility(str, enum.Enum):
    """Who reads an entry of the history."""

    public = "public"
    filer = "filer"
    internal = "internal"


class Update(db.Model):
    """One entry of an item's history; the history page is a query over these."""

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[UpdateKind] = mapped_column(Enum(UpdateKind, native_enum=False, length=32))
    visibility: Mapped[Visibility] = mapped_column(Enum(Visibility, native_enum=False, length=16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    old_status: Mapped[Status | None] = mapped_column(Enum(Status, native_enum=False, length=32))
    new_status: Mapped[Status | None] = mapped_column(Enum(Status, native_enum=False, length=32))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))

    signal: Mapped[Signal] = relationship(back_populates="updates")
    delivery: Mapped[Delivery | None] = relationship()    # a notice's proof: its outbox row


class Attachment(db.Model):
    """A file attached to an item (a photo of a problem, a document of a letter); stored outside static/."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    # signals.virus_scan: not_scanned (no scanner set), clean, pending (the scanner was unreachable), infected
    scan_status: Mapped[str] = mapped_column(String(16), default="not_scanned", server_default="not_scanned")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    signal: Mapped[Signal] = relationship(back_populates="attachments")
    update: Mapped[Update | None] = relationship()


class Supporter(db.Model):
    """One "this is my problem too" on a public signal: per browser (a hashed cookie) or per account.

    Kept outside the item's versioned row, so a supporter never makes a staff form stale."""

    __tablename__ = "supporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))     # sha256 of the browser's cookie, or of "user:<id>"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("uq_supporters_signal_key", "signal_id", "key", unique=True),)


class RegistryCounter(db.Model):
    """The last number given per registry code and local year."""

    __tablename__ = "registry_counters"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CannedResponse(db.Model):
    """A department's ready answer in one language, with placeholders ({number}, {date}, {department}, and
    {name} for replies to the filer only), filled in before sending and editable."""

    __tablename__ = "canned_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CalendarDay(db.Model):
    """Whether a local date is a working day; filled by `flask calendar sync`, edited by admins."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))     # weekend | holiday | workday | admin
    note: Mapped[str] = mapped_column(String(200), default="")


class BlockedAddress(db.Model):
    """An entry of the moderators' blocklist: one mailbox (`name@example.org`, compared as app.mail.addresses.mailbox
    does) or a whole domain with its subdomains (`@spam.example`). A public report filed from a blocked address
    waits for review, and no mail goes to it (signals/services/blocklist.py)."""

    __tablename__ = "blocked_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(254), unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User", foreign_keys=[created_by_id])


__all__ = ["Signal", "FilerContact", "Update", "UpdateKind", "Visibility", "Attachment",
           "RegistryCounter", "CalendarDay", "HiddenReason", "BlockedAddress"]
