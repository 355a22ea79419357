"""A person's consent over time: each change to the basis, date, scopes or do-not-contact flag
leaves a row in `consent_changes`, shown as a small table on the person's page. The change
itself is audited with the person's other fields by whoever changed it (people.services)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engage.audit.services import Actor
from engage.extensions import db
from engage.people.models import CONSENT_SCOPES, ConsentChange, Person

CONSENT_FIELDS = ("consent_basis", "consent_on", *CONSENT_SCOPES, "do_not_contact")
SOURCES = {"form": "Edited", "create": "Added", "merge": "Merge", "erasure": "Erasure", "import": "Import"}


def snapshot(person: Person | None) -> tuple:
    """The consent fields as they stand (all empty for a person not yet saved)."""
    if person is None:
        return (None, None, *(False for _ in CONSENT_SCOPES), False)
    return tuple(getattr(person, key) for key in CONSENT_FIELDS)


def record_if_changed(actor: Actor, person: Person, before: tuple, source: str = "form") -> ConsentChange | None:
    """Add a history row when the consent fields differ from `before`; None when nothing changed."""
    if snapshot(person) == before:
        return None
    change = ConsentChange(
        person_id=person.id,
        changed_by_id=actor.user.id if actor.user else None,
        basis=person.consent_basis,
        recorded_on=person.consent_on,
        scopes=[key for key in CONSENT_SCOPES if getattr(person, key)],
        do_not_contact=bool(person.do_not_contact),
        source=source,
    )
    db.session.add(change)
    return change


def history(person_id: int, limit: int = 50) -> list[ConsentChange]:
    """The person's consent changes, newest first, with who made them (one statement)."""
    return list(
        db.session.execute(
            select(ConsentChange)
            .where(ConsentChange.person_id == person_id)
            .options(joinedload(ConsentChange.changed_by))
            .order_by(ConsentChange.changed_at.desc(), ConsentChange.id.desc())
            .limit(limit)
        ).scalars()
    )
