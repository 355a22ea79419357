"""Generating and keeping documents: briefing packs, letters and evidence packs.

Every generated document is frozen: its exact bytes are stored with their SHA-256, who made
it, when and from what, and the generation is audited. Downloading it later returns the
stored bytes, never a fresh rendering.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engage import zones
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import can_download_document, consent_recorded, documents_listed_for
from engage.briefings import builder, safe_messaging
from engage.briefings.data import gather_briefing
from engage.briefings.letters import gather_letter
from engage.briefings.models import Document
from engage.engagements.models import Engagement
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.people.models import Person
from engage.validation import Invalid, normalise_zone

MAX_PERIOD_DAYS = 366 * 10


class NotFound(NotFoundError):
    """The record a document is made from, or the document, does not exist (404)."""


def fingerprint(*parts) -> str:
    """SHA-256 of what a document is made from: its data (less when it was asked for) and its maker.

    Two requests for the same document from unchanged data give the same fingerprint, so the
    stored document is handed back instead of rendering and storing another copy."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def stored(kind: str, print_: str, user: User, **links) -> Document | None:
    """The document of `kind` this user already made from data with fingerprint `print_`, if any."""
    stmt = select(Document).where(Document.kind == kind, Document.fingerprint == print_)
    stmt = stmt.where(Document.created_by_id == user.id)
    for name, value in links.items():
        stmt = stmt.where(getattr(Document, name) == value)
    return db.session.execute(stmt.order_by(Document.id.desc()).limit(1)).scalar_one_or_none()


def store(actor: Actor, kind: str, filename: str, mimetype: str, content: bytes, params: dict, **links) -> Document:
    document = Document(
        kind=kind,
        filename=filename,
        mimetype=mimetype,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        params=params,
        fingerprint=params.get("fingerprint"),
        created_by_id=actor.user.id if actor.user else None,
        **links,
    )
    db.session.add(document)
    db.session.flush()
    return document


def _audited(actor: Actor, action: str, model, record_id: int, summary: str, document: Document) -> Document:
    """Audit the making of `document` on the record it was made from; returns the document."""
    audit.record(
        actor, action, model, record_id, summary, details={"document_id": document.id, "sha256": document.sha256}
    )
    return document


def reader_zone(value: str | None, reader: User | None = None) -> str:
    """The zone the reader wants times in: `value`, else their account's zone (UTC with no reader)."""
    try:
        return normalise_zone(value) or (zones.reader_zone(reader) if reader is not None else "UTC")
    except Invalid as error:
        raise ValidationError({"tz": str(error)})


def _briefing_data(actor: Actor, engagement_id: int, zone: str | None, now: datetime | None):
    data = gather_briefing(engagement_id, actor.user, reader_zone(zone, actor.user), now or datetime.now(UTC))
    if data is None:
        raise NotFound(engagement_id)
    return data, fingerprint("briefing", asdict(data))


def briefing_page(actor: Actor, engagement_id: int):
    """The briefing for the phone page: the very data the reader's PDF is built from (same
    gatherer, same privacy rules), with times in the reader's own zone. Nothing is stored."""
    return _briefing_data(actor, engagement_id, None, None)[0]


def generate_briefing(
    actor: Actor, engagement_id: int, zone: str | None = "UTC", now: datetime | None = None
) -> Document:
    """The pack for `actor.user` as the reader (times also in `zone`), audited.

    Rendered and stored only when this reader has no pack made from the same data; otherwise
    the stored one is handed back (and the request audited all the same)."""
    now = now or datetime.now(UTC)
    data, print_ = _briefing_data(actor, engagement_id, zone, now)
    document = stored("briefing", print_, actor.user, engagement_id=engagement_id)
    if document is None:
        document = store(
            actor,
            "briefing",
            f"briefing-{engagement_id}-{data.as_of:%Y%m%d-%H%M%S}.pdf",
            "application/pdf",
            builder.build_briefing(data),
            {
                "reader_id": actor.user.id,
                "reader_zone": data.reader_zone,
                "generated_at": now.isoformat(),
                "as_of": data.as_of.isoformat(),
                "fingerprint": print_,
                "classification": data.classification,
                "participants": len(data.participants),
                "findings": len(data.findings),
                **data.data_timestamps,
            },
            engagement_id=engagement_id,
        )
        summary = f"Briefing pack {document.sha256[:12]} ({data.classification})"
    else:
        summary = f"Briefing pack {document.sha256[:12]} ({data.classification}), unchanged data: stored copy"
    return _audited(actor, "briefing", Engagement, engagement_id, summary, document)


def current_briefing(actor: Actor, engagement_id: int, zone: str | None = None) -> Document | None:
    """The reader's stored pack that is still up to date with the data (in `zone`, or the zone of
    their latest pack), or None: a GET downloads what exists and never renders."""
    if zone is None:
        latest = db.session.execute(
            select(Document.params)
            .where(Document.kind == "briefing", Document.engagement_id == engagement_id)
            .where(Document.created_by_id == actor.user.id)
            .order_by(Document.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if latest is None:
            _briefing_data(actor, engagement_id, "UTC", None)  # 404 for an engagement that does not exist
            return None
        zone = latest.get("reader_zone", "UTC")
    _, print_ = _briefing_data(actor, engagement_id, zone, None)
    return stored("briefing", print_, actor.user, engagement_id=engagement_id)


def period(date_from: date | None, date_to: date | None) -> None:
    errors = {}
    if date_from is None:
        errors["date_from"] = "Enter the first day of the period (YYYY-MM-DD)."
    if date_to is None:
        errors["date_to"] = "Enter the last day of the period (YYYY-MM-DD)."
    if not errors and date_to < date_from:
        errors["date_to"] = "The period must end on or after the day it starts."
    if not errors and (date_to - date_from).days > MAX_PERIOD_DAYS:
        errors["date_to"] = "Choose a period of ten years or less."
    if errors:
        raise ValidationError(errors)


def letter_recipient(person_id: int) -> Person:
    """The person a letter is for; NotFound when there is none, or they were erased."""
    person = db.session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise NotFound(person_id)
    return person


def generate_letter(
    actor: Actor,
    person_id: int,
    date_from: date | None,
    date_to: date | None,
    today: date | None = None,
    now: datetime | None = None,
) -> Document:
    """A "You said, we did" letter for one person and period, stored and audited."""
    now = now or datetime.now(UTC)
    today = today or now.date()
    person = letter_recipient(person_id)
    period(date_from, date_to)
    if person.do_not_contact:
        raise ValidationError("This person asked not to be contacted, so no letter can be prepared for them.")
    if not consent_recorded(person):
        raise ValidationError(
            "No lawful basis and date are recorded for this person's consent, so no letter can name them yet: "
            "record them on the person's page first."
        )
    data = gather_letter(person, date_from, date_to, today, actor.user.name)
    content = builder.build_letter(data)
    document = store(
        actor,
        "letter",
        f"you-said-we-did-{person_id}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.pdf",
        "application/pdf",
        content,
        {
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "as_of": today.isoformat(),
            "points": data.point_count,
            "generated_at": now.isoformat(),
        },
        person_id=person_id,
    )
    summary = f"You said, we did letter {date_from}\N{EN DASH}{date_to} ({data.point_count} points)"
    return _audited(actor, "letter", Person, person_id, summary, document)


def record_sent(actor: Actor, document_id: int, now: datetime | None = None) -> Document:
    """Mark a letter as sent (once), audited."""
    document = db.session.get(Document, document_id)
    if document is None or document.kind != "letter":
        raise NotFound(document_id)
    if document.sent_at is not None:
        raise ValidationError("This letter is already recorded as sent.")
    person = db.session.get(Person, document.person_id) if document.person_id else None
    if person is not None and (person.do_not_contact or not person.consent_contact):
        raise ValidationError("This person has not agreed to be contacted: the letter cannot be recorded as sent.")
    document.sent_at = now or datetime.now(UTC)
    document.sent_by_id = actor.user.id if actor.user else None
    db.session.flush()
    audit.record(
        actor,
        "letter-sent",
        Person,
        document.person_id,
        f"Letter {document.filename} sent",
        details={"document_id": document.id},
    )
    return document


def document_for_download(actor: Actor, document_id: int) -> Document:
    """The stored document (with its bytes) if `actor` may have it; audited as an export.

    NotFound when it does not exist or is not theirs to have (they may not know it exists)."""
    document = db.session.get(Document, document_id)
    if document is None or not can_download_document(actor.user, document):
        raise NotFound(document_id)
    audit.record(actor, "download", Document, document.id, f"{document.filename} ({document.sha256[:12]})")
    return document


def documents_for(kind: str, **where) -> list[Document]:
    """Documents of a kind for an engagement or person, newest first (content not loaded)."""
    stmt = select(Document).where(Document.kind == kind).options(joinedload(Document.created_by))
    for name, value in where.items():
        stmt = stmt.where(getattr(Document, name) == value)
    return list(db.session.execute(stmt.order_by(Document.created_at.desc(), Document.id.desc()).limit(50)).scalars())


def evidence_documents(user: User) -> list[Document]:
    """Evidence packs this user made (admins: everyone's), newest first."""
    stmt = select(Document).where(Document.kind.in_(("evidence_pdf", "evidence_csv")), documents_listed_for(user))
    stmt = stmt.options(joinedload(Document.created_by)).order_by(Document.created_at.desc(), Document.id.desc())
    return list(db.session.execute(stmt.limit(60)).scalars())


@dataclass
class Panel:
    engagement: Engagement
    findings: list
    documents: list[Document]


def engagement_panel(engagement: Engagement, reader: User) -> Panel:
    """What the engagement page's briefing panel shows: the safe-messaging check and the packs
    `reader` may download. Packs made for others are left out entirely: their classification
    alone would tell a reader that a participant is in a consultation they may not see."""
    findings = safe_messaging.check_fields(safe_messaging.engagement_texts(engagement))
    stmt = select(Document).where(Document.kind == "briefing", Document.engagement_id == engagement.id)
    stmt = stmt.where(documents_listed_for(reader)).options(joinedload(Document.created_by))
    documents = db.session.execute(stmt.order_by(Document.created_at.desc(), Document.id.desc()).limit(50)).scalars()
    return Panel(engagement, findings, list(documents))


def generate_evidence(actor: Actor, topic_id, date_from, date_to, now: datetime | None = None):
    """The evidence pack made here and now, not in the background (see evidence_service)."""
    from engage.briefings import evidence_service

    return evidence_service.generate_evidence(actor, topic_id, date_from, date_to, now)
