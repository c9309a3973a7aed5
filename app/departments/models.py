"""Department, Category, RoutingRule and Membership."""

from __future__ import annotations

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.kinds import Kind
from app.localized import Localized


class Department(Localized, db.Model):
    """A unit of the administration that handles items; one is the contact centre's triage."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address_bg: Mapped[str] = mapped_column(Text, default="")
    address_en: Mapped[str] = mapped_column(Text, default="")
    address_ru: Mapped[str] = mapped_column(Text, default="")
    is_triage: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        # At most one triage department: the fallback of routing.
        Index("uq_departments_triage", "is_triage", unique=True, postgresql_where=text("is_triage")),
    )

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class Category(Localized, db.Model):
    """What an item is about; its stable code is used by the API and the map filter."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[Kind] = mapped_column(Enum(Kind, native_enum=False, length=16))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    department: Mapped[Department] = relationship()

    def __repr__(self) -> str:
        return f"<Category {self.code}>"


class RoutingRule(db.Model):
    """Category (and optionally district) → department; the most specific rule wins."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))

    category: Mapped[Category] = relationship()
    department: Mapped[Department] = relationship()

    __table_args__ = (
        UniqueConstraint("category_id", "area_id", name="uq_routing_rules_category_area"),
        # NULL area = the category-wide rule; unique constraints treat NULLs as distinct.
        Index("uq_routing_rules_category_default", "category_id", unique=True,
              postgresql_where=text("area_id IS NULL")),
    )


class Membership(db.Model):
    """A staff member's place in a department; managers may assign and reroute."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    is_manager: Mapped[bool] = mapped_column(Boolean, default=False)
    # ZDOI: the head of the body or an official expressly authorised decides information requests (and extends
    # their deadline); the authorisation is per person and department.
    may_decide: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")

    user = relationship("User", back_populates="memberships")
    department: Mapped[Department] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "department_id", name="uq_memberships_user_department"),)
