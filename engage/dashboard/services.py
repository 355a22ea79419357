"""What the home page shows a user: what needs them today, each number with the list behind it.

Every number is the row count of the very query its list page runs (the same function with the
same filters), so following the link shows exactly that many rows; restricted consultations are
left out by those queries for whoever may not see them. A fixed number of statements whatever the
data size (tests/dashboard).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import url_for
from sqlalchemy import Select, func, select

from engage import choices
from engage.auth.models import User
from engage.auth.permissions import documents_listed_for
from engage.briefings.models import Document
from engage.consultations import queries as consultation_queries
from engage.consultations import register
from engage.dashboard import alerts
from engage.engagements import queries as engagement_queries
from engage.extensions import db
from engage.forums import services as forums
from engage.helplines import services as helplines
from engage.people import queries as people_queries

SHOWN = 6
UPCOMING_DAYS = 14


@dataclass
class Figure:
    """One number on the home page and the list it links to."""

    key: str
    label: str
    count: int
    href: str


@dataclass
class Home:
    engagements: list
    briefings: dict  # engagement id -> the reader's latest briefing pack of it (a Document)
    commitments: list
    figures: dict[str, Figure]
    alerts: list
    today: date
    cooling: int = choices.COOLING_DEFAULT
    cooling_choices: tuple = field(default=choices.COOLING_MONTHS)


def _count(stmt: Select) -> int:
    return db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def _upcoming_filters(today: date) -> engagement_queries.Filters:
    return engagement_queries.Filters(mine=True, date_from=today, date_to=today + timedelta(days=UPCOMING_DAYS - 1))


def _briefings(user: User, engagement_ids: list[int]) -> dict[int, Document]:
    """The newest briefing pack the reader made (or, for admins, anyone made) of each engagement."""
    if not engagement_ids:
        return {}
    rows = db.session.execute(
        select(Document)
        .where(Document.kind == "briefing", Document.engagement_id.in_(engagement_ids), documents_listed_for(user))
        .order_by(Document.created_at)
    ).scalars()
    return {d.engagement_id: d for d in rows}


def home(user: User, cooling: int | None = None, now: datetime | None = None) -> Home:
    now = now or datetime.now(UTC)
    today = now.date()
    months = cooling if cooling in choices.COOLING_MONTHS else choices.COOLING_DEFAULT
    figures: dict[str, Figure] = {}

    def figure(key: str, label: str, stmt: Select, href: str) -> None:
        figures[key] = Figure(key, label, _count(stmt), href)

    # My engagements in the next 14 days: the engagements list's own query and filters.
    upcoming = _upcoming_filters(today)
    upcoming_stmt = engagement_queries.filtered(user, upcoming, now)
    figure(
        "engagements",
        f"engagements of yours in the next {UPCOMING_DAYS} days",
        upcoming_stmt,
        url_for(
            "engagements.index", mine=1, **{"from": upcoming.date_from.isoformat(), "to": upcoming.date_to.isoformat()}
        ),
    )
    engagements = list(db.session.execute(upcoming_stmt.limit(SHOWN)).scalars())

    # My commitments: open, and overdue among them (the register's queries).
    mine = register.Filters(scope="mine", due="open", today=today)
    figure("open", "open commitments", register.register_query(user, mine), url_for("commitments.index", scope="mine"))
    overdue = register.Filters(scope="mine", due="overdue", today=today)
    figure(
        "overdue",
        "overdue",
        register.register_query(user, overdue),
        url_for("commitments.index", scope="mine", due="overdue"),
    )
    owed = list(db.session.execute(register.register_query(user, mine).limit(SHOWN)).scalars())

    # People I own not contacted for `months` months (the people list's query).
    cooling_args = {"owner": "me", "cooling": str(months)}
    figure(
        "cooling",
        f"people you look after not contacted for {months} months",
        people_queries.list_query(people_queries.for_reader(cooling_args, user), user),
        url_for("people.index", **cooling_args),
    )
    figure(
        "stale",
        "helplines to re-verify",
        helplines.list_query(helplines.HelplineFilters(stale=True, today=today)),
        url_for("helplines.index", stale=1),
    )
    figure(
        "ending",
        "forums with member terms ending in 90 days",
        forums.list_query(forums.ForumFilters(ending=True, today=today)),
        url_for("forums.index", ending=1),
    )
    figure(
        "awaiting",
        "consultations of yours with points awaiting a decision",
        consultation_queries.consultation_query(user, staff_id=user.id, awaiting=True),
        url_for("consultations.index", staff="me", awaiting=1),
    )
    return Home(
        engagements=engagements,
        briefings=_briefings(user, [e.id for e in engagements]),
        commitments=owed,
        figures=figures,
        alerts=alerts.alerts_for(user, today, months=months),
        today=today,
        cooling=months,
    )
