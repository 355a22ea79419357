"""The crisis and escalation directory: helplines with their verification dates."""

from datetime import date, timedelta

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import Timestamped, Versioned
from engage.organizations.models import Organisation
from engage.topics.models import Topic, topic_link_table

CHANNELS = {"phone": "Phone", "text": "Text", "chat": "Chat", "web": "Web"}
STALE_AFTER = timedelta(days=180)
INTERNATIONAL = None  # a helpline with no country serves everyone: the fallback

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
