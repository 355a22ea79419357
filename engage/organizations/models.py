"""Organisations, and people's affiliations with them."""

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.extensions import db
from engage.mixins import Timestamped, Versioned
from engage.people.models import Person
from engage.topics.models import Topic, topic_link_table

ORGANISATION_KINDS = {
    "ngo": "NGO",
    "academic": "Academic institution",
    "clinical": "Clinical or professional body",
    "helpline": "Helpline or crisis service",
    "government": "Government or regulator",
    "industry": "Industry",
    "youth": "Youth organisation",
    "other": "Other",
}

organisation_topics = topic_link_table("organisation_topics", "organisations", "organisation_id")


class Organisation(Versioned, Timestamped, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisations_archived_name", "archived", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True, default="other")
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    last_interaction_on: Mapped[date | None] = mapped_column(Date, index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    parent: Mapped["Organisation | None"] = relationship(remote_side=[id])
    topics: Mapped[list[Topic]] = relationship(secondary=organisation_topics, order_by=Topic.name)

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Affiliation(Versioned, db.Model):
    """A person's role at an organisation; current while it has no end date (or one in the future)."""

    __tablename__ = "affiliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()
    organisation: Mapped[Organisation] = relationship()

    def is_current(self, today: date) -> bool:
        return self.end_on is None or self.end_on >= today
