"""People: every write to a person (create, edit, archive). The person form's data is checked
here, field by field, so the form and any later import see the same rules. Services take an
Actor and data, flush, never commit, and raise ValidationError / ConflictError.

Reading is in people/queries.py; the small forms of the person page in people/records.py."""

from dataclasses import dataclass, field
from datetime import date

import pycountry

from engage.affiliations.services import STALE, ensure_current_affiliation, today
from engage.audit import services as audit
from engage.audit.services import Actor, changed_fields
from engage.auth.models import User
from engage.auth.permissions import (
    can_change_owner,
    can_record_lived_experience,
    can_see_lived_experience,
    owner_change_needs_admin,
)
from engage.errors import ValidationError
from engage.extensions import db
from engage.ids import as_id, as_ids
from engage.people import consent, duplicates
from engage.people.models import (
    CONSENT_BASES,
    CONSENT_SCOPES,
    NDA_STATUSES,
    PROFILE_FIELDS,
    Person,
    PersonEmail,
    PersonPhone,
)
from engage.queries import check_version
from engage.topics.services import topics_by_ids
from engage.validation import (
    Invalid,
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_url,
    normalise_zone,
)


@dataclass
class PersonData:
    """What the person form hands to the service (already plain Python, not yet validated)."""

    name: str = ""
    email: str = ""
    other_emails: str = ""
    phones: str = ""
    pronouns: str = ""
    title: str = ""
    country: str = ""
    languages: str = ""
    time_zone: str = ""
    topic_ids: list = field(default_factory=list)
    links: str = ""
    bio: str = ""
    owner_id: str | int | None = None
    organisation: str = ""
    new_organisation: bool = False  # the organisation is new, though its name is like an existing one
    nda_status: str = "none"
    consent_basis: str = ""
    consent_on: date | None = None
    consent_contact: bool = False
    consent_internal: bool = False
    consent_public: bool = False
    consent_regulator: bool = False
    do_not_contact: bool = False
    lived_experience: str | None = None  # None: leave as it is (the user may not see it)
    create_anyway: bool = False  # the user has seen the likely duplicates and creates a new person


OWNER_REFUSED = "Only an admin or the current relationship owner can change the owner."
LIVED_EXPERIENCE_REFUSED = (
    "Only admins and the relationship owner may record lived experience: make yourself the owner or leave this blank."
)


def _topics(ids, errors: dict) -> list:
    """The chosen topics by name; an unknown id is a message on `topics`."""
    try:
        return sorted(topics_by_ids(as_ids(ids)), key=lambda t: t.name)
    except ValidationError as error:
        errors.update(error.errors)
        return []


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]


def _valid_lines(text: str | None, key: str, normalise, errors: dict):
    """(line number, normalised value) for each line that `normalise` accepts; the first refused
    line's message goes on `key`."""
    for n, line in _lines(text):
        try:
            yield n, normalise(line)
        except Invalid as e:
            errors.setdefault(key, f"Line {n}: {e}")


def _languages(text: str) -> list[str]:
    codes = []
    for raw in (text or "").replace(";", ",").split(","):
        value = raw.strip()
        if not value:
            continue
        lang = pycountry.languages.get(alpha_2=value.lower()) if len(value) == 2 else None
        if lang is None:
            try:
                lang = pycountry.languages.lookup(value)
            except LookupError:
                lang = None
        if lang is None or not getattr(lang, "alpha_2", None):
            raise Invalid(f"“{value}” is not a language we know. Use ISO 639-1 codes, e.g. en, es, pt.")
        if lang.alpha_2 not in codes:
            codes.append(lang.alpha_2)
    return codes


def validate_person(data: PersonData, known: dict | None = None) -> dict:
    """Check every field; return clean values or raise ValidationError with all the messages.
    The person form and every import use this, so they accept and normalise the same values.
    `known`: an import's memo of the owners it has looked up already (one dict for the file)."""
    errors: dict[str, str] = {}
    clean: dict = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = "Enter the person's name."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    clean["name"] = name
    try:
        clean["country"] = normalise_country(data.country)
    except Invalid as e:
        errors["country"] = str(e)
        clean["country"] = None
    emails = []
    if (data.email or "").strip():
        try:
            emails.append(normalise_email(data.email))
        except Invalid as e:
            errors["email"] = str(e)
    for _, address in _valid_lines(data.other_emails, "other_emails", normalise_email, errors):
        if address.lower() not in {a.lower() for a in emails}:
            emails.append(address)
    if emails and not (data.email or "").strip():
        errors.setdefault("email", "Enter the primary email, or move it up from the other emails.")
    clean["emails"] = emails
    clean["phones"] = []
    for _, number in _valid_lines(data.phones, "phones", lambda line: normalise_phone(line, clean["country"]), errors):
        if number not in clean["phones"]:
            clean["phones"].append(number)
    clean["links"] = []
    for n, url in _valid_lines(data.links, "links", normalise_url, errors):
        if len(url) > 500:
            errors.setdefault("links", f"Line {n}: the address is too long.")
        elif url not in clean["links"]:
            clean["links"].append(url)
    try:
        clean["languages"] = _languages(data.languages)
    except Invalid as e:
        errors["languages"] = str(e)
    try:
        clean["time_zone"] = normalise_zone(data.time_zone)
    except Invalid as e:
        errors["time_zone"] = str(e)
    for key, limit in (("pronouns", 40), ("title", 200)):
        value = (getattr(data, key) or "").strip()
        if len(value) > limit:
            errors[key] = f"Keep this under {limit} characters."
        clean[key] = value
    organisation = " ".join((data.organisation or "").split())
    if len(organisation) > 250:
        errors["organisation"] = "Keep the organisation name under 250 characters."
    clean["organisation"] = organisation
    clean["new_organisation"] = bool(data.new_organisation)
    clean["topics"] = _topics(data.topic_ids, errors)
    owner = None
    if data.owner_id not in (None, "", "0"):
        owner = _owner(as_id(data.owner_id), {} if known is None else known)
        if owner is None or not owner.active:
            errors["owner"] = "Choose an active user as the owner."
    clean["owner_id"] = owner.id if owner else None
    if data.nda_status not in NDA_STATUSES:
        errors["nda_status"] = "Choose an NDA status from the list."
    clean["nda_status"] = data.nda_status
    basis = data.consent_basis or None
    if basis is not None and basis not in CONSENT_BASES:
        errors["consent_basis"] = "Choose consent or legitimate interest."
    clean["consent_basis"] = basis
    if data.consent_on and data.consent_on > today():
        errors["consent_on"] = "The consent date cannot be in the future."
    clean["consent_on"] = data.consent_on
    for key in (*CONSENT_SCOPES, "do_not_contact"):
        clean[key] = bool(getattr(data, key))
    clean["bio"] = (data.bio or "").strip()
    if len(clean["bio"]) > 20000:
        errors["bio"] = "Keep the bio under 20,000 characters."
    if data.lived_experience is not None:
        clean["lived_experience"] = data.lived_experience.strip()
    if errors:
        raise ValidationError(errors)
    return clean


def _owner(number: int | None, known: dict) -> User | None:
    key = ("owner", number)
    if key not in known:
        known[key] = db.session.get(User, number) if number else None
    return known[key]


def _replace_list(person: Person, key: str, model, column: str, values: list[str], extra: dict) -> None:
    """Set the person's emails or phones to `values` in this order, keeping the rows that stay."""
    old = [getattr(row, column) for row in getattr(person, key)]
    if old == values:
        return
    kept = {getattr(row, column): row for row in getattr(person, key)}
    setattr(person, key, [kept.get(v) or model(**{column: v, "label": "work"}) for v in values])
    for position, row in enumerate(getattr(person, key)):
        row.position = position
    extra[key] = [old, values]


def _apply(person: Person, clean: dict) -> dict:
    """Copy clean values onto `person`; return the changes to lists that column history misses."""
    extra = {}
    for key in (
        "name",
        *PROFILE_FIELDS,
        "owner_id",
        "nda_status",
        "consent_basis",
        "consent_on",
        *CONSENT_SCOPES,
        "do_not_contact",
        "lived_experience",
    ):
        if key in clean and getattr(person, key) != clean[key]:
            setattr(person, key, clean[key])
    for key, model, column in (("emails", PersonEmail, "email"), ("phones", PersonPhone, "number")):
        _replace_list(person, key, model, column, clean[key], extra)
    old_topics = sorted(t.slug for t in person.topics)
    if old_topics != sorted(t.slug for t in clean["topics"]):
        person.topics = clean["topics"]
        extra["topics"] = [old_topics, sorted(t.slug for t in clean["topics"])]
    return extra


def _audit(actor: Actor, action: str, person: Person, extra: dict, summary: str) -> None:
    changes = changed_fields(person)
    if "lived_experience" in changes:
        if not any(changes["lived_experience"]):
            del changes["lived_experience"]
        else:
            changes["lived_experience"] = ["…", "changed"]  # special-category data stays out of the log
    changes.update(extra)
    db.session.flush()
    audit.record(actor, action, Person, person.id, summary, changes)


def _save(actor: Actor, action: str, person: Person, clean: dict) -> Person:
    before = consent.snapshot(person if person.id else None)
    extra = _apply(person, clean)
    _audit(actor, action, person, extra, f"Person {person.name}")
    consent.record_if_changed(actor, person, before, "create" if action == "create" else "form")
    if clean["organisation"]:
        ensure_current_affiliation(actor, person, clean["organisation"], clean["title"], clean["new_organisation"])
    return person


def create_person(actor: Actor, data: PersonData) -> Person:
    """Add a person; with an organisation name, also a current affiliation (creating the organisation
    when no organisation has that name)."""
    clean = validate_person(data)
    if clean.get("lived_experience") and not can_record_lived_experience(actor.user, clean["owner_id"]):
        raise ValidationError({"lived_experience": LIVED_EXPERIENCE_REFUSED})
    if not data.create_anyway:
        candidate = duplicates.Candidate(clean["name"], clean["emails"], clean["organisation"])
        if matches := duplicates.find_one(candidate):
            raise duplicates.PossibleDuplicates(matches)
    person = Person(emails=[], phones=[], topics=[], lived_experience="")
    db.session.add(person)
    return _save(actor, "create", person, clean)


def update_person(actor: Actor, person: Person, version: int | None, data: PersonData) -> Person:
    """Change a person. `version` is the one the form was opened with; a newer one means someone
    else saved first, and their save stands. Lived experience is changed only by those who may see it."""
    check_version(person, version, message=STALE.format(name=person.name))
    if data.lived_experience is not None and not can_see_lived_experience(actor.user, person):
        raise ValidationError({"lived_experience": LIVED_EXPERIENCE_REFUSED})
    clean = validate_person(data)
    old_owner = person.owner
    if clean["owner_id"] != person.owner_id:
        _check_owner_change(actor, person, clean["owner_id"])
    _save(actor, "update", person, clean)
    if clean["owner_id"] != (old_owner.id if old_owner else None):
        new_owner = db.session.get(User, clean["owner_id"]) if clean["owner_id"] else None
        audit.record(
            actor,
            "owner",
            Person,
            person.id,
            f"Relationship owner of {person.name}: {old_owner.name if old_owner else 'none'} → "
            f"{new_owner.name if new_owner else 'none'}",
            {"owner_id": [old_owner.id if old_owner else None, clean["owner_id"]]},
        )
    return person


def _check_owner_change(actor: Actor, person: Person, owner_id: int | None) -> None:
    """Only admins and the current owner hand a person over; lived experience moves only by an admin."""
    if not can_change_owner(actor.user, person):
        raise ValidationError({"owner": OWNER_REFUSED})
    if owner_change_needs_admin(actor.user, person, owner_id):
        raise ValidationError(
            {"owner": "Lived experience is recorded for this person: only an admin can hand them to another owner."}
        )


def set_archived(actor: Actor, person: Person, archived: bool) -> Person:
    """Archive (hide from lists; history keeps pointing at them) or bring back a person."""
    if person.archived != archived:
        person.archived = archived
        _audit(actor, "archive" if archived else "unarchive", person, {}, f"Person {person.name}")
    return person
