"""Affiliations, the link between people and organisations: finding either side by name, and
adding, ending and removing a link from the person's or the organisation's page.

Both sides of the directory (engage/people, engage/organizations) call this module; it imports
neither of them (docs/ARCHITECTURE.md, tier 3)."""

import re
from datetime import date

from rapidfuzz import fuzz, process
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail
from engage.queries import check_version, first_per_group
from engage.text import to_ascii


def today() -> date:
    return date.today()


def current_affiliation_clause(on: date):
    """SQL condition on Affiliation: current on `on` (no end date, or one not yet passed)."""
    return or_(Affiliation.end_on.is_(None), Affiliation.end_on >= on)


def _same_name(column, name: str):
    return or_(column == name, func.lower(column) == name.lower())


def find_organisation_by_name(name: str) -> Organisation | None:
    """A non-archived organisation with exactly this name, ignoring case (an exact-case match first)."""
    return (
        db.session.execute(
            select(Organisation)
            .where(Organisation.archived.is_(False), _same_name(Organisation.name, name))
            .order_by(case((Organisation.name == name, 0), else_=1), Organisation.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


# --- Near-duplicate organisation names -----------------------------------------------------------

# How alike two normalised names must be (rapidfuzz's ratio, 0-100) to ask "Did you mean …?":
# one slip in a name of a dozen letters, not two different names that share a word.
NEAR_MATCH = 90
NEW_ORGANISATION_FIELD = "new_organisation"


def name_key(name: str) -> str:
    """A name as people mean it: case, accents, punctuation, "&"/"and" and a leading "The" ignored."""
    text = to_ascii(name).lower().replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def near_duplicate_organisation(name: str) -> Organisation | None:
    """The non-archived organisation whose name nearly matches `name` (the closest), if any."""
    key = name_key(name)
    if not key:
        return None
    rows = db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.archived.is_(False)))
    keys = {row.id: name_key(row.name) for row in rows}
    # Short names differ by a letter and mean another body ("Mind", "Mint"): they must match exactly.
    cutoff = NEAR_MATCH if len(key) >= 6 else 100
    best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff)
    return db.session.get(Organisation, best[2]) if best else None


def organisation_for_name(actor: Actor, name: str, country: str | None = None, new_ok: bool = False) -> Organisation:
    """Find the organisation by name, or create it (audited). A name that nearly matches an existing
    organisation (a typo, "The", "&") is refused with "Did you mean …?" unless `new_ok` confirms it
    is a different one."""
    organisation = find_organisation_by_name(name)
    if organisation is None and not new_ok:
        near = near_duplicate_organisation(name)
        if near is not None:
            raise ValidationError(
                {
                    "organisation": f"Did you mean “{near.name}”? Use that name, or tick the box to add "
                    f"“{name}” as a new organisation."
                },
                suggestions={"organisation": near.name},
            )
    if organisation is None:
        organisation = Organisation(name=name, kind="other", country=country)
        db.session.add(organisation)
        audit.record_change(actor, "create", organisation, f"Organisation {name} (from a person form)")
    return organisation


def _person_by_name(name: str, errors: dict) -> Person | None:
    """The one non-archived person with this name (ignoring case) or email address; a message in
    `errors` otherwise (namesakes are told apart by their email)."""
    if not name:
        errors["person"] = "Enter the person's name or email address."
        return None
    if "@" in name:
        where = Person.id.in_(select(PersonEmail.person_id).where(func.lower(PersonEmail.email) == name.lower()))
    else:
        where = _same_name(Person.name, name)
    matches = db.session.execute(select(Person).where(Person.archived.is_(False), where).limit(2)).scalars().all()
    if not matches:
        errors["person"] = f"No person is called “{name}”. Add them first."
    elif len(matches) > 1:
        errors["person"] = f"Several people are called “{name}”: enter the email address of the one you mean."
    else:
        return matches[0]
    return None


def get_affiliation(affiliation_id: int) -> Affiliation:
    """One affiliation with its person and organisation; NotFoundError when there is none."""
    affiliation = db.session.execute(
        select(Affiliation)
        .where(Affiliation.id == affiliation_id)
        .options(joinedload(Affiliation.person), joinedload(Affiliation.organisation))
    ).scalar_one_or_none()
    if affiliation is None:
        raise NotFoundError()
    return affiliation


def current_affiliations(person_ids: list[int]) -> dict[int, Affiliation]:
    """One current affiliation per person (the most recently started), with its organisation."""
    if not person_ids:
        return {}
    latest_start = (Affiliation.start_on.is_(None).asc(), Affiliation.start_on.desc(), Affiliation.id.desc())
    stmt = first_per_group(
        Affiliation,
        Affiliation.person_id,
        latest_start,
        Affiliation.person_id.in_(person_ids),
        current_affiliation_clause(today()),
    )
    rows = db.session.execute(stmt.options(joinedload(Affiliation.organisation))).scalars()
    return {a.person_id: a for a in rows}


def split_current(affiliations) -> tuple[list[Affiliation], list[Affiliation]]:
    """(current, past), each in the order given."""
    current, past = [], []
    for a in affiliations:
        (current if a.is_current(today()) else past).append(a)
    return current, past


def ensure_current_affiliation(
    actor: Actor, person: Person, name: str, role: str, new_organisation: bool = False
) -> Affiliation:
    """A current affiliation of `person` with the organisation called `name` (found or created):
    the existing one, or a new one with `role`. `new_organisation` confirms a near-duplicate name."""
    organisation = organisation_for_name(actor, name, person.country, new_organisation)
    existing = db.session.execute(
        select(Affiliation).where(
            Affiliation.person_id == person.id,
            Affiliation.organisation_id == organisation.id,
            current_affiliation_clause(today()),
        )
    ).scalar_one_or_none()
    if existing:
        return existing
    affiliation = Affiliation(person_id=person.id, organisation_id=organisation.id, role=role[:200])
    db.session.add(affiliation)
    audit.record_change(actor, "create", affiliation, f"{person.name} at {organisation.name}")
    return affiliation


END_BEFORE_START = "The end date cannot be before the start date."
# A person or organisation saved by someone else after the form was opened (queries.check_version).
STALE = (
    "{name} was changed by someone else after you opened the form. "
    "Your changes were not saved; reload the page to see the current record and make them again."
)


def add_affiliation(
    actor: Actor,
    person: Person | None,
    organisation: Organisation | None,
    role: str,
    start_on: date | None,
    end_on: date | None,
    organisation_name: str = "",
    person_name: str = "",
    new_organisation: bool = False,
) -> Affiliation:
    """Link a person to an organisation. From the person page the organisation comes by name (found,
    or created when new); from the organisation page the person comes by exact name."""
    errors: dict[str, str] = {}
    organisation_name = " ".join((organisation_name or "").split())
    if person is None:
        person = _person_by_name(" ".join((person_name or "").split()), errors)
    if organisation is None and not organisation_name:
        errors["organisation"] = "Enter the organisation's name."
    elif organisation is None and len(organisation_name) > 250:
        errors["organisation"] = "Keep the organisation name under 250 characters."
    role = (role or "").strip()
    if len(role) > 200:
        errors["role"] = "Keep the role under 200 characters."
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = END_BEFORE_START
    if errors:
        raise ValidationError(errors)
    if organisation is None:
        organisation = organisation_for_name(actor, organisation_name, person.country, new_organisation)
    affiliation = Affiliation(
        person_id=person.id, organisation_id=organisation.id, role=role, start_on=start_on, end_on=end_on
    )
    db.session.add(affiliation)
    audit.record_change(actor, "create", affiliation, f"{person.name} at {organisation.name}")
    return affiliation


def end_affiliation(actor: Actor, affiliation: Affiliation, version, end_on: date | None) -> Affiliation:
    """Give an affiliation an end date (today when none is given)."""
    check_version(
        affiliation, version, message="This affiliation was changed by someone else. Reload the page and try again."
    )
    end_on = end_on or today()
    if affiliation.start_on and end_on < affiliation.start_on:
        # A message for the whole form: the end date sits on a row of the list, not in a field.
        raise ValidationError(END_BEFORE_START)
    affiliation.end_on = end_on
    audit.record_change(
        actor, "update", affiliation, f"Ended: {affiliation.person.name} at {affiliation.organisation.name}"
    )
    return affiliation


def remove_affiliation(actor: Actor, affiliation: Affiliation) -> None:
    """Delete an affiliation entered by mistake (ending it keeps the history instead)."""
    audit.record(
        actor,
        "delete",
        Affiliation,
        affiliation.id,
        f"Removed: {affiliation.person.name} at {affiliation.organisation.name}",
        {"person_id": [affiliation.person_id, None], "organisation_id": [affiliation.organisation_id, None]},
    )
    db.session.delete(affiliation)
    db.session.flush()
