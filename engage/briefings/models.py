"""Generated documents, frozen: briefing packs, "you said, we did" letters, evidence packs."""

from datetime import datetime

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
