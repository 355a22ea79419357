"""Reading the audit log: the admin's filters and the choices they offer."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.ids import id_arg
from engage.templating import RECORD_PAGES as RECORD_PAGES_EVERYONE


def _date(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


@dataclass
class AuditFilters:
    user: int | None = None
    action: str = ""
    record_type: str = ""
    record_id: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        """The filters of the log page's query arguments; a malformed id or date is ignored."""
        return cls(
            user=id_arg(args, "user"),
            action=args.get("action", ""),
            record_type=args.get("record_type", ""),
            record_id=id_arg(args, "record_id"),
            since=_date(args.get("since")),
            until=_date(args.get("until")),
        )

    @property
    def filtered(self) -> bool:
        return any(value not in (None, "") for value in vars(self).values())


def events_query(filters: AuditFilters) -> Select:
    """The events matching `filters`, newest first, with who acted loaded alongside."""
    stmt = select(AuditEvent).options(selectinload(AuditEvent.user)).order_by(AuditEvent.id.desc())
    if filters.user is not None:
        stmt = stmt.where(AuditEvent.user_id == filters.user)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.record_type:
        stmt = stmt.where(AuditEvent.record_type == filters.record_type)
    if filters.record_id is not None:
        stmt = stmt.where(AuditEvent.record_id == filters.record_id)
    if filters.since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.since, time.min, UTC))
    if filters.until:
        stmt = stmt.where(AuditEvent.at <= datetime.combine(filters.until, time.max, UTC))
    return stmt


def _distinct(column) -> list[tuple[str, str]]:
    return [(v, v) for v in db.session.execute(select(column).distinct().order_by(column)).scalars()]


def actions() -> list[tuple[str, str]]:
    """The actions the log holds, as (value, label) pairs for the filter."""
    return _distinct(AuditEvent.action)


def record_types() -> list[tuple[str, str]]:
    """The record types the log holds (one per model: its table's name)."""
    return _distinct(AuditEvent.record_type)


# The page of each kind of record (by its audit record type, the table name) and the id argument;
# kinds without a page of their own (points raised, memberships …) are shown as text. The log is
# for admins, so a user links to their account rather than the people they look after.
RECORD_PAGES = {
    **RECORD_PAGES_EVERYONE,
    "documents": ("briefings.download", "document_id"),
    "topics": ("topics.edit", "topic_id"),
    "users": ("auth.edit_user", "user_id"),
}
