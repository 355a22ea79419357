"""Consultations, the inputs raised in them, the decision on each input, and commitments."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.forums.models import Forum
from engage.mixins import Timestamped, UTCDateTime, Versioned, link_table
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.policies.models import Clause, PolicyVersion
from engage.topics.models import Topic, topic_link_table

CONSULTATION_KINDS = {
    "meeting": "Meeting",
    "call": "Call",
    "roundtable": "Roundtable",
    "workshop": "Workshop",
    "written_submission": "Written submission",
    "survey": "Survey",
    "email": "Email",
}
CONFIDENTIALITY = {"normal": "Normal", "confidential": "Confidential", "restricted": "Restricted"}
OUTCOMES = {
    "adopted": "Adopted",
    "adapted": "Adapted",
    "declined": "Declined",
    "parked": "Parked",
    "under_review": "Under review",
}
COMMITMENT_STATUSES = {"open": "Open", "done": "Done", "cancelled": "Cancelled"}

_OWNER = ("consultations", "consultation_id")
consultation_people = link_table("consultation_people", _OWNER, ("people", "person_id"))
consultation_organisations = link_table("consultation_organisations", _OWNER, ("organisations", "organisation_id"))
consultation_staff = link_table("consultation_staff", _OWNER, ("users", "user_id"))
consultation_topics = topic_link_table("consultation_topics", "consultations", "consultation_id")


class Consultation(Versioned, Timestamped, db.Model):
    __tablename__ = "consultations"
    __table_args__ = (
        Index("ix_consultations_confidentiality_held_on", "confidentiality", "held_on"),
        Index("ix_consultations_kind_held_on", "kind", "held_on"),  # the list's kind filter, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(250), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(30), default="meeting")
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(String(20), default="normal")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the instant, when known (an email's Date)

    forum: Mapped[Forum | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    people: Mapped[list[Person]] = relationship(secondary=consultation_people, order_by=Person.name)
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=consultation_organisations, order_by=Organisation.name
    )
    staff: Mapped[list[User]] = relationship(secondary=consultation_staff, order_by=User.name)
    topics: Mapped[list[Topic]] = relationship(secondary=consultation_topics, order_by=Topic.name)
    inputs: Mapped[list["Input"]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="Input.id"
    )


class Input(Versioned, Timestamped, db.Model):
    """One point raised in a consultation, by a person or an organisation."""

    __tablename__ = "inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id"), index=True)  # aimed at

    consultation: Mapped[Consultation] = relationship(back_populates="inputs")
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    clause: Mapped[Clause | None] = relationship()
    decision: Mapped["Decision | None"] = relationship(
        back_populates="input", cascade="all, delete-orphan", uselist=False
    )


class Decision(Versioned, Timestamped, db.Model):
    """What we did with an input, and the version and clause it changed, or an explicit no change."""

    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_outcome", "outcome"),
        CheckConstraint("NOT (no_change AND clause_id IS NOT NULL)", name="no_change_has_no_clause"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("inputs.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(20), default="under_review")
    rationale: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    policy_version_id: Mapped[int | None] = mapped_column(ForeignKey("policy_versions.id"), index=True)
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id"), index=True)  # changed
    no_change: Mapped[bool] = mapped_column(Boolean, default=False)

    input: Mapped[Input] = relationship(back_populates="decision")
    decided_by: Mapped[User | None] = relationship()
    policy_version: Mapped[PolicyVersion | None] = relationship()
    clause: Mapped[Clause | None] = relationship()


class Commitment(Versioned, Timestamped, db.Model):
    """Something we owe someone: a follow-up with an assignee and a due date."""

    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_assignee_status_due", "assignee_id", "status", "due_on"),
        Index("ix_commitments_assignee_status_updated", "assignee_id", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagements.id"), index=True)
    # Owed to an organisation rather than (or as well as) a person: made from the organisation's page.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_for: Mapped[date | None] = mapped_column(Date)  # due date last reminded about

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    consultation: Mapped[Consultation | None] = relationship()
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    engagement: Mapped[Engagement | None] = relationship()
