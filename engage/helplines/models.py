"""The crisis and escalation directory: helplines with their verification dates."""

import re
from datetime import date, timedelta

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import Timestamped, Versioned
from engage.organizations.models import Organisation
from engage.topics.models import Topic, topic_link_table
from engage.validation import display_phone

CHANNELS = {"phone": "Phone", "text": "Text", "chat": "Chat", "web": "Web"}
STALE_AFTER = timedelta(days=180)
PHONE_CHANNELS = ("phone", "text")

helpline_topics = topic_link_table("helpline_topics", "helplines", "helpline_id")


class Helpline(Versioned, Timestamped, db.Model):
    __tablename__ = "helplines"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)  # None: international
    name: Mapped[str] = mapped_column(String(250), index=True)
    channel: Mapped[str] = mapped_column(String(10), default="phone")
    contact: Mapped[str] = mapped_column(String(300))  # E.164 number, short code, or URL
    hours: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    ages: Mapped[str] = mapped_column(String(60), default="All ages")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    escalation_name: Mapped[str] = mapped_column(String(200), default="")
    escalation_contact: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    last_verified_on: Mapped[date | None] = mapped_column(Date, index=True)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    organisation: Mapped[Organisation | None] = relationship()
    verified_by: Mapped[User | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=helpline_topics, order_by=Topic.name)

    def is_stale(self, today: date) -> bool:
        return self.last_verified_on is None or today - self.last_verified_on >= STALE_AFTER

    @property
    def contact_text(self) -> str:
        """The contact as people read it: +44 116 123 → spaced, short codes and URLs as stored."""
        if self.channel in PHONE_CHANNELS and self.contact.startswith("+"):
            return display_phone(self.contact)
        if self.channel in ("web", "chat"):
            return re.sub(r"^https?://", "", self.contact).rstrip("/")
        return self.contact

    @property
    def contact_href(self) -> str | None:
        """A link that dials, texts or opens the contact; None when it cannot be a link."""
        if self.channel == "phone":
            return f"tel:{self.contact}"
        if self.channel == "text":
            return f"sms:{self.contact}"
        if self.contact.startswith(("http://", "https://")):
            return self.contact
        return None
