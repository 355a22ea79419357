"""Commitments: the follow-ups we owe people, with an assignee and a due date."""

from datetime import date

from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import linked_consultation_visible
from engage.consultations.models import COMMITMENT_STATUSES, Commitment, Consultation
from engage.errors import ValidationError
from engage.extensions import db
from engage.queries import check_version, known_id


def _check(consultation: Consultation, data: dict) -> dict:
    errors = {}
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = "Say what we promised."
    status = data.get("status") or "open"
    if status not in COMMITMENT_STATUSES:
        errors["status"] = "Choose open, done or cancelled."
    assignee_id = known_id(User, data.get("assignee_id"), errors, "assignee_id", "Choose an assignee from the list.")
    person_id = data.get("person_id") or None
    if person_id and not any(p.id == person_id for p in consultation.people):
        errors["person_id"] = "Choose one of the consultation's participants."
    due_on = data.get("due_on")
    if due_on is not None and not isinstance(due_on, date):
        errors["due_on"] = "Enter the date as YYYY-MM-DD."
    if errors:
        raise ValidationError(errors)
    return {
        "description": description,
        "status": status,
        "assignee_id": assignee_id,
        "person_id": person_id,
        "due_on": due_on,
    }


def create_commitment(actor: Actor, consultation: Consultation, data: dict) -> Commitment:
    """A follow-up promised in `consultation`; unassigned ones go to whoever records them."""
    values = _check(consultation, data)
    if not values["assignee_id"] and actor.user is not None:
        values["assignee_id"] = actor.user.id
    commitment = Commitment(
        consultation_id=consultation.id, created_by_id=actor.user.id if actor.user else None, **values
    )
    return audit.record_create(actor, commitment, f"Commitment in consultation {consultation.id}")


def update_commitment(actor: Actor, commitment: Commitment, version: int | None, data: dict) -> Commitment:
    """Change a commitment; a stale `version` raises ConflictError."""
    values = _check(commitment.consultation, data)
    return audit.record_update(actor, commitment, version, values, "commitment", f"Commitment {commitment.id}")


def complete_commitment(actor: Actor, commitment: Commitment, version: int | None) -> Commitment:
    """Mark a commitment done; a stale `version` raises ConflictError."""
    check_version(commitment, version, message="Someone else changed this commitment first. Reload to see it.")
    commitment.status = "done"
    audit.record_change(actor, "complete", commitment, f"Commitment {commitment.id} done")
    return commitment


def _visible(user):
    """Commitments not tied to a consultation, or tied to one `user` may see."""
    return linked_consultation_visible(Commitment.consultation_id, user)


def my_commitments_query(user, status: str, today: date) -> Select:
    """`user`'s commitments with this status that they may see; overdue first, then by due date."""
    overdue = case((Commitment.due_on < today, 0), else_=1)
    no_date = case((Commitment.due_on.is_(None), 1), else_=0)
    stmt = (
        select(Commitment)
        .where(Commitment.assignee_id == user.id, Commitment.status == status, _visible(user))
        .options(selectinload(Commitment.consultation), selectinload(Commitment.person))
    )
    if status == "open":
        return stmt.order_by(overdue, no_date, Commitment.due_on, Commitment.id)
    return stmt.order_by(Commitment.updated_at.desc(), Commitment.id.desc())


def recent_done(user, today: date, limit: int = 50) -> list[Commitment]:
    """`user`'s most recently done commitments that they may see."""
    return list(db.session.execute(my_commitments_query(user, "done", today).limit(limit)).scalars())
