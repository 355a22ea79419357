"""What each kind of record puts in the index: its title, a line under it, the text snippets
come from, and the names typos are matched against. Built from the database in batches, so the
same code serves a one-record refresh after a write and a full rebuild."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from engage.consultations.models import Consultation, Decision, Input
from engage.documents.models import RECORD_KEYS, Attachment, Note, record_model
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.forums.models import Forum
from engage.fulltext.text import fold
from engage.helplines.models import Helpline
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail, person_topics
from engage.policies.models import Clause, Policy, PolicyVersion
from engage.topics.models import Topic
from engage.validation import country_name


@dataclass
class Doc:
    kind: str
    record_id: int
    title: str
    meta: str = ""
    body: str = ""
    hidden: str = ""  # searchable, never shown (emails, codes spelled another way)
    names: str = ""
    consultation_id: int | None = None
    archived: bool = False

    def row(self) -> dict:
        return {
            "kind": self.kind,
            "record_id": self.record_id,
            "title": self.title[:300],
            "meta": self.meta[:300],
            "body": self.body,
            "folded_title": fold(self.title),
            "folded_body": fold(self.meta, self.body, self.hidden),
            "names": fold(self.names),
            "consultation_id": self.consultation_id,
            "archived": self.archived,
        }


def _line(*parts) -> str:
    return " · ".join(p for p in parts if p)


def _country(code: str | None) -> str:
    return country_name(code) if code else ""


def _people(ids) -> list[Doc]:
    # Lived experience is special-category data: it is never selected here, so never indexed.
    # Plain column reads (no ORM objects): an import of 100,000 people indexes them all in one go.
    rows = db.session.execute(
        select(Person.id, Person.name, Person.title, Person.country, Person.bio, Person.archived).where(
            Person.id.in_(ids)
        )
    ).all()
    hidden = defaultdict(list)
    for person_id, email in db.session.execute(
        select(PersonEmail.person_id, PersonEmail.email)
        .where(PersonEmail.person_id.in_(ids))
        .order_by(PersonEmail.person_id, PersonEmail.position, PersonEmail.id)
    ):
        hidden[person_id].append(email)
    for person_id, topic in db.session.execute(
        select(person_topics.c.person_id, Topic.name)
        .join(Topic, Topic.id == person_topics.c.topic_id)
        .where(person_topics.c.person_id.in_(ids))
        .order_by(person_topics.c.person_id, Topic.name)
    ):
        hidden[person_id].append(topic)
    organisations = defaultdict(list)
    current = or_(Affiliation.end_on.is_(None), Affiliation.end_on >= date.today())
    for person_id, name in db.session.execute(
        select(Affiliation.person_id, Organisation.name)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Affiliation.person_id.in_(ids), current)
        .order_by(Organisation.name)
    ):
        organisations[person_id].append(name)
    return [
        person_doc(p.id, p.name, p.title, organisations[p.id], p.country, p.bio, hidden[p.id], archived=p.archived)
        for p in rows
    ]


def person_doc(
    person_id: int,
    name: str,
    title: str | None,
    organisations: list[str],
    country: str | None,
    bio: str | None,
    emails_and_topics: list[str],
    archived: bool = False,
) -> Doc:
    """A person's entry: also built straight from an import's clean rows (`people.bulk`), which
    need not read back what they have just written."""
    return Doc(
        "people",
        person_id,
        name,
        _line(title, ", ".join(organisations), _country(country)),
        bio or "",
        hidden=" ".join(emails_and_topics),
        names=name,
        archived=archived,
    )


def _organisations(ids) -> list[Doc]:
    rows = db.session.execute(select(Organisation).where(Organisation.id.in_(ids))).scalars()
    return [
        Doc(
            "organisations",
            o.id,
            o.name,
            _line(o.kind_label, _country(o.country)),
            o.description or "",
            hidden=o.website,
            names=o.name,
            archived=o.archived,
        )
        for o in rows
    ]


def _forums(ids) -> list[Doc]:
    rows = db.session.execute(select(Forum).where(Forum.id.in_(ids))).scalars()
    return [
        Doc("forums", f.id, f.name, f.kind_label, f.description or "", names=f.name, archived=f.archived) for f in rows
    ]


def _helplines(ids) -> list[Doc]:
    rows = db.session.execute(
        select(Helpline)
        .where(Helpline.id.in_(ids))
        .options(selectinload(Helpline.topics), selectinload(Helpline.organisation))
    ).scalars()
    return [
        Doc(
            "helplines",
            h.id,
            h.name,
            _line(
                country_name(h.country),
                h.organisation.name if h.organisation else "",
                ", ".join(t.name for t in h.topics),
            ),
            h.notes or "",
            hidden=h.contact,
            names=h.name,
            archived=h.archived,
        )
        for h in rows
    ]


def _policies(ids) -> list[Doc]:
    rows = db.session.execute(select(Policy).where(Policy.id.in_(ids))).scalars()
    return [Doc("policies", p.id, f"{p.code} {p.title}", p.status.replace("_", " "), p.description or "") for p in rows]


def _clauses(ids) -> list[Doc]:
    rows = db.session.execute(
        select(Clause, PolicyVersion.label, Policy.code, Policy.title)
        .join(PolicyVersion, PolicyVersion.id == Clause.version_id)
        .join(Policy, Policy.id == PolicyVersion.policy_id)
        .where(Clause.id.in_(ids))
    )
    return [
        Doc("clauses", c.id, _clause_title(code, c), _line(title, label), c.text or "")
        for c, label, code, title in rows
    ]


def _clause_title(code: str, clause: Clause) -> str:
    key = clause.key if clause.key.startswith(code) else f"{code} {clause.key}"  # keys usually carry the code
    return f"{key} {clause.heading or ''}".strip()


def _consultations(ids) -> list[Doc]:
    """A consultation with its points raised and the decisions on them: one entry, seen only by
    who may see the consultation."""
    rows = db.session.execute(
        select(Consultation.id, Consultation.title, Consultation.held_on, Consultation.summary, Forum.name)
        .outerjoin(Forum, Forum.id == Consultation.forum_id)
        .where(Consultation.id.in_(ids))
    )
    points = defaultdict(list)
    for consultation_id, text, rationale in db.session.execute(
        select(Input.consultation_id, Input.text, Decision.rationale)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(Input.consultation_id.in_(ids))
        .order_by(Input.id)
    ):
        points[consultation_id].extend(t for t in (text, rationale) if t)
    return [
        Doc(
            "consultations",
            id_,
            title,
            _line(held_on.isoformat() if held_on else "", forum or ""),
            "\n".join([summary or "", *points[id_]]).strip(),
            consultation_id=id_,
        )
        for id_, title, held_on, summary, forum in rows
    ]


def _engagements(ids) -> list[Doc]:
    rows = db.session.execute(select(Engagement).where(Engagement.id.in_(ids))).scalars()
    return [
        Doc(
            "engagements",
            e.id,
            e.title,
            _line(e.starts_at.date().isoformat() if e.starts_at else "", e.venue, _country(e.country)),
            e.objectives or "",
        )
        for e in rows
    ]


def _on_records(kind: str, model, ids, entry) -> list[Doc]:
    """Documents or notes (`model`) as `kind` entries under their record: `entry(row, record name)`
    gives (id, title, meta, body); a consultation's carry its id, so they follow its filter."""
    rows = list(db.session.execute(select(model).where(model.id.in_(ids))).scalars())
    names = {}
    for on in RECORD_KEYS:
        wanted = {r.record_id for r in rows if r.record_kind == on}
        if wanted:
            record = record_model(on)
            label = record.name if hasattr(record, "name") else record.title
            names |= {(on, i): n for i, n in db.session.execute(select(record.id, label).where(record.id.in_(wanted)))}
    return [
        Doc(kind, *entry(r, names.get((r.record_kind, r.record_id), "")), consultation_id=r.consultation_id)
        for r in rows
    ]


def _attachments(ids) -> list[Doc]:
    """An uploaded document's extracted text, under its record: seen by who may see the record."""
    return _on_records(
        "attachments", Attachment, ids, lambda a, on: (a.id, a.filename, f"Document on {on}", a.text or "")
    )


def _notes(ids) -> list[Doc]:
    """A note's text, under its record, with its record's visibility (as a document's)."""

    def entry(n, on):
        return (n.id, f"Note on {on}", n.created_at.date().isoformat() if n.created_at else "", n.body or "")

    return _on_records("notes", Note, ids, entry)


# kind → (model whose ids it holds, builder). The order is the order results are grouped in.
KINDS = {
    "people": (Person, _people),
    "organisations": (Organisation, _organisations),
    "forums": (Forum, _forums),
    "helplines": (Helpline, _helplines),
    "policies": (Policy, _policies),
    "clauses": (Clause, _clauses),
    "consultations": (Consultation, _consultations),
    "engagements": (Engagement, _engagements),
    "attachments": (Attachment, _attachments),
    "notes": (Note, _notes),
}
