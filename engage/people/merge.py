"""Likely duplicate people, and merging two of them into one.

Finding pairs blocks people by key (an email in any case; a normalised name at the same current
organisation) and pairs only within a block; the keys are stored and indexed on the rows
(people.name_key, person_emails.email_key), so the database finds the shared ones by grouping.

A merge moves every row that points at the merged-away person to the survivor, found from the
schema's foreign keys (a new table that points at people is moved without a change here), drops
the rows that would then collide with the survivor's own (the link both had is kept once), keeps
once the rows no unique key guards that now say the same thing twice (SAME_ROW: the same
affiliation, forum seat, assessment or declaration on both records; the older row stays), and
deletes the merged-away person. Their field values and links go into the audit log whole, so the
record can be rebuilt, and their old address redirects to the survivor.
"""

import itertools
from dataclasses import dataclass, field

from sqlalchemy import Table, UniqueConstraint, and_, delete, exists, func, select, update
from sqlalchemy.orm import selectinload

from engage.affiliations.services import current_affiliation_clause, today
from engage.audit import services as audit
from engage.audit.models import AuditEvent
from engage.audit.services import Actor, _plain
from engage.errors import ValidationError
from engage.extensions import db
from engage.fulltext import hooks as fulltext_hooks
from engage.organizations.models import Affiliation, Organisation
from engage.people import consent
from engage.people.models import Person, PersonEmail
from engage.queries import check_version

MERGED_AWAY = "merged-away"  # the audit action on the merged-away id: holds the record and its survivor
BLOCK_LIMIT = 25  # a bigger block (a very common name at one organisation) pairs only its neighbours
# The fields a user picks one side of; consent travels as one whole record.
FIELDS = {
    "name": "Name",
    "pronouns": "Pronouns",
    "title": "Title or role",
    "country": "Country",
    "languages": "Languages",
    "time_zone": "Time zone",
    "bio": "Bio",
    "links": "Links",
    "owner_id": "Relationship owner",
    "nda_status": "NDA status",
    "consent": "Consent record",
    "lived_experience": "Lived experience",
}
CONSENT_COLUMNS = ("consent_basis", "consent_on", "consent_contact", "consent_internal", "consent_public")
CONSENT_COLUMNS += ("consent_regulator",)
# Rows that no unique key keeps single, and that say the same thing when both records had one: the
# columns (besides person_id) that make two of a person's rows the same. A merge keeps the older.
# Not here on purpose: what can truly happen twice alike (honoraria, consent changes, commitments,
# points raised, documents); emails and phones are matched before the move (_drop_same_contacts).
SAME_ROW = {
    "affiliations": ("organisation_id", "role", "start_on", "end_on"),
    "forum_members": ("forum_id", "organisation_id", "role", "term_start", "term_end"),
    "stakeholder_assessments": ("assessed_on", "influence", "stance", "note"),
    "conflict_declarations": ("declared_on", "description"),
}


@dataclass
class Pair:
    first: Person
    second: Person
    reasons: list[str] = field(default_factory=list)


def _blocks() -> dict[tuple[int, int], set[str]]:
    """{(lower id, higher id): reasons} from the two blockings; erased people are never paired.

    Each blocking first finds the keys that more than one row shares by a GROUP BY over the stored,
    indexed key (people.name_key, person_emails.email_key), then reads only the rows under those
    keys: the cost follows the number of likely duplicates, not the size of the directory."""
    found: dict[tuple[int, int], set[str]] = {}

    def pair_up(ids: set[int], reason: str) -> None:
        ids = sorted(ids)
        pairs = itertools.combinations(ids, 2) if len(ids) <= BLOCK_LIMIT else itertools.pairwise(ids)
        for a, b in pairs:
            found.setdefault((a, b), set()).add(reason)

    live = Person.erased_at.is_(None)
    key = PersonEmail.email_key
    shared = select(key).where(key != "").group_by(key).having(func.count(func.distinct(PersonEmail.person_id)) > 1)
    by_email: dict[str, set[int]] = {}
    for email, person_id in db.session.execute(
        select(key, PersonEmail.person_id).join(Person).where(live, key.in_(shared))
    ):
        by_email.setdefault(email, set()).add(person_id)
    for email, ids in by_email.items():
        pair_up(ids, f"Same email: {email}")
    namesakes = select(Person.name_key).where(Person.name_key != "").group_by(Person.name_key)
    namesakes = namesakes.having(func.count() > 1)
    by_name: dict[tuple[str, int], set[int]] = {}
    for person_id, name, organisation_id in db.session.execute(
        select(Person.id, Person.name_key, Affiliation.organisation_id)
        .join(Affiliation, Affiliation.person_id == Person.id)
        .where(live, Person.name_key.in_(namesakes), current_affiliation_clause(today()))
    ):
        by_name.setdefault((name, organisation_id), set()).add(person_id)
    blocks = {block: ids for block, ids in by_name.items() if len(ids) > 1}
    org_ids = {organisation_id for _, organisation_id in blocks}
    org_names = dict(
        db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))).all()
    )
    for (_, organisation_id), ids in blocks.items():
        pair_up(ids, f"Same name at {org_names[organisation_id]}")
    return found


def duplicate_pairs(page: int = 1, per_page: int = 50) -> tuple[list[Pair], int]:
    """One page of likely duplicate pairs (by the lower id), and how many there are in all."""
    found = _blocks()
    keys = sorted(found)
    chosen = keys[(page - 1) * per_page : page * per_page]
    ids = {i for pair in chosen for i in pair}
    people = {
        p.id: p
        for p in db.session.execute(
            select(Person).where(Person.id.in_(ids)).options(selectinload(Person.emails))
        ).scalars()
    }
    return [Pair(people[a], people[b], sorted(found[(a, b)])) for a, b in chosen], len(keys)


# --- Merging -----------------------------------------------------------------------------------


def person_links() -> list[tuple[Table, object]]:
    """(table, column) for every column in the schema that points at people.id."""
    return links_to(Person.__table__)


def links_to(target: Table) -> list[tuple[Table, object]]:
    """(table, column) for every column in the schema that points at `target`.id."""
    return [
        (table, fk.parent)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is target and fk.column.name == "id"
    ]


def _unique_sets(table: Table, column) -> list[list]:
    """The column sets of `table` that must stay unique and include `column` (primary key, unique
    constraints and indexes)."""
    sets = [list(table.primary_key.columns)]
    sets += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [list(i.columns) for i in table.indexes if i.unique]
    return [s for s in sets if any(c is column for c in s)]


def _links_of(person_id: int) -> dict[str, list[dict]]:
    """Every row pointing at the person, by table, as plain values (binary content left out)."""
    found = {}
    for table, column in person_links():
        columns = [c for c in table.columns if c.type.__class__.__name__ != "LargeBinary"]
        rows = db.session.execute(select(*columns).where(column == person_id)).mappings().all()
        if rows:
            found.setdefault(f"{table.name}.{column.name}", []).extend(
                {k: _plain(v) for k, v in row.items()} for row in rows
            )
    return found


def _fields_of(person: Person) -> dict:
    return {c.key: _plain(getattr(person, c.key)) for c in Person.__mapper__.column_attrs}


def _move(table: Table, column, old: int, new: int) -> None:
    """Point `table.column` rows at `new` instead of `old`; where `new` already has the same link
    (a unique key would clash), the old row is dropped and the survivor's kept."""
    for columns in _unique_sets(table, column):
        others = [c for c in columns if c is not column]
        twin = table.alias("twin")
        clash = exists().where(twin.c[column.name] == new, *[twin.c[c.name] == table.c[c.name] for c in others])
        db.session.execute(delete(table).where(column == old, clash))
    db.session.execute(update(table).where(column == old).values({column.name: new}))


def _same(value):
    """A value as "the same row" compares it: text without case or extra spaces."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _collapse_same_rows(person_id: int) -> dict[str, list[dict]]:
    """Delete the survivor's rows that now say the same as an older row of theirs (SAME_ROW), after
    pointing whatever referred to a dropped row at the kept one. Returns the dropped rows by table,
    for the merge's audit event."""
    dropped: dict[str, list[dict]] = {}
    for name, same in SAME_ROW.items():
        table = db.metadata.tables[name]
        rows = db.session.execute(select(table).where(table.c.person_id == person_id).order_by(table.c.id))
        kept: dict[tuple, int] = {}
        for row in rows.mappings().all():
            key = tuple(_same(row[column]) for column in same)
            if key not in kept:
                kept[key] = row["id"]
                continue
            for referring, column in links_to(table):
                _move(referring, column, row["id"], kept[key])
            db.session.execute(delete(table).where(table.c.id == row["id"]))
            values = {column: _plain(row[column]) for column in same}
            dropped.setdefault(name, []).append({"id": row["id"], "kept": kept[key], **values})
    return dropped


def _drop_same_contacts(survivor: Person, other: Person) -> None:
    """The other's emails (in any case) and phones that the survivor already has; the rest go after
    the survivor's own in order."""
    own_emails = {e.email.lower() for e in survivor.emails}
    own_phones = {p.number for p in survivor.phones}
    for row in list(other.emails):
        if row.email.lower() in own_emails:
            other.emails.remove(row)
    for row in list(other.phones):
        if row.number in own_phones:
            other.phones.remove(row)
    for rows in (other.emails, other.phones):
        for n, row in enumerate(rows):
            row.position = 1000 + n


def _renumber(person: Person) -> None:
    for rows in (person.emails, person.phones):
        for n, row in enumerate(sorted(rows, key=lambda r: (r.position, r.id))):
            row.position = n


def values_for(survivor: Person, other: Person, picks: dict[str, str], may_see_lived: bool) -> dict:
    """The survivor's values after the merge: each field from the side picked ('keep' or 'other')."""
    values = {}
    for key in FIELDS:
        side = other if picks.get(key) == "other" else survivor
        if key == "lived_experience":
            if not may_see_lived:  # unseen: keep what the survivor has, else the other's
                side = survivor if survivor.lived_experience else other
            values[key] = side.lived_experience
        elif key == "consent":
            values.update({c: getattr(side, c) for c in CONSENT_COLUMNS})
        else:
            values[key] = getattr(side, key)
    # Do not contact is never lost in a merge: either record saying so is enough.
    values["do_not_contact"] = survivor.do_not_contact or other.do_not_contact
    values["archived"] = survivor.archived and other.archived
    dates = [d for d in (survivor.last_interaction_on, other.last_interaction_on) if d]
    values["last_interaction_on"] = max(dates) if dates else None
    return values


def merge_people(
    actor: Actor,
    survivor: Person,
    other: Person,
    versions: tuple[int | None, int | None],
    picks: dict[str, str],
    may_see_lived: bool,
) -> Person:
    """Merge `other` into `survivor` in this transaction; returns the survivor.

    Both versions must be the ones the merge screen showed (someone else's edit in between is a
    conflict). Every link moves; the other's record and links are kept in the audit log."""
    if survivor.id == other.id:
        raise ValidationError("Choose two different people to merge.")
    if survivor.erased_at or other.erased_at:
        raise ValidationError("An erased person cannot be merged.")
    check_version(survivor, versions[0], message=f"{survivor.name} was changed after you opened the merge.")
    check_version(other, versions[1], message=f"{other.name} was changed after you opened the merge.")
    values = values_for(survivor, other, picks, may_see_lived)
    record = {"fields": _fields_of(other), "links": _links_of(other.id)}
    before_consent = consent.snapshot(survivor)
    _drop_same_contacts(survivor, other)
    db.session.flush()
    for table, column in person_links():
        _move(table, column, other.id, survivor.id)
    collapsed = _collapse_same_rows(survivor.id)
    fulltext_hooks.mark(db.session, "people", survivor.id)  # the moves bypass the ORM: reindex the survivor
    other_id, other_name = other.id, other.name
    db.session.expire_all()  # the rows moved under the ORM's feet: read them again
    db.session.delete(db.session.get(Person, other_id))
    db.session.flush()
    survivor = db.session.get(Person, survivor.id)
    for key, value in values.items():
        if getattr(survivor, key) != value:
            setattr(survivor, key, value)
    _renumber(survivor)
    changes = audit.changed_fields(survivor)
    changes.pop("lived_experience", None)
    db.session.flush()
    summary = f"Merged {other_name} (#{other_id}) into {survivor.name}"
    details = {"merged_away_id": other_id, "collapsed": collapsed}
    audit.record(actor, "merge", Person, survivor.id, summary, changes, details=details)
    audit.record(actor, MERGED_AWAY, Person, other_id, summary, details={"merged_into": survivor.id, "record": record})
    consent.record_if_changed(actor, survivor, before_consent, "merge")
    return survivor


def merged_into(person_id: int, hops: int = 5) -> int | None:
    """The person a merged-away id now lives on (following merges of merges), or None."""
    target = None
    for _ in range(hops):
        event = db.session.execute(
            select(AuditEvent)
            .where(
                and_(
                    AuditEvent.record_type == Person.__tablename__,
                    AuditEvent.record_id == person_id,
                    AuditEvent.action == MERGED_AWAY,
                )
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if event is None:
            break
        target = person_id = int(event.changes[audit.DETAILS]["merged_into"])
        if db.session.get(Person, person_id) is not None:
            return person_id
    return target if target is not None and db.session.get(Person, target) is not None else None
