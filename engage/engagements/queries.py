"""Finding engagements for the list, the calendars and the detail page (all through `visible`)."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from engage.auth.models import User
from engage.engagements.models import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    Engagement,
    EngagementParticipant,
    engagement_topics,
)
from engage.engagements.services import FEED_SCOPES, scoped, visible
from engage.errors import NotFoundError
from engage.extensions import db
from engage.fulltext.query import list_filter
from engage.ids import id_arg
from engage.people.models import Person

WHEN = ("upcoming", "past", "all")


def int_arg(args: Mapping[str, str], name: str) -> int | None:
    return id_arg(args, name)


def date_arg(args: Mapping[str, str], name: str) -> date | None:
    try:
        return datetime.strptime(args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    kind: str = ""
    forum_id: int | None = None
    topic_id: int | None = None
    country: str = ""
    mine: bool = False
    scope: str = "team"  # calendar: mine / following / team
    date_from: date | None = None
    date_to: date | None = None
    when: str = "upcoming"  # upcoming / past / all

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "Filters":
        """The filters a list or calendar URL asks for; anything unreadable is ignored."""
        return cls(
            q=args.get("q", "").strip()[:200],
            status=args.get("status", ""),
            kind=args.get("kind", ""),
            forum_id=int_arg(args, "forum"),
            topic_id=int_arg(args, "topic"),
            country=args.get("country", "").strip()[:2],
            mine=args.get("mine") == "1",
            scope=args.get("scope") if args.get("scope") in FEED_SCOPES else "team",
            date_from=date_arg(args, "from"),
            date_to=date_arg(args, "to"),
            when=args.get("when") if args.get("when") in WHEN else "upcoming",
        )


def filtered(user: User, filters: Filters, now: datetime | None = None) -> Select:
    """The list query: search, filters, and upcoming (by default) or past."""
    now = now or datetime.now(UTC)
    stmt = scoped(user, "following" if filters.mine else filters.scope)
    if filters.q:
        stmt = stmt.where(list_filter("engagements", filters.q, Engagement.id))
    if filters.status in ENGAGEMENT_STATUSES:
        stmt = stmt.where(Engagement.status == filters.status)
    if filters.kind in ENGAGEMENT_KINDS:
        stmt = stmt.where(Engagement.kind == filters.kind)
    if filters.forum_id:
        stmt = stmt.where(Engagement.forum_id == filters.forum_id)
    if filters.topic_id:
        stmt = stmt.where(
            Engagement.id.in_(
                select(engagement_topics.c.engagement_id).where(engagement_topics.c.topic_id == filters.topic_id)
            )
        )
    if filters.country:
        stmt = stmt.where(Engagement.country == filters.country.upper())
    if filters.date_from:
        stmt = stmt.where(Engagement.ends_at >= datetime.combine(filters.date_from, datetime.min.time(), UTC))
    if filters.date_to:
        stmt = stmt.where(
            Engagement.starts_at < datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time(), UTC)
        )
    if not (filters.date_from or filters.date_to):
        if filters.when == "upcoming":
            stmt = stmt.where(Engagement.ends_at >= now)
        elif filters.when == "past":
            stmt = stmt.where(Engagement.ends_at < now)
    descending = filters.when == "past" and not (filters.date_from or filters.date_to)
    order = (Engagement.starts_at.desc(), Engagement.id.desc()) if descending else (Engagement.starts_at, Engagement.id)
    return stmt.order_by(*order).options(
        selectinload(Engagement.forum), selectinload(Engagement.speakers), selectinload(Engagement.topics)
    )


def in_range(user: User, filters: Filters, start: datetime, end: datetime) -> list[Engagement]:
    """Engagements overlapping [start, end) for the calendar views, in start order."""
    filters = replace(filters, when="all", date_from=None, date_to=None)
    stmt = filtered(user, filters).where(Engagement.starts_at < end, Engagement.ends_at > start)
    return list(db.session.execute(stmt).scalars().unique())


def for_detail(engagement_id: int, user: User) -> Engagement:
    """The engagement with what its page shows; NotFoundError when `user` may not see it."""
    stmt = (
        visible(user)
        .where(Engagement.id == engagement_id)
        .options(
            selectinload(Engagement.forum),
            selectinload(Engagement.speakers),
            selectinload(Engagement.followers),
            selectinload(Engagement.topics),
            selectinload(Engagement.agenda_items),
            selectinload(Engagement.participants)
            .selectinload(EngagementParticipant.person)
            .selectinload(Person.emails),
        )
    )
    engagement = db.session.execute(stmt).scalars().unique().one_or_none()
    if engagement is None:
        raise NotFoundError()
    return engagement
