"""Writing many people at once (imports): rows already checked by `services.validate_person` are
inserted in batches — people, their emails and phones, topics and current affiliations — inside
the caller's transaction, so a failure anywhere writes nothing. One audit event covers the batch
(the import's), rather than 100,000 of them."""

from contextlib import contextmanager

from sqlalchemy import func, select, text

from engage.affiliations.services import current_affiliation_clause, ensure_current_affiliation, today
from engage.audit import services as audit
from engage.audit.models import AuditEvent
from engage.audit.services import Actor
from engage.extensions import db
from engage.fulltext import index as fulltext_index
from engage.fulltext.documents import person_doc
from engage.mixins import utcnow
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import (
    CONSENT_SCOPES,
    PROFILE_FIELDS,
    Person,
    PersonEmail,
    PersonPhone,
    email_key,
    name_key,
    person_topics,
)
from engage.people.services import _audit
from engage.queries import insert_rows
from engage.webhooks import notes as webhook_notes

BATCH = 2000
BULK_CACHE_KIB = 128 * 1024  # SQLite page cache while an import writes (released after)
PERSON_COLUMNS = ("name", *PROFILE_FIELDS, "owner_id", "nda_status", "consent_basis", "consent_on", "do_not_contact")


def allocate_ids(table, count: int) -> list[int]:
    """`count` new primary keys for `table`, so that batches insert without RETURNING (which
    SQLAlchemy runs one row per statement on SQLite when the order must be kept). PostgreSQL
    takes them from the table's sequence; SQLite continues from the largest id, which is safe
    because the caller has already written in this transaction and so holds SQLite's write lock."""
    if count == 0:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = f"{table.name}_id_seq"
        stmt = text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)")
        return list(db.session.scalars(stmt, {"sequence": sequence, "n": count}))
    start = db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + count))


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
    ids = allocate_ids(Organisation.__table__, len(new))
    rows, events = [], []
    for (name, country), organisation_id in zip(new, ids, strict=True):
        found[name.lower()] = organisation_id
        rows.append({"id": organisation_id, "name": name, "kind": "other", "country": country})
        rows[-1] |= {"created_at": now, "updated_at": now}
        events.append(
            {
                "user_id": actor.user.id if actor.user else None,
                "action": "create",
                "record_type": audit.record_type(Organisation),
                "record_id": organisation_id,
                "summary": f"Organisation {name} ({source})"[:300],
                "remote_addr": actor.remote_addr,
            }
        )
    for table, chunk_rows in ((Organisation.__table__, rows), (AuditEvent.__table__, events)):
        for chunk in _batches(chunk_rows):
            insert_rows(table, chunk)
    fulltext_index.refresh(db.session, [("organisations", i) for i in ids])  # Core inserts: index them here
    return found


@contextmanager
def _page_cache():
    """On SQLite, a bigger page cache while the batches go in: past ~50,000 people the indexes
    (names, emails) outgrow the default 2 MB and every insert rereads their pages."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size={-BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before):d}")


def create_people(actor: Actor, cleans: list[dict], source: str) -> list[int]:
    """Insert people from clean values (see `validate_person`), in batches; their ids in order."""
    with _page_cache():
        return _create_people(actor, cleans, source)


def _create_people(actor: Actor, cleans: list[dict], source: str) -> list[int]:
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
            row["name_key"] = name_key(clean["name"])
            people.append(row)
        chunk_ids = allocate_ids(Person.__table__, len(people))
        for row, person_id in zip(people, chunk_ids, strict=True):
            row["id"] = person_id
        insert_rows(Person.__table__, people)
        emails, phones, topics, affiliations = [], [], [], []
        for person_id, clean in zip(chunk_ids, chunk, strict=True):
            emails += [
                {"person_id": person_id, "email": e, "email_key": email_key(e), "label": "work", "position": i}
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
            (PersonEmail.__table__, emails),
            (PersonPhone.__table__, phones),
            (person_topics, topics),
            (Affiliation.__table__, affiliations),
        ):
            insert_rows(model, rows)
        ids += chunk_ids
    fulltext_index.add(db.session, "people", _index_docs(ids, cleans, organisation_ids))  # Core inserts
    for person_id, clean in zip(ids, cleans, strict=True):  # and announce them (webhooks)
        fields = {key: clean.get(key) for key in PERSON_COLUMNS if clean.get(key)}
        webhook_notes.note(
            db.session, "person.created", person_id, fields | ({"emails": None} if clean["emails"] else {})
        )
    return ids


def _index_docs(ids: list[int], cleans: list[dict], organisation_ids: dict[str, int]):
    """The new people's search entries, from the rows just written (organisations by their stored name)."""
    names = {}
    wanted = sorted(set(organisation_ids.values()))
    for chunk in _batches(wanted, 500):
        names |= dict(
            db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(chunk))).all()
        )
    for person_id, clean in zip(ids, cleans, strict=True):
        organisation = clean["organisation"]
        yield person_doc(
            person_id,
            clean["name"],
            clean["title"],
            [names[organisation_ids[organisation.lower()]]] if organisation else [],
            clean["country"],
            clean["bio"],
            [*clean["emails"], *(t.name for t in clean["topics"])],
        )


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
