"""Consultations: the list query, create and update, and the dates they stamp on people."""

from datetime import date

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import (
    CONFIDENTIALITY,
    CONSULTATION_KINDS,
    Consultation,
    Input,
    consultation_organisations,
    consultation_people,
    consultation_topics,
)
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.forums.models import Forum
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.queries import like_pattern
from engage.topics.models import Topic

SORTS = {"date": Consultation.held_on, "title": Consultation.title}


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
        pattern = like_pattern(q)
        stmt = stmt.where(
            or_(
                Consultation.title.ilike(pattern, escape="\\"),
                Consultation.summary.ilike(pattern, escape="\\"),
            )
        )
    if kind:
        stmt = stmt.where(Consultation.kind == kind)
    if confidentiality:
        stmt = stmt.where(Consultation.confidentiality == confidentiality)
    if forum_id:
        stmt = stmt.where(Consultation.forum_id == forum_id)
    if topic_id:
        stmt = stmt.where(
            Consultation.id.in_(
                select(consultation_topics.c.consultation_id).where(consultation_topics.c.topic_id == topic_id)
            )
        )
    if person_id:
        stmt = stmt.where(
            Consultation.id.in_(
                select(consultation_people.c.consultation_id).where(consultation_people.c.person_id == person_id)
            )
        )
    if organisation_id:
        stmt = stmt.where(
            Consultation.id.in_(
                select(consultation_organisations.c.consultation_id).where(
                    consultation_organisations.c.organisation_id == organisation_id
                )
            )
        )
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


def visible_consultation(user, consultation_id: int, *options) -> Consultation | None:
    """The consultation if `user` may see it, else None (the caller answers 404: existence stays secret)."""
    return db.session.execute(
        select(Consultation).where(Consultation.id == consultation_id, visible_consultations(user)).options(*options)
    ).scalar_one_or_none()


def record_restricted_view(actor: Actor, consultation: Consultation) -> None:
    """Opening a restricted consultation is audited."""
    if consultation.confidentiality == "restricted":
        audit.record(actor, "view-restricted", Consultation, consultation.id, f"Viewed {consultation.title[:200]}")


def _load_all(model, ids, field: str, what: str, errors: dict, extra=None) -> list:
    ids = sorted({int(i) for i in ids or [] if str(i).isdigit()})
    if not ids:
        return []
    stmt = select(model).where(model.id.in_(ids))
    if extra is not None:
        stmt = stmt.where(extra)
    found = list(db.session.execute(stmt).scalars())
    if len(found) != len(ids):
        errors[field] = f"One of the {what} is unknown. Pick again from the suggestions."
    return found


def _check(actor: Actor, data: dict, add_actor: bool) -> dict:
    """Validate the consultation form's data; returns the clean values or raises ValidationError."""
    errors: dict[str, str] = {}
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = "Enter a title."
    elif len(title) > 250:
        errors["title"] = "Use at most 250 characters."
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        errors["date"] = "Enter the date as YYYY-MM-DD."
    kind = data.get("kind") or ""
    if kind not in CONSULTATION_KINDS:
        errors["kind"] = f"Choose one of: {', '.join(CONSULTATION_KINDS.values())}."
    confidentiality = data.get("confidentiality") or ""
    if confidentiality not in CONFIDENTIALITY:
        errors["confidentiality"] = "Choose normal, confidential or restricted."
    forum_id = data.get("forum_id") or None
    if forum_id and db.session.get(Forum, forum_id) is None:
        errors["forum_id"] = "Choose a forum from the list."
    topics = _load_all(Topic, data.get("topic_ids"), "topic_ids", "topics", errors)
    people = _load_all(Person, data.get("person_ids"), "person_ids", "people", errors, Person.erased_at.is_(None))
    organisations = _load_all(Organisation, data.get("organisation_ids"), "organisation_ids", "organisations", errors)
    staff = _load_all(User, data.get("staff_ids"), "staff_ids", "staff", errors)
    if errors:
        raise ValidationError(errors)
    if add_actor and actor.user is not None and all(u.id != actor.user.id for u in staff):
        staff.append(actor.user)  # whoever logs it is always on its staff
    return {
        "title": title,
        "held_on": held_on,
        "kind": kind,
        "confidentiality": confidentiality,
        "summary": (data.get("summary") or "").strip(),
        "forum_id": forum_id,
        "topics": topics,
        "people": people,
        "organisations": organisations,
        "staff": staff,
    }


def create_consultation(actor: Actor, data: dict) -> Consultation:
    """Log a consultation; the actor joins its staff; participants' last-interaction dates follow."""
    values = _check(actor, data, add_actor=True)
    consultation = Consultation(created_by_id=actor.user.id if actor.user else None, **values)
    db.session.add(consultation)
    audit.record_change(actor, "create", consultation, f"Consultation {consultation.title[:200]}")
    refresh_last_interaction([p.id for p in values["people"]], [o.id for o in values["organisations"]])
    return consultation


def update_consultation(actor: Actor, consultation: Consultation, version: int | None, data: dict) -> Consultation:
    """Change a consultation; a stale `version` raises ConflictError and nothing is written."""
    if version != consultation.version:
        raise ConflictError(
            "Someone else changed this consultation while you were editing it. Reload it to see their change."
        )
    before_people = {p.id for p in consultation.people}
    before_orgs = {o.id for o in consultation.organisations}
    values = _check(actor, data, add_actor=False)
    for key, value in values.items():
        setattr(consultation, key, value)
    audit.record_change(actor, "update", consultation, f"Consultation {consultation.title[:200]}")
    refresh_last_interaction(
        before_people | {p.id for p in values["people"]},
        before_orgs | {o.id for o in values["organisations"]},
    )
    return consultation


def refresh_last_interaction(person_ids, organisation_ids) -> None:
    """Recompute last_interaction_on as the latest NORMAL consultation, so restricted dates never show."""
    db.session.flush()
    if person_ids:
        latest = (
            select(func.max(Consultation.held_on))
            .join(consultation_people, consultation_people.c.consultation_id == Consultation.id)
            .where(consultation_people.c.person_id == Person.id, Consultation.confidentiality == "normal")
            .scalar_subquery()
        )
        db.session.execute(
            update(Person)
            .where(Person.id.in_(list(person_ids)))
            .values(last_interaction_on=latest)
            .execution_options(synchronize_session=False)
        )
    if organisation_ids:
        latest = (
            select(func.max(Consultation.held_on))
            .join(consultation_organisations, consultation_organisations.c.consultation_id == Consultation.id)
            .where(
                consultation_organisations.c.organisation_id == Organisation.id,
                Consultation.confidentiality == "normal",
            )
            .scalar_subquery()
        )
        db.session.execute(
            update(Organisation)
            .where(Organisation.id.in_(list(organisation_ids)))
            .values(last_interaction_on=latest)
            .execution_options(synchronize_session=False)
        )


def suggest_people(q: str, limit: int = 10) -> list[Person]:
    """People whose name matches `q`, for the participant type-ahead (no consultation data exposed)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(
        db.session.execute(
            select(Person)
            .where(
                Person.name.ilike(like_pattern(q), escape="\\"),
                Person.erased_at.is_(None),
                Person.archived.is_(False),
            )
            .order_by(Person.name)
            .limit(limit)
        ).scalars()
    )


def suggest_organisations(q: str, limit: int = 10) -> list[Organisation]:
    q = (q or "").strip()
    if not q:
        return []
    return list(
        db.session.execute(
            select(Organisation)
            .where(Organisation.name.ilike(like_pattern(q), escape="\\"), Organisation.archived.is_(False))
            .order_by(Organisation.name)
            .limit(limit)
        ).scalars()
    )
