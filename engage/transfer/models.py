"""A column mapping the user confirmed, kept for the next file with the same headers."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.mixins import UTCDateTime, utcnow


class ImportMapping(db.Model):
    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # people / organizations
    signature: Mapped[str] = mapped_column(String(64), unique=True)  # mapping.signature(kind, headers)
    headers: Mapped[list] = mapped_column(JSON, default=list)
    fields: Mapped[list] = mapped_column(JSON, default=list)  # a field name (or "") per header
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
