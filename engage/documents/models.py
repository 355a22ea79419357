"""Documents and notes hung on a person, an organisation, a consultation or an engagement.

Both have one nullable key per kind of record and a check that exactly one is set, so each row
belongs to one record, is deleted with it (ON DELETE CASCADE), and a restricted consultation's rows
are found by `consultation_id` in the same visibility condition as the consultation itself.
"""

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import Timestamped, UTCDateTime, Versioned, utcnow

# kind of record (the URL segment, the search kind of the parent) -> the key column on a row
RECORD_KEYS = {
    "people": "person_id",
    "organisations": "organisation_id",
    "consultations": "consultation_id",
    "engagements": "engagement_id",
}


def _one_record(table: str) -> CheckConstraint:
    keys = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in RECORD_KEYS.values())
    return CheckConstraint(f"{keys} = 1", name=f"ck_{table}_one_record")


class OnRecord:
    """The four keys: exactly one is set."""

    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)

    @property
    def record_kind(self) -> str:
        return next(kind for kind, column in RECORD_KEYS.items() if getattr(self, column) is not None)

    @property
    def record_id(self) -> int:
        return getattr(self, RECORD_KEYS[self.record_kind])


class Attachment(OnRecord, db.Model):
    """An uploaded file: its bytes live in the document store under their SHA-256."""

    __tablename__ = "attachments"

    @declared_attr.directive
    def __table_args__(cls):
        return (_one_record("attachments"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    file_type: Mapped[str] = mapped_column(String(20))  # a key of documents.filetypes.TYPES
    text: Mapped[str] = mapped_column(Text, default="")  # extracted for search
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    added_by: Mapped[User | None] = relationship()


class Note(OnRecord, Versioned, Timestamped, db.Model):
    """A Markdown note; its author may edit it (optimistic locking on `version`)."""

    __tablename__ = "notes"

    @declared_attr.directive
    def __table_args__(cls):
        return (_one_record("notes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    author: Mapped[User | None] = relationship()


def record_model(kind: str):
    """The model of a kind of record documents and notes hang on (a key of RECORD_KEYS)."""
    from engage.consultations.models import Consultation
    from engage.engagements.models import Engagement
    from engage.organizations.models import Organisation
    from engage.people.models import Person

    return {"people": Person, "organisations": Organisation, "consultations": Consultation, "engagements": Engagement}[
        kind
    ]
