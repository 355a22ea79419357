"""Experts met per topic, region and stakeholder kind over a rolling 12 months, kept for the coverage report.

Distinct people over a rolling window are not sums of monthly figures, so two tables are kept, as of a
day (`coverage_state.asof`): `coverage_pairs`, one row per (person, topic, tier) with the last day in the
12 months to `asof` they were met on that topic (a consultation's participant, or an engagement's, not
cancelled and not declined) and the region of their country and the kind of their current organisation on
`asof`; and `coverage_counts`, those rows counted per tier, month or day of that last meeting, topic,
region and kind. "Met in the 12 months to `asof`" is then one range of the counts: the whole months,
and the days of the first, partial one.

The people the counts cannot answer for are counted live by the old query, after their rows are taken
out of the counts, so the figures are exactly the old query's (and a person met both openly and in a
restricted consultation counts once):
- people in one of the reader's own consultations beyond their tier (their staff's restricted ones);
- when the report's day is after `asof`: people met since (their last day may be later) and people
  whose affiliation ended since (their kind may differ). A report for a day before `asof` is counted
  live whole.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    and_,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union,
    union_all,
)

from engage.auth.models import User
from engage.consultations.models import Consultation, consultation_people
from engage.engagements.models import Engagement, EngagementParticipant
from engage.organizations.models import Affiliation
from engage.people.models import Person
from engage.reports.counts import ADMIN, EDITOR, VIEWER, day_of, dialect_of, month_of, next_month, reader_rule
from engage.reports.coverage_live import (
    WINDOW_DAYS,
    current_kind,
    known_regions,
    live_cells,
    met_in_consultations,
    recount_cells,
    region_key,
    took_part_in_engagements,
    utc_day,
)
from engage.reports.models import CoverageCount, CoveragePair, CoverageState

CHUNK = 500  # people per refresh statement


# --- writing ---------------------------------------------------------------------------------------------


def _pairs_select(dialect: str, asof: date, people=None):
    """SELECT the coverage_pairs rows of `people` (all when None) as of `asof`, from the base tables."""
    since = asof - timedelta(days=WINDOW_DAYS)
    met_in = met_in_consultations(
        since, asof, people, columns=(Consultation.held_on.label("day"), Consultation.confidentiality.label("conf"))
    )
    took_part = took_part_in_engagements(
        since,
        asof,
        people,
        columns=(utc_day(Engagement.starts_at, dialect).label("day"), literal_column("'normal'").label("conf")),
    )
    met = union_all(met_in, took_part).subquery()
    last = (
        select(
            met.c.person_id,
            met.c.topic_id,
            func.max(case((met.c.conf == "normal", met.c.day))).label(VIEWER),
            func.max(case((met.c.conf != "restricted", met.c.day))).label(EDITOR),
            func.max(met.c.day).label(ADMIN),
        )
        .group_by(met.c.person_id, met.c.topic_id)
        .cte("last_met")
    )
    kind = current_kind(asof, people)
    known = known_regions()
    tiers = []
    for tier in (VIEWER, EDITOR, ADMIN):
        day = last.c[tier]
        tiers.append(
            select(
                last.c.person_id,
                last.c.topic_id,
                literal_column(f"'{tier}'"),
                day,
                func.coalesce(known.c.region, ""),
                func.coalesce(kind.c.kind, ""),
            )
            .join(Person, Person.id == last.c.person_id)
            .outerjoin(known, known.c.code == func.upper(Person.country))
            .outerjoin(kind, kind.c.person_id == last.c.person_id)
            .where(day.is_not(None))
        )
    return union_all(*tiers)


PAIR_COLUMNS = ["person_id", "topic_id", "tier", "last_on", "region", "kind"]
COUNT_COLUMNS = ["tier", "span", "start", "topic_id", "region", "kind", "n"]


def _counts_select(dialect: str, where):
    """SELECT coverage_counts rows (both spans) of the coverage_pairs matching `where`."""
    pairs = CoveragePair.__table__
    keys = (pairs.c.topic_id, pairs.c.region, pairs.c.kind)
    month = month_of(pairs.c.last_on, dialect)
    span, n = literal_column("'d'").label("span"), func.count().label("n")
    by_day = select(pairs.c.tier, span, pairs.c.last_on.label("start"), *keys, n).where(where)
    by_month = select(pairs.c.tier, literal_column("'m'"), month, *keys, func.count()).where(where)
    return union_all(
        by_day.group_by(pairs.c.tier, pairs.c.last_on, *keys), by_month.group_by(pairs.c.tier, month, *keys)
    )


def asof_day(session) -> date | None:
    """The day the coverage counts are as of (None before they were first built)."""
    found = session.execute(select(CoverageState.asof).where(CoverageState.id == 1)).scalar()
    return day_of(found) if found is not None else None


def _set_asof(session, day: date) -> None:
    table = CoverageState.__table__
    session.execute(delete(table))
    session.execute(insert(table).values(id=1, asof=day))


def refresh(session, people: set[int]) -> None:
    """Recompute the rows of these people from the base tables, then the counts those rows fall in."""
    ids = sorted(i for i in people if i is not None)
    if not ids:
        return
    asof = asof_day(session)
    if asof is None:  # never built (a database made by create_all): empty, so as of today
        asof = date.today()
        _set_asof(session, asof)
    pairs, counts = CoveragePair.__table__, CoverageCount.__table__
    dialect = dialect_of(session)
    key = (pairs.c.tier, pairs.c.topic_id, pairs.c.last_on)
    for chunk in _chunks(ids):
        dirty = set(session.execute(select(*key).where(pairs.c.person_id.in_(chunk))).all())
        session.execute(delete(pairs).where(pairs.c.person_id.in_(chunk)))
        session.execute(insert(pairs).from_select(PAIR_COLUMNS, _pairs_select(dialect, asof, chunk)))
        dirty |= set(session.execute(select(*key).where(pairs.c.person_id.in_(chunk))).all())
        buckets = {(t, topic, "d", day_of(d)) for t, topic, d in dirty}
        buckets |= {(t, topic, "m", day_of(d).replace(day=1)) for t, topic, d in dirty}
        for part in _chunks(sorted(buckets)):
            session.execute(
                delete(counts).where(tuple_(counts.c.tier, counts.c.topic_id, counts.c.span, counts.c.start).in_(part))
            )
            days = [(t, topic, d) for t, topic, span, d in part if span == "d"]
            months = {(t, topic, d) for t, topic, span, d in part if span == "m"}
            where = or_(
                tuple_(*key).in_(days) if days else false(),
                *(
                    and_(
                        pairs.c.tier == t,
                        pairs.c.topic_id == topic,
                        pairs.c.last_on >= m,
                        pairs.c.last_on < next_month(m),
                    )
                    for t, topic, m in sorted(months)
                ),
            )
            fresh = _counts_select(dialect, where).subquery()
            wanted = tuple_(fresh.c.tier, fresh.c.topic_id, fresh.c.span, fresh.c.start).in_(part)
            session.execute(insert(counts).from_select(COUNT_COLUMNS, select(fresh).where(wanted)))


def _last_day(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def rebuild(session, asof: date | None = None) -> None:
    """Every row from scratch as of `asof` (today): the demo seeder, `engage recount`, the migration."""
    asof = asof or date.today()
    dialect = dialect_of(session)
    session.execute(delete(CoverageCount.__table__))
    session.execute(delete(CoveragePair.__table__))
    session.execute(insert(CoveragePair.__table__).from_select(PAIR_COLUMNS, _pairs_select(dialect, asof)))
    session.execute(insert(CoverageCount.__table__).from_select(COUNT_COLUMNS, _counts_select(dialect, true())))
    _set_asof(session, asof)


def roll(session, today: date | None = None) -> int:
    """Move the counts on to `today`: recompute the people met, or whose affiliation ended, since their day.
    Returns how many people were recounted."""
    today = today or date.today()
    asof = asof_day(session)
    if asof is None or today <= asof:
        return 0
    people = set(session.execute(union(*_changed_since(asof, today))).scalars())
    _set_asof(session, today)
    refresh(session, people)
    return len(people)


def _changed_since(asof: date, today: date) -> list:
    """SELECTs of person_id: people met after `asof` up to `today`, or whose affiliation ended in [asof, today)."""
    return [
        select(consultation_people.c.person_id)
        .join(Consultation, Consultation.id == consultation_people.c.consultation_id)
        .where(Consultation.held_on > asof, Consultation.held_on <= today),
        select(EngagementParticipant.person_id)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .where(
            Engagement.starts_at >= datetime.combine(asof + timedelta(days=1), time.min, UTC),
            Engagement.starts_at < datetime.combine(today + timedelta(days=1), time.min, UTC),
        ),
        select(Affiliation.person_id).where(Affiliation.end_on >= asof, Affiliation.end_on < today),
    ]


def differences(session) -> int:
    """How many rows of coverage_pairs (against the base tables) and coverage_counts (against the pairs)
    differ from a count from scratch (`engage recount --check`)."""
    asof = asof_day(session)
    if asof is None:
        return 0
    dialect = dialect_of(session)
    pairs, counts = CoveragePair.__table__, CoverageCount.__table__
    found = 0
    for table, fresh, dates in (
        (pairs, _pairs_select(dialect, asof), (3,)),
        (counts, _counts_select(dialect, true()), (2,)),
    ):
        kept = {_row(r, dates) for r in session.execute(select(*table.c))}
        found += len(kept ^ {_row(r, dates) for r in session.execute(fresh)})
    return found


def _row(row, dates) -> tuple:
    return tuple(day_of(v) if i in dates and v is not None else v for i, v in enumerate(row))


# --- reading ---------------------------------------------------------------------------------------------


def cells(session, user: User | None, today: date) -> dict[tuple[int, str, str], int]:
    """{(topic_id, region or '', kind or ''): distinct experts} `user` may see met in the 12 months to
    `today`: the kept counts of their tier, with the people the counts cannot answer for counted live."""
    tier, extra = reader_rule(user)
    asof = asof_day(session)
    if tier is None:
        return {}
    if asof is None or today < asof:
        return recount_cells(session, user, today)
    since = today - timedelta(days=WINDOW_DAYS)
    pairs, counts = CoveragePair.__table__, CoverageCount.__table__
    whole = since if since.day == 1 else next_month(since)  # the first whole month of the window
    ranges = (("m", whole, today + timedelta(days=1)), ("d", since, whole))
    parts = [
        select(counts.c.topic_id, counts.c.region, counts.c.kind, counts.c.n).where(
            counts.c.tier == tier, counts.c.span == span, counts.c.start >= start, counts.c.start < end
        )
        for span, start, end in ranges
    ]
    rows = union_all(*parts).subquery()  # two ranges of the key, each read in order
    keys = (rows.c.topic_id, rows.c.region, rows.c.kind)
    kept = select(*keys, func.sum(rows.c.n)).group_by(*keys)
    found: dict[tuple[int, str, str], int] = {}
    for topic_id, region, kind, n in session.execute(kept):
        found[(topic_id, region, kind)] = int(n)
    changed = union(*_changed_since(asof, today)) if today > asof else None
    if changed is not None:  # met, or no longer affiliated, since the counts' day: their rows out, counted live
        in_window = and_(pairs.c.tier == tier, pairs.c.last_on >= since, pairs.c.person_id.in_(changed))
        taken = select(pairs.c.topic_id, pairs.c.region, pairs.c.kind, func.count()).where(in_window)
        for topic_id, region, kind, n in session.execute(taken.group_by(*taken.selected_columns[:3])):
            found[(topic_id, region, kind)] -= n
        for topic_id, country, kind, n in session.execute(live_cells(user, today, changed)):
            key = (topic_id, region_key(country), kind)
            found[key] = found.get(key, 0) + n
    if extra is not None:
        for topic_id, region, kind, n in session.execute(_beyond_tier(tier, extra, since, today, changed)):
            found[(topic_id, region, kind)] = found.get((topic_id, region, kind), 0) + n
    return {key: n for key, n in found.items() if n}


def _beyond_tier(tier: str, extra, since: date, today: date, changed):
    """SELECT (topic_id, region, kind, n): the experts met on a topic in the reader's own consultations
    beyond their tier (`extra`) in the window, and not met on it within their tier: each such pair once,
    typed as the admins' row of the pair has it (every meeting counts there). People met since the counts'
    day (`changed`) are left to the live count."""
    met = met_in_consultations(since, today, None, extra)
    if changed is not None:
        met = met.where(consultation_people.c.person_id.not_in(changed))
    met = met.distinct().subquery()
    pairs = CoveragePair.__table__

    def admins(column):  # the pair's row among every meeting: its region and kind on the counts' day
        same = and_(pairs.c.person_id == met.c.person_id, pairs.c.topic_id == met.c.topic_id, pairs.c.tier == ADMIN)
        return select(column).where(same).scalar_subquery()

    counted = exists().where(
        pairs.c.person_id == met.c.person_id,
        pairs.c.topic_id == met.c.topic_id,
        pairs.c.tier == tier,
        pairs.c.last_on >= since,
    )
    region, kind = admins(pairs.c.region).label("region"), admins(pairs.c.kind).label("kind")
    return (
        select(met.c.topic_id, region, kind, func.count())
        .select_from(met)
        .where(~counted)
        .group_by(met.c.topic_id, region, kind)
    )
