"""Consultations: create and update, the audit of a restricted view, the dates they stamp on people,
and the participant type-ahead."""

from datetime import date

from sqlalchemy import func, select, update

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_to_every_reader
from engage.consultations.models import (
    CONFIDENTIALITY,
    CONSULTATION_KINDS,
    Consultation,
    consultation_organisations,
    consultation_people,
)
from engage.errors import ValidationError
from engage.extensions import db
from engage.forums.models import Forum
from engage.ids import as_ids
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.queries import check_version, known_id, like_pattern
from engage.topics.models import Topic


def _load_all(model, ids, field: str, what: str, errors: dict, extra=None) -> list:
    ids = sorted(as_ids(ids))
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
    forum_id = known_id(Forum, data.get("forum_id"), errors, "forum_id", "Choose a forum from the list.")
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
    audit.record_create(actor, consultation, f"Consultation {consultation.title[:200]}")
    refresh_last_interaction([p.id for p in values["people"]], [o.id for o in values["organisations"]])
    return consultation


def update_consultation(actor: Actor, consultation: Consultation, version: int | None, data: dict) -> Consultation:
    """Change a consultation; a stale `version` raises ConflictError and nothing is written."""
    check_version(consultation, version, "consultation")
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


# Whose last interaction a consultation stamps: (model, the association table, its column for the model).
PARTICIPANTS = (
    (Person, consultation_people, "person_id"),
    (Organisation, consultation_organisations, "organisation_id"),
)


def refresh_last_interaction(person_ids, organisation_ids) -> None:
    """Recompute last_interaction_on as the latest NORMAL consultation, so restricted dates never show."""
    db.session.flush()
    for (model, table, column), ids in zip(PARTICIPANTS, (person_ids, organisation_ids), strict=True):
        if not ids:
            continue
        latest = (
            select(func.max(Consultation.held_on))
            .join(table, table.c.consultation_id == Consultation.id)
            .where(table.c[column] == model.id, visible_to_every_reader())
            .scalar_subquery()
        )
        db.session.execute(
            update(model)
            .where(model.id.in_(list(ids)))
            .values(last_interaction_on=latest)
            .execution_options(synchronize_session=False)
        )


def _suggest(model, q: str, limit: int, *where) -> list:
    q = (q or "").strip()
    if not q:
        return []
    stmt = select(model).where(model.name.ilike(like_pattern(q), escape="\\"), model.archived.is_(False), *where)
    return list(db.session.execute(stmt.order_by(model.name).limit(limit)).scalars())


def suggest_people(q: str, limit: int = 10) -> list[Person]:
    """People whose name matches `q`, for the participant type-ahead (no consultation data exposed)."""
    return _suggest(Person, q, limit, Person.erased_at.is_(None))


def suggest_organisations(q: str, limit: int = 10) -> list[Organisation]:
    """Organisations whose name matches `q`, for the participant type-ahead."""
    return _suggest(Organisation, q, limit)
