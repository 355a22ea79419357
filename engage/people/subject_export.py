"""The data-subject export: everything Engage holds on one person, as a ZIP of JSON (for machines)
and a PDF (for the person), made for an admin answering a subject-access request.

`gather` reads it all (admins see every consultation, restricted ones too: the person has the
right to what is held on them); `build_zip` is a pure builder, data in, bytes out."""

import hashlib
import io
import json
import shutil
import zipfile
from datetime import UTC, datetime

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from engage.audit import services as audit
from engage.audit.models import AuditEvent
from engage.audit.services import Actor, _plain
from engage.briefings.models import DOCUMENT_KINDS, Document
from engage.briefings.pdf import render_pdf
from engage.consultations.models import OUTCOMES, Commitment, Consultation, Decision, Input, consultation_people
from engage.documents import privacy as written_privacy
from engage.engagements.models import Engagement, EngagementParticipant
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.organizations.models import Affiliation
from engage.people import consent
from engage.people.models import CONSENT_SCOPES, Person

PERSON_FIELDS = (
    "id",
    "name",
    "pronouns",
    "title",
    "country",
    "languages",
    "time_zone",
    "bio",
    "links",
    "nda_status",
    "lived_experience",
    "consent_basis",
    "consent_on",
    *CONSENT_SCOPES,
    "do_not_contact",
    "last_interaction_on",
    "archived",
    "erased_at",
    "created_at",
    "updated_at",
)


def _all(stmt) -> list:
    return list(db.session.execute(stmt).scalars())


def _point(item: Input) -> dict:
    d = item.decision
    decision = None
    if d is not None:
        decision = {
            "outcome": OUTCOMES.get(d.outcome, d.outcome),
            "rationale": d.rationale,
            "decided_on": _plain(d.decided_on),
            "policy_version": f"{d.policy_version.policy.code} {d.policy_version.label}" if d.policy_version else None,
            "clause": d.clause.key if d.clause else None,
            "no_change": d.no_change,
        }
    return {
        "id": item.id,
        "consultation": item.consultation.title,
        "held_on": _plain(item.consultation.held_on),
        "topic": item.topic.name if item.topic else None,
        "aimed_at_clause": item.clause.key if item.clause else None,
        "text": item.text,
        "decision": decision,
    }


def gather(person: Person, now: datetime | None = None) -> dict:
    """Everything held on `person`, as plain JSON-ready values."""
    now = now or datetime.now(UTC)
    pid = person.id
    record = {key: _plain(getattr(person, key)) for key in PERSON_FIELDS}
    record["owner"] = person.owner.name if person.owner else None
    record["topics"] = [t.name for t in person.topics]
    record["emails"] = [{"email": e.email, "label": e.label} for e in person.emails]
    record["phones"] = [{"number": p.number, "label": p.label} for p in person.phones]
    inputs = _all(
        select(Input)
        .where(Input.person_id == pid)
        .options(
            joinedload(Input.consultation),
            joinedload(Input.topic),
            joinedload(Input.clause),
            joinedload(Input.decision).joinedload(Decision.clause),
            joinedload(Input.decision).joinedload(Decision.policy_version),
        )
        .order_by(Input.id)
    )
    took_part = select(consultation_people.c.consultation_id).where(consultation_people.c.person_id == pid)
    consultations = _all(select(Consultation).where(Consultation.id.in_(took_part)).order_by(Consultation.held_on))
    participations = _all(
        select(EngagementParticipant)
        .where(EngagementParticipant.person_id == pid)
        .options(joinedload(EngagementParticipant.engagement))
        .join(Engagement)
        .order_by(Engagement.starts_at)
    )
    letters = _all(select(Document).where(Document.person_id == pid).order_by(Document.created_at))
    events = _all(
        select(AuditEvent)
        .where(AuditEvent.record_type == Person.__tablename__, AuditEvent.record_id == pid)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.id)
    )
    return {
        "generated_at": now.isoformat(),
        "person": record,
        "affiliations": [
            {
                "organisation": a.organisation.name,
                "role": a.role,
                "start_on": _plain(a.start_on),
                "end_on": _plain(a.end_on),
            }
            for a in _all(
                select(Affiliation).where(Affiliation.person_id == pid).options(joinedload(Affiliation.organisation))
            )
        ],
        "forum_memberships": [
            {"forum": m.forum.name, "role": m.role, "term_start": _plain(m.term_start), "term_end": _plain(m.term_end)}
            for m in _all(
                select(ForumMember).where(ForumMember.person_id == pid).options(joinedload(ForumMember.forum))
            )
        ],
        "consultations": [
            {
                "id": c.id,
                "title": c.title,
                "held_on": _plain(c.held_on),
                "kind": c.kind,
                "confidentiality": c.confidentiality,
            }
            for c in consultations
        ],
        "points_raised": [_point(i) for i in inputs],
        "engagements": [
            {
                "id": p.engagement.id,
                "title": p.engagement.title,
                "starts_at": _plain(p.engagement.starts_at),
                "role": p.role,
                "rsvp": p.rsvp,
            }
            for p in participations
        ],
        "commitments": [
            {"description": c.description, "due_on": _plain(c.due_on), "status": c.status}
            for c in _all(select(Commitment).where(Commitment.person_id == pid).order_by(Commitment.id))
        ],
        "letters": [
            {
                "kind": DOCUMENT_KINDS.get(d.kind, d.kind),
                "filename": d.filename,
                "created_at": _plain(d.created_at),
                "sent_at": _plain(d.sent_at),
                "sha256": d.sha256,
            }
            for d in letters
        ],
        "assessments": [
            {"assessed_on": _plain(a.assessed_on), "influence": a.influence, "stance": a.stance, "note": a.note}
            for a in person.assessments
        ],
        "conflicts_of_interest": [
            {"declared_on": _plain(c.declared_on), "description": c.description} for c in person.conflicts
        ],
        "honoraria": [
            {"paid_on": _plain(h.paid_on), "amount": str(h.amount), "currency": h.currency, "purpose": h.purpose}
            for h in person.honoraria
        ],
        "consent_history": [
            {
                "changed_at": _plain(c.changed_at),
                "by": c.changed_by.name if c.changed_by else None,
                "basis": c.basis,
                "recorded_on": _plain(c.recorded_on),
                "scopes": [CONSENT_SCOPES[s] for s in c.scopes if s in CONSENT_SCOPES],
                "do_not_contact": c.do_not_contact,
                "source": consent.SOURCES.get(c.source, c.source),
            }
            for c in consent.history(pid, limit=10_000)
        ],
        **written_privacy.on_person(pid),  # notes and documents on the person (issue 12)
        "audit_entries": [
            {
                "at": _plain(e.at),
                "by": e.user.name if e.user else None,
                "action": e.action,
                "summary": e.summary,
                "changes": e.changes,
            }
            for e in events
        ],
    }


def build_zip(data: dict, pdf: bytes, files: dict[str, str] | None = None) -> bytes:
    """The ZIP: data.json (everything, machine-readable), the same as a readable PDF, and the files
    of the documents on the person (`files`: name in the ZIP → path of the stored file)."""
    out = io.BytesIO()
    stamp = datetime.fromisoformat(data["generated_at"]).timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in (
            ("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()),
            ("data.pdf", pdf),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), body, zipfile.ZIP_DEFLATED)
        for name, path in (files or {}).items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target)  # streamed: a large document is never held whole
    return out.getvalue()


def subject_export(actor: Actor, person: Person, now: datetime | None = None) -> tuple[str, bytes]:
    """(filename, ZIP bytes) of everything held on `person`; the export is audited."""
    now = now or datetime.now(UTC)
    data = gather(person, now)
    files = written_privacy.export_files(data["documents"])
    html = render_template("people/pdf/subject_export.html", d=data, scopes=CONSENT_SCOPES)
    content = build_zip(data, render_pdf(html, created=now), files)
    audit.record(
        actor,
        "subject-export",
        Person,
        person.id,
        "Data-subject export",
        details={"sha256": hashlib.sha256(content).hexdigest(), "points": len(data["points_raised"])},
    )
    return f"person-{person.id}-data-{now:%Y%m%d}.zip", content


def held_counts(person: Person) -> dict[str, int]:
    """What the privacy page lists before an export or erasure: how much is held, by kind."""
    pid = person.id
    count = {
        "points raised": select(Input.id).where(Input.person_id == pid),
        "consultations": select(consultation_people.c.consultation_id).where(consultation_people.c.person_id == pid),
        "engagements": select(EngagementParticipant.id).where(EngagementParticipant.person_id == pid),
        "commitments": select(Commitment.id).where(Commitment.person_id == pid),
        "letters": select(Document.id).where(Document.person_id == pid),
    }
    return {
        k: db.session.execute(select(func.count()).select_from(v.subquery())).scalar_one() for k, v in count.items()
    }
