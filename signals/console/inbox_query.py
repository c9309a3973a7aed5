"""The inbox as SQL: what a console user's filters select, in their inboxes only (and only what the access module
lets them see), with counts per status and the working-day arithmetic done by PostgreSQL on the calendar table.

Every filter comes from the query string and is forgiving: an unknown value means "all", never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.accounts.models import User
from app.extensions import db
from app.kinds import Kind
from app.web.fields import whole_number as _int
from signals import access, deadlines, registry, workflow
from signals.models import CalendarDay, Channel, Signal
from signals.workflow import Status

PAGE = 25
MAX_DUE_WITHIN = 60
SORTS = {"new": (Signal.registered_at.desc(), Signal.id.desc()), "old": (Signal.registered_at, Signal.id),
         "due": (Signal.due_on.asc().nulls_last(), Signal.id)}
OPEN_STATUSES = sorted((s for s in Status if workflow.is_open(s)), key=lambda s: s.value)


def _enum(enum_class, value: str):
    try:
        return enum_class(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows: one department (or all of the user's), and the filters of the form."""

    department_id: int | None = None
    status: Status | None = None
    open_only: bool = True        # the default view: items still being worked on
    kind: Kind | None = None
    category_id: int | None = None
    area_id: int | None = None
    assignee: str = ""            # "", "me", "none", or a user id
    channel: Channel | None = None
    overdue: bool = False
    due_within: int | None = None  # working days from today
    q: str = ""
    sort: str = "new"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "InboxFilter":
        """The filter of a query string; anything unknown is ignored."""
        assignee, status = args.get("assignee", ""), args.get("status")
        return cls(department_id=_int(args.get("department", "")), status=_enum(Status, status or ""),
                   open_only=status in (None, "open"),
                   kind=_enum(Kind, args.get("kind", "")), category_id=_int(args.get("category", "")),
                   area_id=_int(args.get("district", "")),
                   assignee=assignee if assignee in ("me", "none") or _int(assignee) else "",
                   channel=_enum(Channel, args.get("channel", "")), overdue=args.get("overdue") == "1",
                   due_within=_int(args.get("due_within", ""), 1, MAX_DUE_WITHIN),
                   q=" ".join(args.get("q", "").split())[:100], sort=args.get("sort") if args.get("sort") in SORTS
                   else "new", page=_int(args.get("page", ""), 1, 100_000) or 1)

    def args(self, **changes) -> dict:
        """The query string of this filter (with changes), without defaults: for links and pagination."""
        f = replace(self, **changes)
        status = f.status.value if f.status else (None if f.open_only else "all")
        values = {"department": f.department_id, "status": status, "kind": f.kind and
                  f.kind.value, "category": f.category_id, "district": f.area_id, "assignee": f.assignee,
                  "channel": f.channel and f.channel.value, "overdue": "1" if f.overdue else None,
                  "due_within": f.due_within, "q": f.q, "sort": None if f.sort == "new" else f.sort,
                  "page": None if f.page == 1 else f.page}
        return {key: value for key, value in values.items() if value not in (None, "")}


def _inboxes(department_ids: list[int], f: InboxFilter) -> list[int]:
    chosen = [f.department_id] if f.department_id in department_ids else department_ids
    return chosen or [-1]


def filtered(user: User, department_ids: list[int], f: InboxFilter, *, with_status: bool = True) -> Select:
    """The items of the user's inboxes that the filter selects and the user may see."""
    query = select(Signal).where(Signal.department_id.in_(_inboxes(department_ids, f)), access.visible(user))
    if with_status and f.status:
        query = query.where(Signal.status == f.status)
    elif with_status and f.open_only:
        query = query.where(Signal.status.in_(OPEN_STATUSES))
    for column, value in ((Signal.kind, f.kind), (Signal.category_id, f.category_id), (Signal.area_id, f.area_id),
                          (Signal.channel, f.channel)):
        if value is not None:
            query = query.where(column == value)
    if f.assignee:
        query = query.where(Signal.assignee_id.is_(None) if f.assignee == "none" else
                            Signal.assignee_id == (user.id if f.assignee == "me" else int(f.assignee)))
    today = clock.today()
    if f.overdue:
        query = query.where(Signal.status.in_(workflow.RUNNING), Signal.due_on < today)
    if f.due_within:
        query = query.where(Signal.status.in_(workflow.RUNNING), Signal.due_on >= today,
                            Signal.due_on <= deadlines.nth_working_day_after(today, f.due_within))
    if f.q:                 # a number (any forgiven spelling) or words found in the title or the text
        number = registry.normalize(f.q)
        words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in f.q.split()[:8]]
        text = and_(*[or_(Signal.title.ilike(f"%{w}%", escape="\\"), Signal.description.ilike(f"%{w}%", escape="\\"))
                      for w in words])
        query = query.where(or_(Signal.number == number, text) if number else text)
    return query


def page_of(user: User, department_ids: list[int], f: InboxFilter) -> tuple[list[Signal], int]:
    """One page of the filtered items in the filter's order, and how many there are in all."""
    query = filtered(user, department_ids, f)
    total = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
    items = db.session.scalars(query.options(selectinload(Signal.assignee), selectinload(Signal.category),
                                             selectinload(Signal.area))
                               .order_by(*SORTS[f.sort]).offset((f.page - 1) * PAGE).limit(PAGE)).all()
    return list(items), total


def waiting_count(user: User, department_ids: list[int]) -> int:
    """New items nobody has taken yet in the user's inboxes (registered, unassigned): the console's notice."""
    return db.session.scalar(select(func.count()).select_from(Signal).where(
        Signal.department_id.in_(department_ids or [-1]), access.visible(user), Signal.status == Status.registered,
        Signal.assignee_id.is_(None))) or 0


def status_counts(user: User, department_ids: list[int], f: InboxFilter) -> dict[Status, int]:
    """How many items the other filters select, per status (the status filter itself left out)."""
    query = filtered(user, department_ids, f, with_status=False).subquery()
    rows = db.session.execute(select(query.c.status, func.count()).group_by(query.c.status)).all()
    return {status: count for status, count in rows}
