"""Reading consultations: the list, the page and its rows, each loaded in a fixed number of statements.

Visibility (`visible_consultations`) is part of every query, so a consultation the user may not see
answers 404 on its page, its rows and its fragments alike: its existence stays secret.
"""

from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from engage.auth.permissions import visible_consultations
from engage.consultations.models import (
    Commitment,
    Consultation,
    Input,
    consultation_organisations,
    consultation_people,
    consultation_staff,
    consultation_topics,
)
from engage.errors import NotFoundError
from engage.extensions import db
from engage.fulltext.query import list_filter
from engage.ids import as_ids
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.policies.trail import decided_input_options

SORTS = {"date": Consultation.held_on, "title": Consultation.title}


def _linked(table, column: str, value: int):
    """Consultations linked to `value` through the association `table`."""
    return Consultation.id.in_(select(table.c.consultation_id).where(table.c[column] == value))


def awaiting_decision():
    """SQL condition on Input: a point nobody has decided on yet (no decision, or one under review).
    Correlated, so it is asked of the points in hand only, by their decision's unique key."""
    from engage.consultations.models import Decision

    decided = select(Decision.id).where(Decision.input_id == Input.id, Decision.outcome != "under_review")
    return ~decided.exists()


def with_points_awaiting():
    """SQL condition on Consultation: it has at least one point awaiting a decision. Correlated: the
    home page asks it of one editor's consultations, and `Input.id NOT IN (every decided point)`
    read a million decisions to answer (2.2 s at 100,000 people)."""
    return select(Input.id).where(Input.consultation_id == Consultation.id, awaiting_decision()).exists()


def consultation_query(
    user,
    q: str = "",
    kind: str = "",
    topic_id: int | None = None,
    forum_id: int | None = None,
    confidentiality: str = "",
    person_id: int | None = None,
    organisation_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = "-date",
    staff_id: int | None = None,
    awaiting: bool = False,
) -> Select:
    """The consultations `user` may see that match the filters; visibility is part of the query."""
    stmt = (
        select(Consultation)
        .where(visible_consultations(user, scan=True))
        .options(
            selectinload(Consultation.forum),
            selectinload(Consultation.topics),
            selectinload(Consultation.people),
            selectinload(Consultation.organisations),
        )
    )
    if q:
        stmt = stmt.where(list_filter("consultations", q, Consultation.id))
    if kind:
        stmt = stmt.where(Consultation.kind == kind)
    if confidentiality:
        stmt = stmt.where(Consultation.confidentiality == confidentiality)
    if forum_id:
        stmt = stmt.where(Consultation.forum_id == forum_id)
    if topic_id:
        stmt = stmt.where(_linked(consultation_topics, "topic_id", topic_id))
    if person_id:
        stmt = stmt.where(_linked(consultation_people, "person_id", person_id))
    if organisation_id:
        stmt = stmt.where(_linked(consultation_organisations, "organisation_id", organisation_id))
    if staff_id:
        stmt = stmt.where(_linked(consultation_staff, "user_id", staff_id))
    if awaiting:
        stmt = stmt.where(with_points_awaiting())
    if date_from:
        stmt = stmt.where(Consultation.held_on >= date_from)
    if date_to:
        stmt = stmt.where(Consultation.held_on <= date_to)
    column = SORTS.get(sort.lstrip("-"), Consultation.held_on)
    return stmt.order_by(column.desc() if sort.startswith("-") else column, Consultation.id.desc())


def input_counts(consultation_ids) -> dict[int, int]:
    """{consultation id: number of inputs} for one page of consultations, in one statement."""
    if not consultation_ids:
        return {}
    rows = db.session.execute(
        select(Input.consultation_id, func.count(Input.id))
        .where(Input.consultation_id.in_(list(consultation_ids)))
        .group_by(Input.consultation_id)
    ).all()
    return dict(rows)


def named(model, ids) -> list:
    """The people or organisations with these ids (e.g. the participants a form picked), by name."""
    ids = sorted(as_ids(ids))
    if not ids:
        return []
    return list(db.session.execute(select(model).where(model.id.in_(ids)).order_by(model.name)).scalars())


def filter_subjects(person_id: int | None, organisation_id: int | None) -> tuple[Person | None, Organisation | None]:
    """The person and organisation the list is filtered by, to name them above it."""
    person = db.session.get(Person, person_id) if person_id else None
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    return person, organisation


# --- The consultation page and its rows ---------------------------------------------------------------


def get_consultation(user, consultation_id: int) -> Consultation:
    """The consultation with what its page shows; NotFoundError when `user` may not see it (or it is not there)."""
    consultation = db.session.execute(
        select(Consultation)
        .where(Consultation.id == consultation_id, visible_consultations(user))
        .options(
            selectinload(Consultation.people),
            selectinload(Consultation.organisations),
            selectinload(Consultation.staff),
            selectinload(Consultation.topics),
            selectinload(Consultation.forum),
            selectinload(Consultation.created_by),
        )
    ).scalar_one_or_none()
    if consultation is None:
        raise NotFoundError()
    return consultation


def page_inputs(consultation: Consultation) -> list[Input]:
    """Every point raised in the consultation, with its decision, for the page (a fixed number of statements)."""
    return list(
        db.session.execute(
            select(Input)
            .where(Input.consultation_id == consultation.id)
            .options(*decided_input_options())
            .order_by(Input.id)
        ).scalars()
    )


def _row(model, user, consultation_id: int, record_id: int, *options):
    """One record of a consultation `user` may see, with its consultation, in one statement; else NotFoundError."""
    record = db.session.execute(
        select(model)
        .join(model.consultation)
        .where(model.id == record_id, model.consultation_id == consultation_id, visible_consultations(user))
        .options(contains_eager(model.consultation), *options)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if record is None:
        raise NotFoundError()
    return record


def get_input(user, consultation_id: int, input_id: int) -> Input:
    """One point raised with its consultation and its decision, in one statement; NotFoundError when unseen."""
    return _row(Input, user, consultation_id, input_id, *decided_input_options(joinedload))


def page_commitments(consultation: Consultation) -> list[Commitment]:
    """The commitments of one consultation, open ones first (the caller has checked the consultation is visible)."""
    return list(
        db.session.execute(
            select(Commitment)
            .where(Commitment.consultation_id == consultation.id)
            .options(selectinload(Commitment.assignee), selectinload(Commitment.person))
            .order_by(case((Commitment.status == "open", 0), else_=1), Commitment.due_on, Commitment.id)
        ).scalars()
    )


def get_commitment(user, consultation_id: int, commitment_id: int) -> Commitment:
    """One commitment of a consultation `user` may see, with its consultation, in one statement."""
    return _row(
        Commitment, user, consultation_id, commitment_id, joinedload(Commitment.assignee), joinedload(Commitment.person)
    )


def form_values(consultation: Consultation) -> dict:
    """The consultation form's values for `consultation` (as the organisation and person queries
    give theirs), for an edit that sends only what changes."""
    return {
        "title": consultation.title,
        "date": consultation.held_on,
        "kind": consultation.kind,
        "confidentiality": consultation.confidentiality,
        "summary": consultation.summary,
        "forum_id": consultation.forum_id,
        "topic_ids": [t.id for t in consultation.topics],
        "staff_ids": [u.id for u in consultation.staff],
        "person_ids": [p.id for p in consultation.people],
        "organisation_ids": [o.id for o in consultation.organisations],
    }
