"""The timeline a person's page and an organisation's page both show: consultations, engagements,
documents and notes, newest first.

A person's timeline holds what they took part in; an organisation's, what it took part in and
what its people took part in while they were affiliated with it. Every consultation goes through
`history.consultations`' rule (`visible_consultations`), so a restricted consultation the reader
may not see never appears. The documents and notes come from the caller (`documents.pages.timeline`),
filtered for the reader there."""

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import aliased, joinedload

from engage.affiliations import history
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import Consultation, Input, consultation_people
from engage.engagements.models import Engagement, EngagementParticipant
from engage.extensions import db
from engage.organizations.models import Affiliation

LIMIT = history.DETAIL_LIMIT


def merge(consultations, engagements, written) -> list[dict]:
    """One list of timeline items, newest first: `consultations` (Consultation rows),
    `engagements` (EngagementParticipant rows) and `written` (items as documents.pages makes them)."""
    items = [{"kind": "consultation", "on": c.held_on, "record": c} for c in consultations]
    items += [{"kind": "engagement", "on": p.engagement.starts_at.date(), "record": p} for p in engagements]
    items += written
    return sorted(items, key=lambda i: i["on"], reverse=True)


def _affiliated_on(organisation_id: int, person_column, day):
    """Whether the person in `person_column` was affiliated with the organisation on `day`."""
    return (
        select(Affiliation.id)
        .where(
            Affiliation.organisation_id == organisation_id,
            Affiliation.person_id == person_column,
            or_(Affiliation.start_on.is_(None), Affiliation.start_on <= day),
            or_(Affiliation.end_on.is_(None), Affiliation.end_on >= day),
        )
        .exists()
    )


def person_engagements(person_id: int) -> list[EngagementParticipant]:
    """The person's places in engagements, newest first."""
    return _engagements(EngagementParticipant.person_id == person_id)


def organisation_engagements(organisation_id: int) -> list[EngagementParticipant]:
    """The places its people held in engagements while affiliated with the organisation."""
    day = func.date(Engagement.starts_at)
    return _engagements(_affiliated_on(organisation_id, EngagementParticipant.person_id, day))


def _engagements(condition) -> list[EngagementParticipant]:
    return list(
        db.session.execute(
            select(EngagementParticipant)
            .join(Engagement)
            .where(condition)
            .options(joinedload(EngagementParticipant.engagement), joinedload(EngagementParticipant.person))
            .order_by(Engagement.starts_at.desc(), EngagementParticipant.id)
            .limit(LIMIT)
        ).scalars()
    )


def organisation_consultations(user: User, organisation_id: int) -> list[Consultation]:
    """Consultations the organisation took part in, or one of its people while affiliated with it
    (attending or raising a point), that `user` may see, newest first."""
    own = select(history.ORGANISATION.attendee_consultation).where(history.ORGANISATION.attendee == organisation_id)
    own_points = select(Input.consultation_id).where(Input.organisation_id == organisation_id)
    members = select(Affiliation.person_id).where(Affiliation.organisation_id == organisation_id)
    people = union(
        select(consultation_people.c.person_id, consultation_people.c.consultation_id).where(
            consultation_people.c.person_id.in_(members)
        ),
        select(Input.person_id, Input.consultation_id).where(Input.person_id.in_(members)),
    ).subquery()
    held = aliased(Consultation)  # the inner query's own, not correlated with the outer one
    theirs = (
        select(people.c[1])
        .join(held, held.id == people.c[1])
        .where(_affiliated_on(organisation_id, people.c[0], held.held_on))
    )
    return list(
        db.session.execute(
            select(Consultation)
            .where(
                or_(Consultation.id.in_(own), Consultation.id.in_(own_points), Consultation.id.in_(theirs)),
                visible_consultations(user),
            )
            .order_by(Consultation.held_on.desc(), Consultation.id.desc())
            .limit(LIMIT)
        ).scalars()
    )
