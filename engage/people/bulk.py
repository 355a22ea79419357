"""Writing many people at once (imports): rows already checked by `services.validate_person` are
inserted in batches — people, their emails and phones, topics and current affiliations — inside
the caller's transaction, so a failure anywhere writes nothing. One audit event covers the batch
(the import's), rather than 100,000 of them."""

from sqlalchemy import func, insert, select

from engage.affiliations.services import current_affiliation_clause, ensure_current_affiliation, today
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.extensions import db
from engage.mixins import utcnow
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import CONSENT_SCOPES, PROFILE_FIELDS, Person, PersonEmail, PersonPhone, person_topics
from engage.people.services import _audit

BATCH = 2000
PERSON_COLUMNS = ("name", *PROFILE_FIELDS, "owner_id", "nda_status", "consent_basis", "consent_on", "do_not_contact")


def _batches(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def organisations_by_name(actor: Actor, names: dict[str, str | None], source: str) -> dict[str, int]:
    """Lower-cased organisation name → id for each of `names` (name → country of the first person
    at it), creating the missing ones in one batch (audited, like the person form does one by one)."""
    found: dict[str, int] = {}
    keys = sorted({n.lower() for n in names})
    for chunk in _batches(keys, 500):
        rows = db.session.execute(
            select(func.lower(Organisation.name), Organisation.id)
            .where(Organisation.archived.is_(False), func.lower(Organisation.name).in_(chunk))
            .order_by(Organisation.id)
        )
        for key, organisation_id in rows:
            found.setdefault(key, organisation_id)
    missing = {}
    for name, country in names.items():
        missing.setdefault(name.lower(), (name, country))
    new = [(name, country) for key, (name, country) in missing.items() if key not in found]
    now = utcnow()
    for chunk in _batches(new):
        ids = db.session.scalars(
            insert(Organisation.__table__).returning(Organisation.__table__.c.id, sort_by_parameter_order=True),
            [
                {"name": name, "kind": "other", "country": country, "created_at": now, "updated_at": now}
                for name, country in chunk
            ],
        ).all()
        for (name, _), organisation_id in zip(chunk, ids, strict=True):
            found[name.lower()] = organisation_id
            audit.record(actor, "create", Organisation, organisation_id, f"Organisation {name} ({source})")
    return found


def create_people(actor: Actor, cleans: list[dict], source: str) -> list[int]:
    """Insert people from clean values (see `validate_person`), in batches; their ids in order."""
    now = utcnow()
    orgs = {}
    for clean in cleans:
        if clean["organisation"]:
            orgs.setdefault(clean["organisation"], clean["country"])
    organisation_ids = organisations_by_name(actor, orgs, source) if orgs else {}
    ids: list[int] = []
    for chunk in _batches(cleans):
        people = []
        for clean in chunk:
            row = {key: clean[key] for key in PERSON_COLUMNS}
            row |= {key: clean[key] for key in CONSENT_SCOPES}
            row |= {"lived_experience": clean.get("lived_experience", ""), "created_at": now, "updated_at": now}
            people.append(row)
        people_table = Person.__table__  # Core inserts: no ORM bookkeeping per row
        returning = insert(people_table).returning(people_table.c.id, sort_by_parameter_order=True)
        chunk_ids = db.session.scalars(returning, people).all()
        emails, phones, topics, affiliations = [], [], [], []
        for person_id, clean in zip(chunk_ids, chunk, strict=True):
            emails += [
                {"person_id": person_id, "email": e, "label": "work", "position": i}
                for i, e in enumerate(clean["emails"])
            ]
            phones += [
                {"person_id": person_id, "number": n, "label": "work", "position": i}
                for i, n in enumerate(clean["phones"])
            ]
            topics += [{"person_id": person_id, "topic_id": t.id} for t in clean["topics"]]
            if clean["organisation"]:
                organisation_id = organisation_ids[clean["organisation"].lower()]
                affiliations.append(
                    {"person_id": person_id, "organisation_id": organisation_id, "role": clean["title"][:200]}
                )
        for model, rows in (
            (PersonEmail, emails),
            (PersonPhone, phones),
            (person_topics, topics),
            (Affiliation, affiliations),
        ):
            if rows:
                db.session.execute(insert(model), rows)
        ids += chunk_ids
    return ids


def update_person(actor: Actor, person: Person, clean: dict, source: str) -> Person:
    """Bring an existing person up to date from an imported row: fields the person has empty are
    filled, new emails and phones are added after theirs; nothing they hold is overwritten."""
    for key in ("title", "pronouns", "country", "time_zone", "bio"):
        if clean.get(key) and not getattr(person, key):
            setattr(person, key, clean[key])
    for key in ("languages", "links"):
        if clean.get(key) and not getattr(person, key):
            setattr(person, key, clean[key])
    extra = {}
    known = {e.email.lower() for e in person.emails}
    added = [e for e in clean["emails"] if e.lower() not in known]
    if added:
        extra["emails"] = [[e.email for e in person.emails], [e.email for e in person.emails] + added]
        for address in added:
            person.emails.append(PersonEmail(email=address, label="work", position=len(person.emails)))
    numbers = {p.number for p in person.phones}
    for number in clean["phones"]:
        if number not in numbers:
            person.phones.append(PersonPhone(number=number, label="work", position=len(person.phones)))
            numbers.add(number)
    if clean["do_not_contact"] and not person.do_not_contact:
        person.do_not_contact = True
    _audit(actor, "update", person, extra, f"Person {person.name} ({source})")
    if clean["organisation"]:
        current = db.session.execute(
            select(Affiliation.id)
            .join(Organisation)
            .where(
                Affiliation.person_id == person.id,
                func.lower(Organisation.name) == clean["organisation"].lower(),
                current_affiliation_clause(today()),
            )
        ).first()
        if current is None:
            ensure_current_affiliation(actor, person, clean["organisation"], clean["title"])
    return person
