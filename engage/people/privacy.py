"""Erasure: a person anonymised for good, with the policy history kept under a pseudonym.

The person's name becomes a stable pseudonym ("Erased person 7F3A9C"); emails, phones, bio, links,
lived experience, affiliations and their other free text go. Consultations, points raised and
decisions stay, pointing at the pseudonym, so clause pages and evidence packs still count them.
Erasure also reaches what was written from the person before: their name in the text of the
records they took part in, stored briefing packs, letters and evidence packs (withdrawn), the
calendar feeds' cache, and the audit log (which records that the erasure happened, by whom and
why, and no longer holds the erased values). A keyed hash of each email is kept, so an old import
can be warned before it re-creates the person (`erased_email_fingerprints`).
"""

import hashlib
import hmac
import json
import re
from datetime import UTC, date, datetime

from flask import current_app, render_template
from sqlalchemy import Text, and_, cast, delete, exists, or_, select

from engage.audit import services as audit
from engage.audit.models import AuditEvent
from engage.audit.services import Actor
from engage.briefings.models import Document
from engage.briefings.pdf import render_pdf
from engage.consultations.models import (
    Commitment,
    Consultation,
    Decision,
    Input,
    consultation_people,
    consultation_topics,
)
from engage.documents import privacy as written_privacy
from engage.engagements.models import Engagement, EngagementParticipant, EventCache
from engage.errors import ValidationError
from engage.extensions import db
from engage.organizations.models import Affiliation
from engage.people import consent
from engage.people.merge import person_links
from engage.people.models import CONSENT_SCOPES, ErasedEmail, Person
from engage.queries import like_pattern

ERASED = "[erased]"
REASON_LIMIT = 1000
# Audit keys whose values, in events about the person or their own rows, are dropped whole.
ERASED_KEYS = {
    "name",
    "pronouns",
    "title",
    "bio",
    "links",
    "lived_experience",
    "emails",
    "phones",
    "email",
    "number",
    "languages",
    "time_zone",
    "description",
    "note",
    "purpose",
    "role",
    "reason",
}
# Text of shared records the person took part in: their name there becomes the pseudonym.
SHARED_TEXT = {
    Consultation: ("title", "summary"),
    Input: ("text",),
    Decision: ("rationale",),
    Commitment: ("description",),
    Engagement: ("title", "objectives", "key_messages", "sensitivities", "logistics", "venue"),
}


def pseudonym(person_id: int) -> str:
    """The stable name an erased person is shown under (the same id always gives the same one)."""
    return "Erased person " + hashlib.sha256(f"engage-person:{person_id}".encode()).hexdigest()[:6].upper()


def fingerprint(email: str) -> str:
    """A keyed hash (HMAC-SHA256 with ERASURE_PEPPER) of an email, in any case."""
    key = current_app.config["ERASURE_PEPPER"].encode()
    return hmac.digest(key, email.strip().lower().encode(), "sha256").hex()  # one-shot: an import hashes every row


def erased_email_fingerprints(emails) -> set[str]:
    """Of `emails`, the ones (as given) that belonged to an erased person: for an import to warn
    before it re-creates someone who asked to be forgotten. One statement per 500 addresses."""
    if db.session.execute(select(ErasedEmail.id).limit(1)).first() is None:
        return set()  # nobody erased yet: nothing to hash (an import checks every row's emails)
    prints = {fingerprint(e): e for e in emails if e and e.strip()}
    found = set()
    keys = list(prints)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found |= set(
            db.session.execute(select(ErasedEmail.fingerprint).where(ErasedEmail.fingerprint.in_(chunk))).scalars()
        )
    return {prints[f] for f in found}


def _terms(person: Person) -> list[str]:
    """What identifies the person in text: name, emails, phones, links (longest first)."""
    terms = [person.name, *(e.email for e in person.emails), *(p.number for p in person.phones), *(person.links or [])]
    return sorted({t for t in terms if t and len(t.strip()) >= 3}, key=len, reverse=True)


class Scrubber:
    """Replaces the person's identifying terms in text with the pseudonym."""

    def __init__(self, terms: list[str], label: str):
        self.label = label
        self.pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None

    def text(self, value: str) -> str:
        return self.pattern.sub(self.label, value) if self.pattern and value else value

    def value(self, value, whole: bool, key: str | None = None):
        """A JSON value of the audit log: every string scrubbed; under ERASED_KEYS (when `whole`) dropped."""
        if isinstance(value, dict):
            return {k: self.value(v, whole, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, whole, key) for v in value]
        if isinstance(value, str):
            return ERASED if whole and key in ERASED_KEYS else self.text(value)
        return value


def _own_rows(person_id: int) -> dict[str, list[int]]:
    """The ids of the person's own rows in each table that points at them (for their audit events)."""
    found = {}
    for table, column in person_links():
        if "id" in table.c:
            ids = list(db.session.execute(select(table.c.id).where(column == person_id)).scalars())
            if ids:
                found.setdefault(table.name, []).extend(ids)
    return found


def _merged_ids(person_id: int) -> list[int]:
    """The people merged into this one: their recorded fields are this person's too."""
    events = db.session.execute(
        select(AuditEvent.changes).where(
            AuditEvent.record_type == Person.__tablename__,
            AuditEvent.record_id == person_id,
            AuditEvent.action == "merge",
        )
    ).scalars()
    return [int(c[audit.DETAILS]["merged_away_id"]) for c in events if c and audit.DETAILS in c]


def _scrub_audit(person_id: int, terms: list[str], scrubber: Scrubber) -> int:
    """Scrub the erased values from the audit log; returns how many events changed."""
    people_ids = [person_id, *_merged_ids(person_id)]
    own = _own_rows(person_id)
    about = [and_(AuditEvent.record_type == Person.__tablename__, AuditEvent.record_id.in_(people_ids))]
    about += [and_(AuditEvent.record_type == table, AuditEvent.record_id.in_(ids)) for table, ids in own.items()]
    stored = cast(AuditEvent.changes, Text)
    mentions = []
    for term in terms:
        mentions.append(AuditEvent.summary.ilike(like_pattern(term), escape="\\"))
        for form in {term, json.dumps(term)[1:-1]}:  # JSON may store accents as \u escapes
            mentions.append(stored.ilike(like_pattern(form), escape="\\"))
    changed = 0
    for event in db.session.execute(select(AuditEvent).where(or_(*about, *mentions))).scalars():
        whole = (event.record_type == Person.__tablename__ and event.record_id in people_ids) or (
            event.record_id in own.get(event.record_type, ())
        )
        summary = scrubber.text(event.summary)
        changes = scrubber.value(event.changes, whole) if event.changes else event.changes
        if summary != event.summary or changes != event.changes:
            event.summary, event.changes = summary, changes
            changed += 1
    return changed


def _scrub_shared_text(person_id: int, scrubber: Scrubber) -> None:
    """The person's name in the records they took part in becomes the pseudonym (records stay)."""
    in_consultations = select(consultation_people.c.consultation_id).where(consultation_people.c.person_id == person_id)
    own_inputs = select(Input.id).where(Input.person_id == person_id)
    in_engagements = select(EngagementParticipant.engagement_id).where(EngagementParticipant.person_id == person_id)
    where = {
        Consultation: or_(
            Consultation.id.in_(in_consultations),
            Consultation.id.in_(select(Input.consultation_id).where(Input.person_id == person_id)),
        ),
        Input: Input.person_id == person_id,
        Decision: Decision.input_id.in_(own_inputs),
        Commitment: Commitment.person_id == person_id,
        Engagement: Engagement.id.in_(in_engagements),
    }
    for model, fields in SHARED_TEXT.items():
        for record in db.session.execute(select(model).where(where[model])).scalars():
            touched = False
            for name in fields:
                value = getattr(record, name)
                if value and (clean := scrubber.text(value)) != value:
                    setattr(record, name, clean)
                    touched = True
            if touched and isinstance(record, Engagement):
                record.sequence = (record.sequence or 0) + 1  # calendars pick the new text up
    consultations = select(Consultation.id).where(where[Consultation])
    written_privacy.scrub_shared(consultations, in_engagements, scrubber.text)  # notes, document text


def _documents_naming(person_id: int) -> list[Document]:
    """Stored documents that may name the person: their letters, the briefing packs of their
    engagements, and the evidence packs whose topic and period cover a consultation they were in."""
    in_engagements = select(EngagementParticipant.engagement_id).where(EngagementParticipant.person_id == person_id)
    found = list(
        db.session.execute(
            select(Document).where(
                or_(
                    Document.person_id == person_id,
                    and_(Document.kind == "briefing", Document.engagement_id.in_(in_engagements)),
                )
            )
        ).scalars()
    )
    took_part = or_(
        Consultation.id.in_(
            select(consultation_people.c.consultation_id).where(consultation_people.c.person_id == person_id)
        ),
        Consultation.id.in_(select(Input.consultation_id).where(Input.person_id == person_id)),
    )
    for document in db.session.execute(
        select(Document).where(Document.kind.in_(("evidence_pdf", "evidence_csv")))
    ).scalars():
        p = document.params or {}
        if not {"topic_id", "date_from", "date_to"} <= set(p):
            continue
        covered = exists().where(
            took_part,
            Consultation.held_on.between(date.fromisoformat(p["date_from"]), date.fromisoformat(p["date_to"])),
            Consultation.id.in_(
                select(consultation_topics.c.consultation_id).where(consultation_topics.c.topic_id == p["topic_id"])
            ),
        )
        if db.session.execute(select(covered)).scalar():
            found.append(document)
    return found


def _withdraw_documents(person_id: int, now: datetime) -> list[int]:
    """Replace the stored bytes of every document that may name the person with a withdrawal notice
    (the row stays, so the log's references still resolve); returns their ids."""
    notice_pdf = None
    withdrawn = []
    for document in _documents_naming(person_id):
        if (document.params or {}).get("withdrawn_at"):
            continue
        if document.mimetype == "application/pdf":
            if notice_pdf is None:
                notice_pdf = render_pdf(render_template("people/pdf/withdrawn.html", now=now), created=now)
            content = notice_pdf
        else:
            content = b"withdrawn\r\nThis document named a person who has since been erased.\r\n"
        document.content = content
        document.sha256 = hashlib.sha256(content).hexdigest()
        document.size = len(content)
        document.params = {**(document.params or {}), "withdrawn_at": now.isoformat(), "withdrawn_because": "erasure"}
        withdrawn.append(document.id)
    return withdrawn


def _forget_feed_cache(person_id: int) -> int:
    """Drop the cached calendar events of the person's engagements (rebuilt on the next feed)."""
    uids = select(Engagement.uid).where(
        Engagement.id.in_(
            select(EngagementParticipant.engagement_id).where(EngagementParticipant.person_id == person_id)
        )
    )
    return db.session.execute(delete(EventCache).where(EventCache.uid.in_(uids))).rowcount or 0


def _anonymise(person: Person, label: str) -> None:
    person.name = label
    for key in ("pronouns", "title", "bio", "lived_experience"):
        setattr(person, key, "")
    person.links, person.languages, person.time_zone = [], [], None
    person.emails, person.phones = [], []
    person.consent_basis, person.consent_on = None, None
    for key in CONSENT_SCOPES:
        setattr(person, key, False)
    person.do_not_contact = True  # never contacted again
    person.archived = True  # out of the lists; the records they took part in still show the pseudonym
    for conflict in person.conflicts:
        conflict.description = ERASED
    for honorarium in person.honoraria:
        honorarium.purpose = ""
    for assessment in person.assessments:
        assessment.note = ""
    db.session.execute(delete(Affiliation).where(Affiliation.person_id == person.id))


def erase_person(actor: Actor, person: Person, reason: str, now: datetime | None = None) -> Person:
    """Erase `person` (a data-subject request), with `reason` kept in the audit log."""
    now = now or datetime.now(UTC)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why this person is erased, e.g. the request's date and reference."})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": f"Keep the reason under {REASON_LIMIT:,} characters."})
    if person.erased_at is not None:
        raise ValidationError({"reason": "This person is already erased."})
    label = pseudonym(person.id)
    terms = _terms(person)
    scrubber = Scrubber(terms, label)
    reason = scrubber.text(reason)  # the reason must not hold what it erases
    for email in person.emails:
        key = fingerprint(email.email)
        if not db.session.execute(select(ErasedEmail.id).where(ErasedEmail.fingerprint == key)).first():
            db.session.add(ErasedEmail(fingerprint=key, erased_at=now))
    before = consent.snapshot(person)
    _scrub_shared_text(person.id, scrubber)
    withdrawn = _withdraw_documents(person.id, now)
    written = written_privacy.remove_on_person(person.id)  # documents and notes on the person
    forgotten = _forget_feed_cache(person.id)
    scrubbed = _scrub_audit(person.id, terms, scrubber)
    _anonymise(person, label)
    person.erased_at = now
    db.session.flush()
    consent.record_if_changed(actor, person, before, "erasure")
    audit.record(
        actor,
        "erase",
        Person,
        person.id,
        f"Person erased: now {label}",
        details={
            "reason": reason,
            "erased_by": actor.user.name if actor.user else None,
            "pseudonym": label,
            "documents_withdrawn": withdrawn,
            "feed_events_dropped": forgotten,
            "audit_events_scrubbed": scrubbed,
            **written,
        },
    )
    return person
