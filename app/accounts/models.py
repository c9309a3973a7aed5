"""User accounts and roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Enum, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db


class Role(str, enum.Enum):
    """What a person may do beyond the public pages."""

    resident = "resident"
    staff = "staff"
    operator = "operator"
    admin = "admin"


class User(UserMixin, db.Model):
    """A registered person or company representative, a staff member, an operator or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16), default=Role.resident)
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", lazy="selectin")  # noqa: F821

    @property
    def is_active(self) -> bool:  # Flask-Login
        """Disabled accounts cannot log in."""
        return self.active

    def department_ids(self) -> set[int]:
        """Departments this user works in (staff and managers)."""
        return {m.department_id for m in self.memberships}

    def manages(self, department_id: int) -> bool:
        """Whether this user is a manager of the department."""
        return any(m.department_id == department_id and m.is_manager for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
