"""What a member of the directory took part in: consultations, the points they raised, forums.

A person and an organisation take part in the same ways, each through its own columns (a
`Side`), so the person page, the organisation page and both lists read their history with the
same queries here. Every consultation goes through `visible_consultations`, so no side shows a
consultation its reader may not see. Read models only; used by people and organizations alike.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, func, select, union
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import (
    Consultation,
    Decision,
    Input,
    consultation_organisations,
    consultation_people,
)
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.policies.models import PolicyVersion

DETAIL_LIMIT = 100


@dataclass(frozen=True)
class Side:
    """The columns through which one kind of participant takes part."""

    attendee: Column  # in the consultation's participant table
    attendee_consultation: Column
    input_column: InstrumentedAttribute  # Input.person_id / Input.organisation_id
    member_column: InstrumentedAttribute  # ForumMember.person_id / ForumMember.organisation_id


PERSON = Side(
    consultation_people.c.person_id, consultation_people.c.consultation_id, Input.person_id, ForumMember.person_id
)
ORGANISATION = Side(
    consultation_organisations.c.organisation_id,
    consultation_organisations.c.consultation_id,
    Input.organisation_id,
    ForumMember.organisation_id,
)


def _participation(side: Side, ids: list[int]):
    """(participant id, consultation id) for every consultation attended or raised a point in."""
    return union(
        select(side.attendee, side.attendee_consultation).where(side.attendee.in_(ids)),
        select(side.input_column, Input.consultation_id).where(side.input_column.in_(ids)),
    ).subquery()


def last_consultations(user: User, side: Side, ids: list[int], on: date) -> dict[int, date]:
    """Each participant's last consultation held by `on` that `user` may see, in one statement."""
    if not ids:
        return {}
    participation = _participation(side, ids)
    participant = participation.c[0]
    rows = db.session.execute(
        select(participant, func.max(Consultation.held_on))
        .join(Consultation, Consultation.id == participation.c[1])
        .where(visible_consultations(user), Consultation.held_on <= on)
        .group_by(participant)
    )
    return dict(rows.all())


def consultations(user: User, side: Side, participant_id: int) -> list[Consultation]:
    """The consultations the participant took part in that `user` may see, newest first."""
    ids = select(_participation(side, [participant_id]).c[1])
    return list(
        db.session.execute(
            select(Consultation)
            .where(Consultation.id.in_(ids), visible_consultations(user))
            .order_by(Consultation.held_on.desc(), Consultation.id.desc())
            .limit(DETAIL_LIMIT)
        ).scalars()
    )


def inputs(user: User, side: Side, participant_id: int, *also) -> list[Input]:
    """The points the participant raised in consultations `user` may see, with what we decided;
    `also` names more of Input's relationships to load (its topic, its person)."""
    return list(
        db.session.execute(
            select(Input)
            .join(Consultation, Consultation.id == Input.consultation_id)
            .where(side.input_column == participant_id, visible_consultations(user))
            .options(
                joinedload(Input.consultation),
                *(joinedload(relation) for relation in also),
                joinedload(Input.clause),
                joinedload(Input.decision).joinedload(Decision.clause),
                joinedload(Input.decision).joinedload(Decision.policy_version).joinedload(PolicyVersion.policy),
            )
            .order_by(Consultation.held_on.desc(), Input.id.desc())
            .limit(DETAIL_LIMIT)
        ).scalars()
    )


def forum_memberships(side: Side, participant_id: int) -> list[ForumMember]:
    """The participant's forum seats, open terms first, then the latest ended."""
    return list(
        db.session.execute(
            select(ForumMember)
            .where(side.member_column == participant_id)
            .options(joinedload(ForumMember.forum))
            .order_by(ForumMember.term_end.is_(None).desc(), ForumMember.term_end.desc())
        ).scalars()
    )
