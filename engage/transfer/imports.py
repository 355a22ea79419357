"""The one import engine behind /import/people, /import/organizations and `engage import-people`.

prepare  read the file (kind, encoding, header row) and find its column mapping:
         a known export's, a remembered one, or none yet (the page asks);
check    every row through the same validation as the form, with its likely duplicates and
         warnings — nothing is written;
apply    all rows or none: any row with an error refuses the whole import; people are
         inserted in batches; one audit event names the file, the counts and the user.
"""

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select

from engage.affiliations.services import find_organisation_by_name
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.errors import ValidationError
from engage.extensions import db
from engage.ids import as_id
from engage.organizations import services as organisations
from engage.organizations.models import Organisation
from engage.people import bulk
from engage.people.duplicates import Candidate, Match, find
from engage.people.models import Person
from engage.people.privacy import erased_email_fingerprints
from engage.people.services import validate_person
from engage.transfer import files, mapping, rows
from engage.transfer.models import ImportMapping

ACTIONS = ("create", "update", "skip")


@dataclass
class Row:
    """One record of the file as the preview shows it."""

    number: int
    name: str = ""
    email: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, problem)
    # Things to know that do not stop the import; other checks append here.
    warnings: list[str] = field(default_factory=list)
    duplicates: list[Match] = field(default_factory=list)
    action: str = "create"
    do_not_contact: bool = False
    clean: dict | None = None
    target: int | None = None  # the person an "update" changes


@dataclass
class Plan:
    kind: str  # people / organizations
    filename: str
    table: files.Table
    fields: list[str] = field(default_factory=list)
    source: str = ""  # how the mapping was found: the known export's name, "remembered", "chosen"
    rows: list[Row] = field(default_factory=list)

    @property
    def needs_mapping(self) -> bool:
        return self.table.kind != "vcard" and not self.fields

    @property
    def total(self) -> int:
        return len(self.table.cards) if self.table.kind == "vcard" else len(self.table.rows)

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts


def prepare(kind: str, data: bytes, filename: str, fields: list[str] | None = None) -> Plan:
    """Read the file and settle its mapping (ValidationError on `file` when it cannot be read)."""
    table = files.read(data, filename, lambda row: mapping.looks_like_header(kind, row))
    if table.kind == "vcard":
        if kind != "people":
            files.refuse("A vCard file holds people: import it on the people import page.")
        if not table.cards:
            files.refuse("The file holds no vCards (no BEGIN:VCARD … END:VCARD).")
        return Plan(kind, filename, table, source=f"vCard ({table.encoding})")
    if not table.rows:
        files.refuse("The file has a header row but no rows under it.")
    plan = Plan(kind, filename, table)
    if fields is not None:
        problem = mapping.check(kind, fields)
        if problem or len(fields) != len(table.headers):
            raise ValidationError({"mapping": problem or "Choose a field for each column."})
        plan.fields, plan.source = fields, "chosen"
    elif known := mapping.known_format(kind, table.headers):
        plan.fields, plan.source = mapping.guess(kind, table.headers), known
    elif remembered := remembered_fields(kind, table.headers):
        plan.fields, plan.source = remembered, "remembered"
    return plan


def remembered_fields(kind: str, headers: list[str]) -> list[str] | None:
    found = db.session.execute(
        select(ImportMapping).where(ImportMapping.signature == mapping.signature(kind, headers))
    ).scalar_one_or_none()
    return list(found.fields) if found and len(found.fields) == len(headers) else None


def _records(plan: Plan):
    """(row number, values, {field: column}) for each record of the file."""
    if plan.table.kind == "vcard":
        for number, card in enumerate(plan.table.cards, start=1):
            yield number, card, rows.VCARD_COLUMNS
        return
    for number, cells in plan.table.rows:
        values, source = rows.values_of(cells, plan.table.headers, plan.fields)
        yield number, values, source


def _errors(error: ValidationError, source: dict) -> list[tuple[str, str]]:
    return [(rows.column_for(key, source), rows.message(text)) for key, text in error.errors.items()]


def _check_people(plan: Plan, owner_id: int | None, start: int, stop: int | None) -> None:
    seen: dict[str, int] = {}
    known: dict = {}  # lookups the rows share (the owner), made once for the file
    candidates = []
    checked_before = len(plan.rows)
    for index, (number, values, source) in enumerate(_records(plan)):
        if stop is not None and index >= stop:
            break
        if index < start:  # an earlier step checked it; only its emails matter here
            for address in [values.get("email", ""), *values.get("other_emails", []), *values.get("emails", [])]:
                if address:
                    seen.setdefault(address.lower(), number)
            continue
        data = rows.person_data(values, owner_id)
        row = Row(number, name=data.name, email=data.email, do_not_contact=data.do_not_contact)
        try:
            row.clean = validate_person(data, known)
        except ValidationError as error:
            row.errors = _errors(error, source)
        for address in row.clean["emails"] if row.clean else []:
            first = seen.setdefault(address.lower(), number)
            if first != number:
                row.warnings.append(f"Row {first} of this file has the same email ({address}).")
        if row.do_not_contact:
            row.warnings.append("Marked do not contact.")
        plan.rows.append(row)
        candidates.append(
            Candidate(row.clean["name"], row.clean["emails"], row.clean["organisation"]) if row.clean else None
        )
    _warn_erased(plan.rows[checked_before:])
    found = find([c for c in candidates if c is not None])
    matches = iter(found)
    for row, candidate in zip(plan.rows, candidates, strict=True):
        if candidate is not None:
            row.duplicates = next(matches)
            if row.duplicates:
                row.action, row.target = "skip", row.duplicates[0].person_id


def _warn_erased(new_rows: list[Row]) -> None:
    """Warn before an old file re-creates someone who asked to be forgotten (their emails are kept
    only as keyed hashes, so this is all Engage can still tell)."""
    erased = erased_email_fingerprints({a for row in new_rows if row.clean for a in row.clean["emails"]})
    for row in new_rows:
        for address in row.clean["emails"] if row.clean else []:
            if address in erased:
                row.warnings.append(
                    f"{address} belonged to a person who was erased at their request: import this row only "
                    "if they have asked to be added again."
                )


def _check_organisations(plan: Plan, start: int, stop: int | None) -> None:
    seen: dict[str, int] = {}
    for index, (number, values, source) in enumerate(_records(plan)):
        if stop is not None and index >= stop:
            break
        data = rows.organisation_data(values)
        if index < start:
            seen.setdefault(" ".join(data.name.split()).lower(), number)
            continue
        row = Row(number, name=" ".join(data.name.split()))
        existing = find_organisation_by_name(row.name) if row.name else None
        try:
            row.clean = organisations.validate_organisation(data, existing)
        except ValidationError as error:
            row.errors = _errors(error, source)
        first = seen.setdefault(row.name.lower(), number)
        if row.name and first != number:
            row.errors.append((rows.column_for("name", source), f"Row {first} of this file has the same name."))
        if existing is not None:
            row.duplicates = [Match(existing.id, existing.name, "same name")]
            row.action = "skip"
        plan.rows.append(row)


@contextmanager
def _many_rows():
    """Checking and writing a large file makes millions of small objects that live until the end:
    the cyclic collector would walk all of them again and again (at 100,000 rows, longer than the
    checking itself). Reference counting still frees everything; the collector resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(plan: Plan, actor: Actor, start: int = 0, stop: int | None = None) -> Plan:
    """Check the rows from index `start` to `stop` (every row by default); nothing is written."""
    plan.rows = []
    with _many_rows():
        if plan.kind == "people":
            _check_people(plan, actor.user.id if actor.user else None, start, stop)
        else:
            _check_organisations(plan, start, stop)
    return plan


def choose(plan: Plan, actions: dict[int, str]) -> None:
    """The user's choice per row: "create", "skip", or "update:<person id>" (one of its matches)."""
    for row in plan.rows:
        choice = actions.get(row.number)
        if not choice:
            continue
        action, _, target = choice.partition(":")
        if action == "update" and plan.kind == "people" and (person_id := as_id(target)) is not None:
            if person_id in {m.person_id for m in row.duplicates}:
                row.action, row.target = "update", person_id
        elif action in ("create", "skip"):
            row.action = action


def apply(actor: Actor, plan: Plan) -> dict[str, int]:
    """Write the checked rows, all or none: any row with an error refuses the whole file."""
    with _many_rows():
        return _apply(actor, plan)


def _apply(actor: Actor, plan: Plan) -> dict[str, int]:
    if plan.bad:
        first = plan.bad[0]
        column, problem = first.errors[0]
        raise ValidationError(
            {
                "file": f"Nothing was imported: {len(plan.bad)} row(s) have problems, first row {first.number}, "
                f"column “{column}”: {problem}"
            }
        )
    source = f"import of {plan.filename}"
    counts = plan.counts()
    # The import's own audit event first: on SQLite this write takes the lock the batches need.
    audit.record(
        actor,
        "import",
        Person if plan.kind == "people" else Organisation,
        None,
        f"Imported {plan.filename}: {counts['create']} created, {counts['update']} updated, {counts['skip']} skipped",
        details={
            "file": plan.filename,
            "format": plan.source,
            "encoding": plan.table.encoding,
            "rows": len(plan.rows),
            **counts,
        },
    )
    db.session.flush()
    creates = [r for r in plan.rows if r.action == "create"]
    if plan.kind == "people":
        bulk.create_people(actor, [r.clean for r in creates], source)
        for row in (r for r in plan.rows if r.action == "update"):
            person = db.session.get(Person, row.target)
            if person is not None:
                bulk.update_person(actor, person, row.clean, source)
    else:
        for row in creates:
            organisations.create_organisation(actor, _organisation_data(row.clean))
    if plan.fields and plan.source == "chosen":
        remember(actor, plan)
    db.session.flush()
    return counts


def _organisation_data(clean: dict) -> organisations.OrganisationData:
    parent = str(clean["parent_id"]) if clean["parent_id"] else ""
    topic_ids = [t.id for t in clean["topics"]]
    keep = {k: clean[k] for k in ("name", "kind", "country", "website", "description")}
    return organisations.OrganisationData(**{k: v or "" for k, v in keep.items()}, parent=parent, topic_ids=topic_ids)


def remember(actor: Actor, plan: Plan) -> None:
    """Keep the chosen mapping for the next file with the same headers."""
    signature = mapping.signature(plan.kind, plan.table.headers)
    row = db.session.execute(select(ImportMapping).where(ImportMapping.signature == signature)).scalar_one_or_none()
    if row is None:
        row = ImportMapping(kind=plan.kind, signature=signature)
        db.session.add(row)
    row.headers, row.fields = list(plan.table.headers), list(plan.fields)
    row.saved_by_id = actor.user.id if actor.user else None
