"""Turning a confirmed email draft into a consultation of kind email, and "log a call".

Everything the confirmation writes (new people, the consultation, its documents, the draft's
removal) is one transaction: a refusal anywhere leaves nothing written.
"""

from dataclasses import dataclass
from datetime import date

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.consultations.models import Consultation
from engage.consultations.services import create_consultation
from engage.documents import services as documents
from engage.documents import store
from engage.errors import ValidationError
from engage.extensions import db
from engage.inbox.drafts import Proposal
from engage.inbox.models import EmailDraft
from engage.people.models import Person
from engage.people.services import PersonData, create_person
from engage.zones import reader_zone, to_local


@dataclass
class Choice:
    """What to do with an address nobody has: create a person (with this name) or ignore it."""

    action: str = "ignore"
    name: str = ""


def _new_people(actor: Actor, proposal: Proposal, choices: dict[int, Choice]) -> list[Person]:
    errors, made = {}, []
    for number, address in enumerate(proposal.unknown):
        choice = choices.get(number) or Choice()
        if choice.action not in ("create", "ignore"):
            errors[f"unknown-{number}"] = "Choose to add this person or to ignore the address."
        elif choice.action == "create" and not choice.name.strip():
            errors[f"unknown-{number}"] = f"Give a name for {address.email}, or ignore the address."
    if errors:
        raise ValidationError(errors)
    for number, address in enumerate(proposal.unknown):
        choice = choices.get(number) or Choice()
        if choice.action == "create":
            try:
                data = PersonData(name=choice.name.strip(), email=address.email, create_anyway=True)
                made.append(create_person(actor, data))
            except ValidationError as error:
                first = next(iter(error.errors.values()), "This person could not be added.")
                raise ValidationError({f"unknown-{number}": f"{address.email}: {first}"})
    return made


def confirm(
    actor: Actor, proposal: Proposal, title: str, confidentiality: str, summary: str, choices: dict[int, Choice]
) -> Consultation:
    """The draft as a consultation: its people (matched and newly added), our staff, the summary,
    the message and its allowed attachments as documents; the draft is gone afterwards."""
    people = [person for _, person in proposal.people] + _new_people(actor, proposal, choices)
    sent_at = proposal.sent_at
    held_on = to_local(sent_at, reader_zone(actor.user)).date() if sent_at else date.today()
    consultation = create_consultation(
        actor,
        {
            "title": title,
            "held_on": held_on,
            "kind": "email",
            "confidentiality": confidentiality,
            "summary": summary,
            "person_ids": [p.id for p in people],
            "staff_ids": [u.id for u in proposal.staff],
        },
    )
    consultation.held_at = sent_at
    for attached in proposal.attachments:
        if attached.file_type:
            documents.store_document(
                actor, "consultations", consultation, attached.filename, attached.data, attached.file_type
            )
    data = store.get(proposal.draft.sha256)
    documents.store_document(actor, "consultations", consultation, proposal.draft.filename, data, proposal.kind)
    discard(actor, proposal.draft, "confirm")
    return consultation


def discard(actor: Actor, draft: EmailDraft, action: str = "discard") -> None:
    """Remove a draft (its file stays while a document keeps the same bytes)."""
    audit.record(actor, action, EmailDraft, draft.id, f"Email draft {draft.subject[:150]}")
    db.session.info.setdefault(documents.ORPHANS, set()).add(draft.sha256)
    db.session.delete(draft)


def log_call(actor: Actor, person: Person, summary: str, held_on: date | None) -> Consultation:
    """A call with `person` in two fields: what was said, and when (today unless told)."""
    if not (summary or "").strip():
        raise ValidationError({"summary": "Say in a line or two what the call was about."})
    return create_consultation(
        actor,
        {
            "title": f"Call with {person.name}"[:250],
            "held_on": held_on,
            "kind": "call",
            "confidentiality": "normal",
            "summary": summary,
            "person_ids": [person.id],
        },
    )
