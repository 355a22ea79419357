"""An email waiting to be confirmed as a consultation: uploaded, or received by the capture server.

The message itself is in the document store under its SHA-256; the draft is its user's alone.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.mixins import UTCDateTime, utcnow


class EmailDraft(db.Model):
    __tablename__ = "email_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="upload")  # upload | mail
    filename: Mapped[str] = mapped_column(String(255), default="message.eml")
    sha256: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(250), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
