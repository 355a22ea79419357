"""Exports of the people and organisation lists: the list's own query for the same filters, so
an export holds exactly the rows the list shows its reader, streamed in batches (memory stays
flat with the row count). Lived experience only where the reader may see it; do-not-contact
flagged; every cell that a spreadsheet would run as a formula neutralised. Each export is
audited with its filter and row count before the first byte is sent."""

import csv
import io
from collections.abc import Iterator

from sqlalchemy import func, select

from engage.affiliations.services import current_affiliations
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.permissions import can_export, lived_experience_column
from engage.errors import ForbiddenError
from engage.extensions import db
from engage.organizations import queries as organisation_queries
from engage.organizations.models import Organisation
from engage.people import queries as people_queries
from engage.people.models import Person
from engage.transfer import vcard

BATCH = 1000
FORMULA = ("=", "+", "-", "@", "\t", "\r")
PEOPLE_COLUMNS = (
    "id", "name", "email", "other emails", "phones", "organisation", "title", "country", "languages",
    "time zone", "pronouns", "links", "topics", "do not contact", "bio", "lived experience",
)  # fmt: skip
ORGANISATION_COLUMNS = ("id", "name", "kind", "country", "website", "parent", "topics", "description")


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ tab or CR gets an apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA) else text


def csv_line(cells) -> str:
    """One CSV row (CRLF), every cell neutralised; the one writer of every CSV download."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(c) for c in cells])
    return buffer.getvalue()


def _filters(args: dict, keys) -> dict:
    return {k: v for k, v in args.items() if v and (k in keys or k in ("archived", "sort"))}


def _count(stmt) -> int:
    return db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()


def _start(actor: Actor, model, what: str, stmt, args: dict, keys) -> int:
    if not can_export(actor.user):
        raise ForbiddenError("Your account may not export.")
    rows = _count(stmt)
    filters = _filters(args, keys)
    audit.record(actor, "export", model, None, f"Exported {rows:,} {what}", details={"filter": filters, "rows": rows})
    return rows


def _people_batches(stmt) -> Iterator[list[tuple[Person, str]]]:
    # The session's identity map holds rows weakly: a batch is freed once the next is read.
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    for partition in result.partitions(BATCH):
        yield [(row[0], row[1] or "") for row in partition]


def _person_fields(people: list[tuple[Person, str]]) -> Iterator[dict]:
    affiliations = current_affiliations([p.id for p, _ in people])
    for person, lived in people:
        affiliation = affiliations.get(person.id)
        yield {
            "person": person,
            "organisation": affiliation.organisation.name if affiliation else "",
            "lived_experience": lived,
        }


def _people(actor: Actor, args: dict, what: str):
    """The people list's query for `args` with the reader's lived-experience column (built now, while
    the reader is loaded: the rows stream after the request's transaction has ended)."""
    args = people_queries.for_reader(args, actor.user)
    _start(actor, Person, what, people_queries.list_query(args, actor.user), args, people_queries.FILTER_KEYS)
    return people_queries.list_query(args, actor.user).add_columns(lived_experience_column(actor.user).label("le"))


def people_csv(actor: Actor, args: dict) -> Iterator[str]:
    """The people list for `args` as CSV lines (audited when called)."""
    stmt = _people(actor, args, "people as CSV")

    def lines():
        yield "\ufeff" + csv_line(PEOPLE_COLUMNS)  # the BOM makes Excel read UTF-8
        for batch in _people_batches(stmt):
            for row in _person_fields(batch):
                p = row["person"]
                emails = [e.email for e in p.emails]
                yield csv_line(
                    [
                        p.id, p.name, emails[0] if emails else "", "\n".join(emails[1:]),
                        "\n".join(x.number for x in p.phones), row["organisation"], p.title, p.country or "",
                        ", ".join(p.languages or []), p.time_zone or "", p.pronouns, "\n".join(p.links or []),
                        ", ".join(t.name for t in p.topics), "yes" if p.do_not_contact else "no", p.bio,
                        row["lived_experience"],
                    ]
                )  # fmt: skip

    return lines()


def people_vcf(actor: Actor, args: dict, version: str) -> Iterator[str]:
    """The people list for `args` as vCards (4.0, or 3.0 for older address books); no lived experience."""
    stmt = _people(actor, args, f"people as vCard {version}")

    def cards():
        for batch in _people_batches(stmt):
            for row in _person_fields(batch):
                p = row["person"]
                yield vcard.card(
                    {
                        "uid": f"urn:engage:person:{p.id}",
                        "name": p.name,
                        "emails": [e.email for e in p.emails],
                        "phones": [x.number for x in p.phones],
                        "organisation": row["organisation"],
                        "title": p.title,
                        "country": p.country,
                        "links": p.links,
                        "bio": p.bio,
                        "do_not_contact": p.do_not_contact,
                    },
                    version,
                )

    return cards()


def organisations_csv(actor: Actor, args: dict) -> Iterator[str]:
    """The organisations list for `args` as CSV lines (audited when called)."""
    stmt = organisation_queries.list_query(args)
    _start(actor, Organisation, "organisations as CSV", stmt, args, organisation_queries.FILTER_KEYS)

    def lines():
        yield "\ufeff" + csv_line(ORGANISATION_COLUMNS)
        result = db.session.execute(stmt.execution_options(yield_per=BATCH)).scalars()
        for partition in result.partitions(BATCH):
            for o in partition:
                parent = o.parent.name if o.parent else ""
                topics = ", ".join(t.name for t in o.topics)
                yield csv_line([o.id, o.name, o.kind_label, o.country or "", o.website, parent, topics, o.description])

    return lines()
