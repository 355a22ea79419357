"""Generated documents, frozen: briefing packs, "you said, we did" letters, evidence packs."""

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import UTCDateTime, utcnow

DOCUMENT_KINDS = {
    "briefing": "Briefing pack",
    "letter": "You said, we did letter",
    "evidence_pdf": "Evidence pack (PDF)",
    "evidence_csv": "Evidence pack (CSV)",
}


class Document(db.Model):
    """The exact bytes we produced, with their SHA-256, who made them, when and from what."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_engagement", "engagement_id", "created_at"),
        Index("ix_documents_person", "person_id", "created_at"),
        Index("ix_documents_fingerprint", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # what it was made from
    # SHA-256 of the data it was made from (services.fingerprint): unchanged data, same document.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # letters: when recorded as sent
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


UNCLAIMED_AFTER = timedelta(minutes=1)
JOB_STATUSES = {"queued": "Waiting to start", "running": "Being made", "done": "Ready", "failed": "Failed"}


class DocumentJob(db.Model):
    """A document being made in the background (the evidence pack): what was asked for, by whom,
    how far it has got, and what came of it. The row is what the user asked to keep: a second
    request for the same scope while it runs is handed this job, not a new one."""

    __tablename__ = "document_jobs"
    __table_args__ = (Index("ix_document_jobs_fingerprint", "fingerprint", "requested_by_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="evidence")
    status: Mapped[str] = mapped_column(String(10), default="queued")  # JOB_STATUSES
    step: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=4)
    step_label: Mapped[str] = mapped_column(String(120), default="")
    error: Mapped[str | None] = mapped_column(String(500))
    scope: Mapped[dict] = mapped_column(JSON, default=dict)  # topic_id, date_from, date_to
    fingerprint: Mapped[str] = mapped_column(String(64))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pdf_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    csv_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    pdf_document: Mapped[Document | None] = relationship(foreign_keys=[pdf_document_id])
    csv_document: Mapped[Document | None] = relationship(foreign_keys=[csv_document_id])

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def unclaimed(self) -> bool:
        """Still waiting a minute after it was asked for: no worker of the task queue is running."""
        return self.status == "queued" and utcnow() - self.created_at > UNCLAIMED_AFTER
