"""Speaking engagements, panels, council meetings and visits, in their own time zone."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.forums.models import Forum
from engage.mixins import Timestamped, UTCDateTime, Versioned, link_table
from engage.people.models import Person
from engage.topics.models import Topic, topic_link_table

ENGAGEMENT_KINDS = {
    "speaking": "Speaking engagement",
    "panel": "Panel",
    "roundtable": "Roundtable",
    "council_meeting": "Council meeting",
    "site_visit": "Site visit",
    "conference": "Conference",
}
ENGAGEMENT_STATUSES = {
    "proposed": "Proposed",
    "confirmed": "Confirmed",
    "done": "Done",
    "cancelled": "Cancelled",
}
PARTICIPANT_ROLES = {
    "co_panellist": "Co-panellist",
    "moderator": "Moderator",
    "organiser": "Organiser",
    "audience": "Audience",
}
RSVPS = {"invited": "Invited", "accepted": "Accepted", "declined": "Declined", "tentative": "Tentative"}


def new_uid() -> str:
    return f"{uuid.uuid4()}@engage"


engagement_speakers = link_table("engagement_speakers", ("engagements", "engagement_id"), ("users", "user_id"))
engagement_followers = link_table("engagement_followers", ("engagements", "engagement_id"), ("users", "user_id"))
engagement_topics = topic_link_table("engagement_topics", "engagements", "engagement_id")


class Engagement(Versioned, Timestamped, db.Model):
    __tablename__ = "engagements"
    __table_args__ = (
        Index("ix_engagements_status_starts_at", "status", "starts_at"),
        Index("ix_engagements_ends_at", "ends_at"),  # the list's upcoming / past (ends_at against now)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(255), unique=True, default=new_uid)  # iCalendar UID
    title: Mapped[str] = mapped_column(String(250), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="panel")
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # UTC instant
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))  # IANA zone the times were entered in
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    venue: Mapped[str] = mapped_column(String(300), default="")
    virtual_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    objectives: Mapped[str] = mapped_column(Text, default="")
    key_messages: Mapped[str] = mapped_column(Text, default="")
    sensitivities: Mapped[str] = mapped_column(Text, default="")
    logistics: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE, grows with each change
    # The organiser's SEQUENCE and DTSTAMP of the last invitation imported, to refuse older ones
    # (RFC 5546). Kept apart from `sequence`, which is ours and grows with every edit in Engage.
    invite_sequence: Mapped[int | None] = mapped_column()
    invite_stamp: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    forum: Mapped[Forum | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    speakers: Mapped[list[User]] = relationship(secondary=engagement_speakers, order_by=User.name)
    followers: Mapped[list[User]] = relationship(secondary=engagement_followers)
    topics: Mapped[list[Topic]] = relationship(secondary=engagement_topics, order_by=Topic.name)
    participants: Mapped[list["EngagementParticipant"]] = relationship(
        back_populates="engagement", cascade="all, delete-orphan", order_by="EngagementParticipant.id"
    )
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="engagement", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )


class EngagementParticipant(db.Model):
    __tablename__ = "engagement_participants"
    __table_args__ = (UniqueConstraint("engagement_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="co_panellist")
    rsvp: Mapped[str] = mapped_column(String(20), default="invited")

    engagement: Mapped[Engagement] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    time_label: Mapped[str] = mapped_column(String(40), default="")  # e.g. "10:15"
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")

    engagement: Mapped[Engagement] = relationship(back_populates="agenda_items")


class ReminderSent(db.Model):
    """One row per reminder mailed, so `send-reminders` never sends the same one twice."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("kind", "record_id", "user_id", "for_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # engagement / commitment
    record_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    for_date: Mapped[str] = mapped_column(String(32))  # the start or due date reminded about
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventCache(db.Model):
    """The serialised VEVENT of each engagement, keyed by a hash of everything it says.

    Serialising thousands of events with the icalendar library takes seconds; with this
    table a feed only serialises what changed since any worker last built it, even right
    after a restart. It is a cache: rows can be deleted at any time.
    """

    __tablename__ = "event_cache"

    uid: Mapped[str] = mapped_column(String(255), primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
