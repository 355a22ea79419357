"""Asking for an evidence pack, and making one.

A pack for 18 months of a busy harm area takes seconds to gather and lay out, so a request
never makes it: `request_evidence` hands back the stored pack when the scope's fingerprint is
unchanged (nothing gathered), or the job already running for that scope, or a new job that
`jobs` works in the background once the request has committed. `make_evidence` is the work
itself, in steps the job reports as it goes.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, or_, select

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import can_see_job
from engage.briefings import builder, evidence_reads
from engage.briefings.evidence import CSV_HEADER, gather_evidence, scope_of
from engage.briefings.models import Document, DocumentJob
from engage.briefings.services import NotFound, fingerprint, period, store, stored
from engage.errors import ValidationError
from engage.extensions import db
from engage.policies.models import current_version, version_standing
from engage.topics.models import Topic

EVIDENCE_FORMAT = 2  # bump when the pack's layout changes: an older stored pack is then not reused
STALE_AFTER = timedelta(minutes=10)  # a job whose worker reported nothing for this long has died
STEPS = ("Reading the consultations and decisions", "Writing the CSV", "Laying out the PDF", "Storing the files")


def evidence_fingerprint(topic: Topic, date_from: date, date_to: date, user: User, today: date) -> str:
    """The scope's fingerprint, from a few aggregates (evidence_reads.scope_stats) and not from the
    gathered pack: equal for an unchanged scope, so a repeated request reuses the stored pack
    before reading a single point. Also what the pack prints that is not in those rows: the
    reader, the period, the harm area, and each version's standing today."""
    stats = evidence_reads.scope_stats(scope_of(topic, date_from, date_to, user), topic.id)
    standings = {}
    for policy in evidence_reads.policies():
        current = current_version(policy.versions, today)
        standings.update({v.id: version_standing(v, current, today) for v in policy.versions})
    reader = [user.id, user.name, user.role]
    scope = [topic.id, topic.name, topic.slug, date_from, date_to]
    return fingerprint("evidence", EVIDENCE_FORMAT, scope, reader, stats, standings)


def _stored_pack(print_: str, user: User) -> tuple[Document, Document] | None:
    pdf = stored("evidence_pdf", print_, user)
    csv_doc = db.session.get(Document, pdf.params.get("csv_document_id")) if pdf else None
    return (pdf, csv_doc) if csv_doc is not None else None


@dataclass
class EvidenceRequest:
    job: DocumentJob | None = None  # being made (or just queued)
    pdf: Document | None = None  # already made from the same data: the stored copies
    csv: Document | None = None


def _checked(topic_id: int | None, date_from: date | None, date_to: date | None) -> Topic:
    topic = db.session.get(Topic, topic_id) if topic_id else None
    errors = {}
    if topic is None:
        errors["topic"] = "Choose a topic."
    try:
        period(date_from, date_to)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return topic


def request_evidence(
    actor: Actor, topic_id: int | None, date_from: date | None, date_to: date | None, now: datetime | None = None
) -> EvidenceRequest:
    """The stored pack for an unchanged scope, else the job making it (one per scope and reader,
    whoever asks twice), else a new job, started once this request commits. Audited."""
    from engage.briefings import jobs

    now = now or datetime.now(UTC)
    topic = _checked(topic_id, date_from, date_to)
    print_ = evidence_fingerprint(topic, date_from, date_to, actor.user, now.date())
    label = f"Evidence pack {topic.name} {date_from}\N{EN DASH}{date_to}"
    pack = _stored_pack(print_, actor.user)
    if pack is not None:
        _audit_pack(actor, topic, f"{label} ({pack[0].params.get('classification', '')}), unchanged data", *pack)
        return EvidenceRequest(pdf=pack[0], csv=pack[1])
    mine = select(DocumentJob).where(DocumentJob.fingerprint == print_, DocumentJob.requested_by_id == actor.user.id)
    unfinished = list(db.session.execute(mine.where(DocumentJob.status.in_(("queued", "running")))).scalars())
    job = None
    for candidate in sorted(unfinished, key=lambda j: j.id, reverse=True):
        if candidate.updated_at >= now - STALE_AFTER:
            job = job or candidate
        else:  # its worker is gone (the server restarted): say so, and start again
            candidate.status, candidate.error = "failed", "Interrupted before it was ready (the server restarted)."
    if job is None:
        scope = {
            "topic_id": topic.id,
            "topic": topic.name,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
        }
        job = DocumentJob(
            kind="evidence", fingerprint=print_, requested_by_id=actor.user.id, scope=scope, total=len(STEPS)
        )
        db.session.add(job)
        db.session.flush()
        jobs.start_after_commit(job.id)
    return EvidenceRequest(job=job)


def make_evidence(
    actor: Actor, topic: Topic, date_from: date, date_to: date, now: datetime | None = None, progress=None
) -> tuple[Document, Document]:
    """Gather, write, lay out and store the pack (PDF and CSV), audited; `progress(step)` is told
    before each of STEPS (the job commits there). Returns (pdf, csv)."""
    now = now or datetime.now(UTC)
    progress = progress or (lambda step: None)
    print_ = evidence_fingerprint(topic, date_from, date_to, actor.user, now.date())
    pack = _stored_pack(print_, actor.user)
    if pack is not None:
        return pack  # made meanwhile (by an earlier job for the same data)
    progress(0)
    data = gather_evidence(topic, date_from, date_to, actor.user, now)
    progress(1)
    csv_bytes = builder.build_csv(CSV_HEADER, data.csv_rows())
    progress(2)
    pdf_bytes = builder.build_evidence_pdf(data)
    progress(3)
    stem = f"evidence-{topic.slug}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    params = {
        "topic_id": topic.id,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "consultations": data.consultation_count,
        "inputs": data.input_count,
        "classification": data.classification,
        "generated_at": now.isoformat(),
        "as_of": data.as_of.isoformat(),
        "fingerprint": print_,
    }
    pdf = store(actor, "evidence_pdf", stem + ".pdf", "application/pdf", pdf_bytes, params)
    csv_doc = store(actor, "evidence_csv", stem + ".csv", "text/csv", csv_bytes, {**params, "pdf_document_id": pdf.id})
    pdf.params = {**params, "csv_document_id": csv_doc.id}
    label = f"Evidence pack {topic.name} {date_from}\N{EN DASH}{date_to} ({data.classification})"
    _audit_pack(actor, topic, label, pdf, csv_doc)
    return pdf, csv_doc


def _audit_pack(actor: Actor, topic: Topic, label: str, pdf: Document, csv_doc: Document) -> None:
    details = {"pdf": pdf.sha256, "csv": csv_doc.sha256, "document_ids": [pdf.id, csv_doc.id]}
    audit.record(actor, "evidence", Topic, topic.id, label, details=details)


def generate_evidence(
    actor: Actor, topic_id: int | None, date_from: date | None, date_to: date | None, now: datetime | None = None
) -> tuple[Document, Document]:
    """The pack made here and now (the CLI, the benchmark): reused when the data is unchanged."""
    topic = _checked(topic_id, date_from, date_to)
    return make_evidence(actor, topic, date_from, date_to, now)


def job_for(user: User, job_id: int) -> DocumentJob:
    """A job its requester (or an admin) may follow; NotFound for anyone else."""
    job = db.session.get(DocumentJob, job_id)
    if job is None or not can_see_job(user, job):
        raise NotFound(job_id)
    return job


def open_jobs(user: User) -> list[DocumentJob]:
    """The user's evidence packs still being made, or that failed in the last day, newest first."""
    recent = DocumentJob.created_at >= datetime.now(UTC) - timedelta(days=1)
    unfinished = or_(DocumentJob.status.in_(("queued", "running")), and_(DocumentJob.status == "failed", recent))
    stmt = select(DocumentJob).where(DocumentJob.requested_by_id == user.id, unfinished)
    return list(db.session.execute(stmt.order_by(DocumentJob.id.desc()).limit(10)).scalars())
