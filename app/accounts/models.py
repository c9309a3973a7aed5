"""User accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, DateTime, Enum, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Role(str, enum.Enum):
    """What a person may do beyond the public pages."""

    resident = "resident"
    staff = "staff"
    operator = "operator"
    admin = "admin"


class AccountKind(str, enum.Enum):
    """Who the account speaks for: a person, or an organisation through its representative."""

    person = "person"
    organisation = "organisation"


class User(UserMixin, db.Model):
    """A registered person or company representative, a staff member, an operator or an admin.

    `email` is stored normalised (lower case, the domain as its A-label) and is unique in that form. The names
    and addresses are what a private item's sender snapshot is filled from; never a personal identity number.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16), default=Role.resident)
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kind: Mapped[AccountKind] = mapped_column(Enum(AccountKind, native_enum=False, length=16),
                                              default=AccountKind.person, server_default="person")
    first_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    middle_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    last_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    seat: Mapped[str] = mapped_column(String(200), default="", server_default="")
    org_id: Mapped[str] = mapped_column(String(13), default="", server_default="")     # ЕИК/БУЛСТАТ, optional
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)      # a code's time step is used once
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", lazy="selectin")  # noqa: F821

    @property
    def is_active(self) -> bool:  # Flask-Login
        """Disabled accounts cannot log in."""
        return self.active

    @property
    def confirmed(self) -> bool:
        """Whether the address was confirmed: until then the account may only confirm or change it."""
        return self.confirmed_at is not None

    @property
    def two_factor(self) -> bool:
        """Whether login asks for a one-time code after the password."""
        return bool(self.totp_secret)

    @property
    def name(self) -> str:
        """The name shown in the header and given as the sender: the person's names or the organisation's."""
        if self.kind == AccountKind.organisation and self.organisation:
            return self.organisation
        joined = " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)
        return joined or self.display_name or self.email

    def department_ids(self) -> set[int]:
        """Departments this user works in (staff and managers)."""
        return {m.department_id for m in self.memberships}

    def manages(self, department_id: int) -> bool:
        """Whether this user is a manager of the department."""
        return any(m.department_id == department_id and m.is_manager for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class WebSession(db.Model):
    """A logged-in browser (convention 11): user, created, last seen. The cookie holds a random id; the row holds
    its SHA-256, so a copy of the table opens no session. Deleting a user's rows logs them out everywhere."""

    __tablename__ = "web_session"
    __table_args__ = (Index("ix_web_session_user_id", "user_id"), Index("ix_web_session_last_seen_at", "last_seen_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)          # sha256 of the cookie's value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    agent: Mapped[str] = mapped_column(String(120), default="")        # "Chrome / Linux", for the session list


class TokenPurpose(str, enum.Enum):
    """What a mailed single-use link does."""

    confirm = "confirm"          # confirm a new account's address
    reset = "reset"              # set a new password
    change_email = "change_email"  # confirm a new address before it replaces the old one
    claim = "claim"              # confirm that an item filed earlier from this address is the account's


class AccountToken(db.Model):
    """A single-use link sent by mail; only its SHA-256 is stored. `email` is the address it was sent to."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(Enum(TokenPurpose, native_enum=False, length=16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(400))     # what the link acts on: claimed item numbers
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecoveryCode(db.Model):
    """One of ten one-time codes that replace the authenticator once each; stored as an argon2 hash."""

    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
