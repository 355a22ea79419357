"""The evidence pack's reads: plain rows in a fixed number of Core statements, whatever the period.

A pack for 18 months of a busy harm area reads tens of thousands of points; loading them as ORM
objects (with their consultation, people, decision, version and clause) cost seconds before the
first page was laid out. These statements return tuples, and the pack is assembled from them.

Scope (issue 10): a point belongs to the pack when the POINT is on the harm area, not when its
consultation is merely tagged with it; a consultation belongs when it is tagged with the harm
area or has a point on it. Only consultations the reader may see, held in the period.
"""

from datetime import date

from sqlalchemy import or_, select

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
from engage.policies.models import Clause, Policy


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


def consultations(scope) -> list:
    columns = (Consultation.id, Consultation.held_on, Consultation.title, Consultation.kind)
    columns += (Consultation.confidentiality, Consultation.updated_at)
    stmt = select(*columns).where(Consultation.id.in_(scope)).order_by(Consultation.held_on, Consultation.id)
    return list(db.session.execute(stmt))


def points(scope, topic_id: int) -> list:
    """The points on the harm area in those consultations, with their decisions, in order."""
    stmt = (
        select(
            Input.id,
            Input.consultation_id,
            Input.person_id,
            Input.organisation_id,
            Input.text,
            Input.updated_at,
            Decision.outcome,
            Decision.rationale,
            Decision.decided_on,
            Decision.no_change,
            Decision.policy_version_id,
            Decision.clause_id,
            Decision.updated_at.label("decision_updated_at"),
        )
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(Input.consultation_id.in_(scope), Input.topic_id == topic_id)
        .order_by(Input.consultation_id, Input.id)
    )
    return list(db.session.execute(stmt))


def participants(scope) -> tuple[list, list]:
    """(consultation id, person id) and (consultation id, organisation id) pairs, by name."""
    people = db.session.execute(
        select(consultation_people.c.consultation_id, consultation_people.c.person_id)
        .join(Person, Person.id == consultation_people.c.person_id)
        .where(consultation_people.c.consultation_id.in_(scope))
        .order_by(consultation_people.c.consultation_id, Person.name, Person.id)
    )
    orgs = db.session.execute(
        select(consultation_organisations.c.consultation_id, consultation_organisations.c.organisation_id)
        .join(Organisation, Organisation.id == consultation_organisations.c.organisation_id)
        .where(consultation_organisations.c.consultation_id.in_(scope))
        .order_by(consultation_organisations.c.consultation_id, Organisation.name, Organisation.id)
    )
    return list(people), list(orgs)


def people(ids: set[int]) -> dict[int, tuple]:
    """id → (may be named to regulators, updated_at)."""
    found = {}
    for chunk in _chunks(ids):
        stmt = select(
            Person.id,
            Person.consent_regulator,
            Person.consent_basis,
            Person.consent_on,
            Person.erased_at,
            Person.updated_at,
        )
        for row in db.session.execute(stmt.where(Person.id.in_(chunk))):
            # Named only with a recorded basis and date and the regulator scope (never once erased).
            found[row.id] = (may_name(row, "consent_regulator"), row.updated_at)
    return found


def organisation_kinds(ids: set[int]) -> dict[int, str]:
    found = {}
    for chunk in _chunks(ids):
        found.update(_pairs(select(Organisation.id, Organisation.kind).where(Organisation.id.in_(chunk))))
    return found


def named_people(ids: set[int]) -> dict[int, str]:
    """The names of the people who may be named (few), id → name."""
    found = {}
    for chunk in _chunks(ids):
        found.update(_pairs(select(Person.id, Person.name).where(Person.id.in_(chunk))))
    return found


def policies() -> list[Policy]:
    """Every policy with its versions: a handful of rows, read once to label decisions."""
    from sqlalchemy.orm import selectinload

    return list(db.session.execute(select(Policy).options(selectinload(Policy.versions))).scalars())


def clause_keys(ids: set[int]) -> dict[int, str]:
    found = {}
    for chunk in _chunks(ids):
        found.update(_pairs(select(Clause.id, Clause.key).where(Clause.id.in_(chunk))))
    return found


def _pairs(stmt) -> dict:
    """A two-column statement's rows as a dict (a Result has .keys(), so dict() would misread it)."""
    return {key: value for key, value in db.session.execute(stmt)}


def _chunks(ids: set[int], size: int = 5000):
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
