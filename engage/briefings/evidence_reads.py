"""The evidence pack's reads: aggregates and plain rows in a fixed number of Core statements.

A pack for 18 months of a busy harm area covers ~90,000 points. Nothing here loads them as ORM
objects, and only the CSV reads every point: the PDF's counts and clause-change table are
GROUP BY statements, the PDF's consultations the first few, and the fingerprint of the scope
(`scope_stats`) is a handful of counts and latest changes, so an unchanged pack is recognised
before anything is gathered.

Scope (issue 10): a point belongs to the pack when the POINT is on the harm area, not when its
consultation is merely tagged with it; a consultation belongs when it is tagged with the harm
area or has a point on it. Only consultations the reader may see, held in the period.
"""

from datetime import date

from sqlalchemy import and_, case, func, or_, select, union

from engage.auth.models import User
from engage.auth.permissions import may_name, visible_consultations
from engage.consultations.models import (
    Consultation,
    Decision,
    Input,
    consultation_organisations,
    consultation_people,
    consultation_topics,
)
from engage.extensions import db
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.policies.models import Clause, Policy, PolicyVersion


def consultations_in_scope(topic_id: int, date_from: date, date_to: date, user: User):
    """A subquery of the ids of the consultations in the pack."""
    tagged = select(consultation_topics.c.consultation_id).where(consultation_topics.c.topic_id == topic_id)
    with_points = select(Input.consultation_id).where(Input.topic_id == topic_id)
    return (
        select(Consultation.id)
        .where(
            Consultation.held_on.between(date_from, date_to),
            or_(Consultation.id.in_(tagged), Consultation.id.in_(with_points)),
            visible_consultations(user, scan=True),
        )
        .scalar_subquery()
    )


def _points(scope, topic_id: int):
    return and_(Input.consultation_id.in_(scope), Input.topic_id == topic_id)


def _people_ids(scope, topic_id: int):
    """The people in the pack: participants of its consultations and those who raised its points."""
    return union(
        select(consultation_people.c.person_id).where(consultation_people.c.consultation_id.in_(scope)),
        select(Input.person_id).where(_points(scope, topic_id), Input.person_id.is_not(None)),
    ).subquery()


def _organisation_ids(scope, topic_id: int):
    return union(
        select(consultation_organisations.c.organisation_id).where(
            consultation_organisations.c.consultation_id.in_(scope)
        ),
        select(Input.organisation_id).where(_points(scope, topic_id), Input.organisation_id.is_not(None)),
    ).subquery()


def _one(stmt) -> list:
    return list(db.session.execute(stmt).one())


def scope_stats(scope, topic_id: int) -> dict:
    """What the pack is made from, in a few aggregates: counts, id sums and latest changes.

    Any edit moves an `updated_at`, any insert or delete a count or an id sum, so equal stats
    mean the same data (with the reader, period and version standings: see services)."""
    consultations = select(
        func.count(Consultation.id),
        func.coalesce(func.sum(Consultation.id), 0),
        func.max(Consultation.updated_at),
        func.coalesce(func.sum(case((Consultation.confidentiality == "restricted", 1), else_=0)), 0),
    ).where(Consultation.id.in_(scope))
    points = (
        select(
            func.count(Input.id),
            func.coalesce(func.sum(Input.id), 0),
            func.max(Input.updated_at),
            func.count(Decision.id),
            func.coalesce(func.sum(Decision.id), 0),
            func.max(Decision.updated_at),
        )
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(_points(scope, topic_id))
    )
    people_links = select(func.count(), func.coalesce(func.sum(consultation_people.c.person_id), 0)).where(
        consultation_people.c.consultation_id.in_(scope)
    )
    organisation_links = select(
        func.count(), func.coalesce(func.sum(consultation_organisations.c.organisation_id), 0)
    ).where(consultation_organisations.c.consultation_id.in_(scope))
    people_ids, organisation_ids = _people_ids(scope, topic_id), _organisation_ids(scope, topic_id)
    people = select(func.count(Person.id), func.max(Person.updated_at)).where(Person.id.in_(select(people_ids)))
    organisations = select(func.count(Organisation.id), func.max(Organisation.updated_at)).where(
        Organisation.id.in_(select(organisation_ids))
    )
    policies = select(func.count(Policy.id), func.max(Policy.updated_at))
    versions = select(func.count(PolicyVersion.id), func.max(PolicyVersion.updated_at))
    clauses = select(func.count(Clause.id), func.coalesce(func.sum(Clause.id), 0))
    parts = {
        "consultations": consultations,
        "points": points,
        "people_links": people_links,
        "organisation_links": organisation_links,
        "people": people,
        "organisations": organisations,
        "policies": policies,
        "versions": versions,
        "clauses": clauses,
    }
    return {name: _one(stmt) for name, stmt in parts.items()}


def outcome_counts(scope, topic_id: int) -> dict[str | None, int]:
    """Decision outcome (None: not decided yet) → points, for the pack's points."""
    stmt = (
        select(Decision.outcome, func.count(Input.id))
        .select_from(Input)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(_points(scope, topic_id))
        .group_by(Decision.outcome)
    )
    return {outcome: n for outcome, n in db.session.execute(stmt)}


def clause_decisions(scope, topic_id: int, policy_topic_id: int) -> list:
    """(policy version id, clause id, points) of the decisions that changed a version of one of the
    harm area's own policies (not "no change"), grouped."""
    stmt = (
        select(Decision.policy_version_id, Decision.clause_id, func.count(Input.id))
        .join(Decision, Decision.input_id == Input.id)
        .join(PolicyVersion, PolicyVersion.id == Decision.policy_version_id)
        .join(Policy, Policy.id == PolicyVersion.policy_id)
        .where(_points(scope, topic_id), Policy.topic_id == policy_topic_id)
        .where(Decision.outcome.is_not(None), or_(Decision.no_change.is_(False), Decision.no_change.is_(None)))
        .group_by(Decision.policy_version_id, Decision.clause_id)
    )
    return list(db.session.execute(stmt))


CONSULTATION_COLUMNS = (
    Consultation.id,
    Consultation.held_on,
    Consultation.title,
    Consultation.kind,
    Consultation.confidentiality,
)
POINT_COLUMNS = (
    Input.id.label("input_id"),
    Input.person_id,
    Input.organisation_id,
    Input.text,
    Decision.outcome,
    Decision.rationale,
    Decision.decided_on,
    Decision.no_change,
    Decision.policy_version_id,
    Decision.clause_id,
)


def first_consultations(scope, limit: int) -> list:
    """The first `limit` consultations of the pack, in date order (the ones the PDF lists)."""
    stmt = select(*CONSULTATION_COLUMNS).where(Consultation.id.in_(scope))
    return list(db.session.execute(stmt.order_by(Consultation.held_on, Consultation.id).limit(limit)))


def points_of(consultation_ids: list[int], topic_id: int) -> list:
    """The harm area's points in these (few) consultations, with their decisions, in order."""
    stmt = (
        select(Input.consultation_id, *POINT_COLUMNS)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(Input.consultation_id.in_(consultation_ids), Input.topic_id == topic_id)
        .order_by(Input.consultation_id, Input.id)
    )
    return list(db.session.execute(stmt))


def every_row(scope, topic_id: int):
    """Every consultation of the pack with each of its points on the harm area (or None when it
    has none), in date order: the CSV's rows. Two statements merged here: an outer join from the
    consultations made SQLite scan the harm area's points once per consultation."""
    by_consultation: dict[int, list] = {}
    stmt = (
        select(Input.consultation_id, *POINT_COLUMNS)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(_points(scope, topic_id))
        .order_by(Input.consultation_id, Input.id)
    )
    for row in db.session.execute(stmt):
        by_consultation.setdefault(row.consultation_id, []).append(row)
    consultations = select(*CONSULTATION_COLUMNS).where(Consultation.id.in_(scope))
    for c in db.session.execute(consultations.order_by(Consultation.held_on, Consultation.id)):
        for point in by_consultation.get(c.id) or [None]:
            yield c, point


def participants(where) -> tuple[list, list]:
    """(consultation id, person id) and (consultation id, organisation id) pairs, by name, of the
    consultations whose id matches `where` (a function of the consultation id column)."""
    people = db.session.execute(
        select(consultation_people.c.consultation_id, consultation_people.c.person_id)
        .join(Person, Person.id == consultation_people.c.person_id)
        .where(where(consultation_people.c.consultation_id))
        .order_by(consultation_people.c.consultation_id, Person.name, Person.id)
    )
    orgs = db.session.execute(
        select(consultation_organisations.c.consultation_id, consultation_organisations.c.organisation_id)
        .join(Organisation, Organisation.id == consultation_organisations.c.organisation_id)
        .where(where(consultation_organisations.c.consultation_id))
        .order_by(consultation_organisations.c.consultation_id, Organisation.name, Organisation.id)
    )
    return list(people), list(orgs)


def people(scope, topic_id: int) -> dict[int, str | None]:
    """Every person in the pack, id → their name when they may be named to regulators, else None.

    Named only with a recorded basis and date and the regulator scope (never once erased)."""
    columns = (Person.id, Person.consent_regulator, Person.consent_basis, Person.consent_on, Person.erased_at)
    stmt = select(*columns).where(Person.id.in_(select(_people_ids(scope, topic_id))))
    found: dict[int, str | None] = {}
    named = []
    for row in db.session.execute(stmt):
        found[row.id] = None
        if may_name(row, "consent_regulator"):
            named.append(row.id)
    for chunk in _chunks(named):
        found.update(_pairs(select(Person.id, Person.name).where(Person.id.in_(chunk))))
    return found


def organisation_kinds(scope, topic_id: int) -> dict[int, str]:
    """Every organisation in the pack, id → kind."""
    ids = _organisation_ids(scope, topic_id)
    return _pairs(select(Organisation.id, Organisation.kind).where(Organisation.id.in_(select(ids))))


def policies() -> list[Policy]:
    """Every policy with its versions: a handful of rows, read once to label decisions."""
    from sqlalchemy.orm import selectinload

    return list(db.session.execute(select(Policy).options(selectinload(Policy.versions))).scalars())


def clauses() -> list:
    """Every clause (id, version, key, heading, text): a few hundred rows, for keys and the diff."""
    columns = (Clause.id, Clause.version_id, Clause.key, Clause.heading, Clause.text)
    return list(db.session.execute(select(*columns)))


def _pairs(stmt) -> dict:
    """A two-column statement's rows as a dict (a Result has .keys(), so dict() would misread it)."""
    return {key: value for key, value in db.session.execute(stmt)}


def _chunks(ids: list[int], size: int = 5000):
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
