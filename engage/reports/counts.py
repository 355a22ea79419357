"""Consultations per month, topic and confidentiality, kept for the consultations-by-topic report, and
the reader rule every counts table of the reports shares.

A reader sees the counts of their tier (admins: every confidentiality; editors: all but restricted;
viewers: normal) plus, counted live, the consultations beyond their tier that `visible_consultations`
lets them see (their own, as staff): exactly the consultations `visible_consultations(user)` gives.
"""

from datetime import date

from sqlalchemy import (
    Date,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union_all,
)

from engage.auth.models import User
from engage.auth.permissions import can_read, can_write, is_admin, visible_consultations
from engage.consultations.models import CONFIDENTIALITY, Consultation, consultation_staff, consultation_topics
from engage.reports.models import ALL_TOPICS, NO_TOPIC, ConsultationMonthCount

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
TIERS = (VIEWER, EDITOR, ADMIN)


def dialect_of(session) -> str:
    """'sqlite' or 'postgresql', for a Session or a Connection (the migration's)."""
    bind = session if hasattr(session, "dialect") else session.get_bind()
    return bind.dialect.name


def tier_of(user: User | None) -> str | None:
    """The counts tier `user` reads, or None when they may read nothing."""
    if not can_read(user):
        return None
    return ADMIN if is_admin(user) else EDITOR if can_write(user) else VIEWER


def in_tier(tier: str, confidentiality):
    """SQL: a consultation of this `confidentiality` (a column) is in `tier`'s counts."""
    if tier == ADMIN:
        return true()
    return confidentiality != "restricted" if tier == EDITOR else confidentiality == "normal"


def beyond_tier(tier: str, confidentiality):
    """SQL: the consultations not in `tier`'s counts (the complement of `in_tier`, as a range an index reads)."""
    levels = [c for c in CONFIDENTIALITY if c != "normal" and (tier == VIEWER or c == "restricted")]
    return confidentiality.in_(levels)


def reader_rule(user: User | None):
    """(tier, extra): the counts tier `user` reads, and the SQL condition on Consultation of the ones
    beyond it they may also see, to be counted live (None when there are none, or nothing at all)."""
    tier = tier_of(user)
    if tier in (None, ADMIN):
        return tier, None
    staff = exists().where(consultation_staff.c.user_id == user.id)  # once per statement: most readers are on none
    return tier, and_(staff, beyond_tier(tier, Consultation.confidentiality), visible_consultations(user, scan=True))


def month_of(column, dialect: str):
    """SQL: the first day of the month of `column` (a date)."""
    if dialect == "postgresql":
        return cast(func.date_trunc("month", column), Date)
    return func.date(column, "start of month")


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


# --- writing ------------------------------------------------------------------------------------------


def _grouped(dialect: str, where):
    """SELECT (month, confidentiality, topic_id, n) of the consultations matching `where`."""
    month = month_of(Consultation.held_on, dialect).label("month")
    topic = func.coalesce(consultation_topics.c.topic_id, NO_TOPIC).label("topic_id")
    tagged = (
        select(month, Consultation.confidentiality, topic, func.count().label("n"))
        .select_from(Consultation)
        .outerjoin(consultation_topics, consultation_topics.c.consultation_id == Consultation.id)
        .where(where)
        .group_by(month, Consultation.confidentiality, topic)
    )
    totals = (
        select(month, Consultation.confidentiality, literal_column(str(ALL_TOPICS)), func.count())
        .where(where)
        .group_by(month, Consultation.confidentiality)
    )
    return union_all(tagged, totals)


def _write(session, where, rows_where) -> None:
    table = ConsultationMonthCount.__table__
    session.execute(delete(table).where(rows_where))
    columns = ["month", "confidentiality", "topic_id", "n"]
    session.execute(insert(table).from_select(columns, _grouped(dialect_of(session), where)))


def refresh_months(session, keys: set[tuple[date, str]]) -> None:
    """Recompute the counts of these (month's first day, confidentiality) buckets from the consultations."""
    if not keys:
        return
    keys = sorted({(date(m.year, m.month, 1), c) for m, c in keys})
    held = or_(
        *(
            and_(Consultation.confidentiality == c, Consultation.held_on >= m, Consultation.held_on < next_month(m))
            for m, c in keys
        )
    )
    table = ConsultationMonthCount.__table__
    _write(session, held, tuple_(table.c.month, table.c.confidentiality).in_(keys))


def rebuild_months(session) -> None:
    """Every month's counts from scratch (the demo seeder, `engage recount`, the migration)."""
    _write(session, true(), true())


def month_differences(session) -> int:
    """How many rows of consultation_month_counts differ from a count from scratch (`engage recount --check`)."""
    table = ConsultationMonthCount.__table__
    kept = {(day_of(m), c, t, n) for m, c, t, n in session.execute(select(*table.c))}
    fresh = {(day_of(m), c, t, n) for m, c, t, n in session.execute(_grouped(dialect_of(session), true()))}
    return len(kept ^ fresh)


def day_of(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- reading ------------------------------------------------------------------------------------------


def month_counts(session, user: User | None, start: date, end: date, bucket):
    """{(bucket, topic_id): n} of the consultations `user` may see held in [start, end): `bucket(column)`
    is the SQL bucket (e.g. the quarter's index) of a date column. topic_id is NO_TOPIC or ALL_TOPICS too."""
    tier, extra = reader_rule(user)
    if tier is None:
        return {}
    table = ConsultationMonthCount.__table__
    kept = (
        select(bucket(table.c.month).label("b"), table.c.topic_id, func.sum(table.c.n))
        .where(table.c.month >= start, table.c.month < end, in_tier(tier, table.c.confidentiality))
        .group_by("b", table.c.topic_id)
    )
    found: dict[tuple, int] = {}
    for b, topic_id, n in session.execute(kept):
        found[(b, topic_id)] = int(n)
    if extra is not None:  # their own consultations beyond their tier: few, counted live
        where = and_(Consultation.held_on >= start, Consultation.held_on < end, extra)
        for b, topic_id, n in session.execute(_live(where, bucket)):
            found[(b, topic_id)] = found.get((b, topic_id), 0) + n
    return found


def _live(where, bucket):
    topic = func.coalesce(consultation_topics.c.topic_id, NO_TOPIC).label("topic_id")
    b = bucket(Consultation.held_on).label("b")
    tagged = (
        select(b, topic, func.count())
        .select_from(Consultation)
        .outerjoin(consultation_topics, consultation_topics.c.consultation_id == Consultation.id)
        .where(where)
        .group_by(b, topic)
    )
    totals = select(b, literal_column(str(ALL_TOPICS)), func.count()).where(where).group_by(b)
    return union_all(tagged, totals)


def recount_months(session, user: User | None, start: date, end: date, bucket):
    """The same figures as `month_counts`, counted from the consultations (the old query: tests, --check)."""
    return {
        (b, t): n
        for b, t, n in session.execute(
            _live(and_(Consultation.held_on >= start, Consultation.held_on < end, visible_consultations(user)), bucket)
        )
    }
