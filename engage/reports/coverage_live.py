"""The coverage report's definition counted from the base tables (the old query): exact, and slow over
a whole window, so the counts (reports.coverage_counts) use it only for the few people they cannot
answer for, and the tests and `engage recount --check` compare the counts with it."""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Date, cast, func, literal_column, select, union, union_all

from engage import regions
from engage.affiliations.services import current_affiliation_clause
from engage.auth.models import User
from engage.auth.permissions import visible_consultations, visible_engagements
from engage.consultations.models import Consultation, consultation_people, consultation_topics
from engage.engagements.models import Engagement, EngagementParticipant, engagement_topics
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person

WINDOW_DAYS = 365


def utc_day(column, dialect: str):
    """SQL: the UTC calendar day of an instant column."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


@cache
def known_regions():
    """A CTE (code, region) of every country code with a region: joined, where a CASE of 248 branches
    would be tried row by row. Built once: its 248 SELECTs cost more to build than to run."""
    rows = [
        select(literal_column(f"'{code}'").label("code"), literal_column(f"'{region}'").label("region"))
        for region in regions.REGIONS
        for code in regions.countries_in(region)
    ]
    return union_all(*rows).cte("country_regions")


def region_key(country: str | None) -> str:
    """The region a country code counts under, '' for none (as the report reads regions.region_of)."""
    return regions.region_of(country) or ""


def only_among(column, people):
    return column.in_(people) if people is not None else literal_column("1") == 1


def current_kind(today: date, people=None):
    """(person_id, kind): the kind of organisation of each person's current affiliation (the most recently
    started, as affiliations.services.current_affiliations picks it). A CTE, computed once for both halves."""
    order = (Affiliation.start_on.is_(None).asc(), Affiliation.start_on.desc(), Affiliation.id.desc())
    ranked = (
        select(
            Affiliation.person_id.label("person_id"),
            Organisation.kind.label("kind"),
            func.row_number().over(partition_by=Affiliation.person_id, order_by=order).label("rank"),
        )
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(current_affiliation_clause(today), only_among(Affiliation.person_id, people))
        .subquery()
    )
    return select(ranked.c.person_id, ranked.c.kind).where(ranked.c.rank == 1).cte("current_kind")


def met_in_consultations(since: date, until: date, people, *where, columns=()):
    """SELECT (person_id, topic_id, *columns): each participant of a consultation held in [since, until]
    on each of its topics, among `people` (None: everyone)."""
    return (
        select(consultation_people.c.person_id, consultation_topics.c.topic_id, *columns)
        .join(Consultation, Consultation.id == consultation_people.c.consultation_id)
        .join(consultation_topics, consultation_topics.c.consultation_id == Consultation.id)
        .where(Consultation.held_on >= since, Consultation.held_on <= until, *where)
        .where(only_among(consultation_people.c.person_id, people))
    )


def took_part_in_engagements(since: date, until: date, people, *where, columns=()):
    """SELECT (person_id, topic_id, *columns): each participant of an engagement starting on a UTC day
    in [since, until], not cancelled and not declined, on each of its topics, among `people`."""
    return (
        select(EngagementParticipant.person_id, engagement_topics.c.topic_id, *columns)
        .join(Engagement, Engagement.id == EngagementParticipant.engagement_id)
        .join(engagement_topics, engagement_topics.c.engagement_id == Engagement.id)
        .where(
            Engagement.starts_at >= datetime.combine(since, time.min, UTC),
            Engagement.starts_at < datetime.combine(until + timedelta(days=1), time.min, UTC),
            Engagement.status != "cancelled",
            EngagementParticipant.rsvp != "declined",
            only_among(EngagementParticipant.person_id, people),
            *where,
        )
    )


def live_cells(user: User | None, today: date, people=None):
    """SELECT (topic_id, country or '', kind or '', n): distinct experts `user` may see met in the window,
    optionally only among `people` (a subquery of ids). The report's definition, from the base tables:
    each expert once per topic, typed by the kind of their current organisation, met in a consultation
    or taking part in an engagement (an organisation taking part is there through its people)."""
    since = today - timedelta(days=WINDOW_DAYS)
    held = visible_consultations(user, scan=True)
    met_in = met_in_consultations(since, today, people, held)
    took_part = took_part_in_engagements(since, today, people, visible_engagements(user))
    met = union(met_in, took_part).subquery()  # (person, topic) once: country and kind follow the person
    kind = current_kind(today, people)
    country, kind_key = func.coalesce(Person.country, ""), func.coalesce(kind.c.kind, "")
    return (
        select(met.c.topic_id, country, kind_key, func.count())
        .select_from(met)
        .join(Person, Person.id == met.c.person_id)
        .outerjoin(kind, kind.c.person_id == met.c.person_id)
        .group_by(met.c.topic_id, country, kind_key)
    )


def recount_cells(session, user: User | None, today: date) -> dict[tuple[int, str, str], int]:
    """The same figures from the base tables alone (the old query: tests, `engage recount --check`)."""
    found: dict[tuple[int, str, str], int] = {}
    for topic_id, country, kind, n in session.execute(live_cells(user, today)):
        key = (topic_id, region_key(country), kind)
        found[key] = found.get(key, 0) + n
    return found
