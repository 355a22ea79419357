"""External experts and contacts, with their contact details, assessments and consent."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import Timestamped, UTCDateTime, Versioned, utcnow
from engage.text import to_ascii
from engage.topics.models import Topic, topic_link_table

STANCES = ("supportive", "neutral", "critical", "unknown")
NDA_STATUSES = ("none", "requested", "signed", "expired")
CONSENT_BASES = ("consent", "legitimate_interest")
# The profile columns a person form edits as plain text, in form order.
PROFILE_FIELDS = ("pronouns", "title", "country", "languages", "time_zone", "links", "bio")
# Each consent scope is a column on Person; labels for forms and pages.
CONSENT_SCOPES = {
    "consent_contact": "May be contacted",
    "consent_internal": "May be named in internal briefings",
    "consent_public": "May be quoted publicly",
    "consent_regulator": "May be named to regulators",
}

person_topics = topic_link_table("person_topics", "people", "person_id")
NAME_KEY_LENGTH = 400  # anyascii may spell a 200-character name longer


def name_key(name: str | None) -> str:
    """The name without accents, case, punctuation or word order, as duplicates are matched:
    "José  Pérez-Ruiz" ~ "PEREZ RUIZ, Jose" ~ "perez ruiz jose"."""
    words = "".join(c if c.isalnum() else " " for c in to_ascii(name).lower()).split()
    return " ".join(sorted(words))[:NAME_KEY_LENGTH]


def email_key(email: str | None) -> str:
    """An address as duplicates are matched: in any case."""
    return (email or "").strip().lower()


def _key_default(key, column: str):
    """A Core insert's default for a stored key (seeds and other bulk inserts that leave it out)."""
    return lambda context: key(context.get_current_parameters().get(column))


class Person(Versioned, Timestamped, db.Model):
    __tablename__ = "people"
    # The default list: unarchived people by name, read in index order (no sort of 100,000 rows).
    __table_args__ = (
        Index("ix_people_archived_name", "archived", "name", "id"),
        # The cooling report: each owner's unarchived people and their last contact, read from the index alone.
        Index("ix_people_archived_owner_last", "archived", "owner_id", "last_interaction_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # name_key(name), kept in step with the name (below, and by every bulk insert): the duplicates
    # page groups people by it through its index instead of computing it for everyone.
    name_key: Mapped[str] = mapped_column(
        String(NAME_KEY_LENGTH), default=_key_default(name_key, "name"), server_default="", index=True
    )
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    time_zone: Mapped[str | None] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    links: Mapped[list] = mapped_column(JSON, default=list)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    nda_status: Mapped[str] = mapped_column(String(20), default="none")
    # Special-category data: only admins and the relationship owner may see it.
    lived_experience: Mapped[str] = mapped_column(Text, default="")
    consent_basis: Mapped[str | None] = mapped_column(String(30))
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_internal: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_public: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_regulator: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Derived from consultations and engagements by their services; never typed in.
    last_interaction_on: Mapped[date | None] = mapped_column(Date, index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User | None] = relationship()
    emails: Mapped[list["PersonEmail"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonEmail.position"
    )
    phones: Mapped[list["PersonPhone"]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonPhone.position"
    )
    topics: Mapped[list[Topic]] = relationship(secondary=person_topics, order_by=Topic.name)
    assessments: Mapped[list["StakeholderAssessment"]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        order_by="(StakeholderAssessment.assessed_on.desc(), StakeholderAssessment.id.desc())",
    )
    conflicts: Mapped[list["ConflictDeclaration"]] = relationship(
        cascade="all, delete-orphan", order_by="ConflictDeclaration.declared_on.desc()"
    )
    honoraria: Mapped[list["Honorarium"]] = relationship(
        cascade="all, delete-orphan", order_by="Honorarium.paid_on.desc()"
    )

    @validates("name")
    def _keep_name_key(self, _key, value):
        self.name_key = name_key(value)
        return value

    @property
    def primary_email(self) -> str | None:
        return self.emails[0].email if self.emails else None

    @property
    def current_assessment(self) -> "StakeholderAssessment | None":
        return self.assessments[0] if self.assessments else None

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class PersonEmail(db.Model):
    __tablename__ = "person_emails"
    # Covering index for "which addresses do two people share" (duplicates) and for lookups by address.
    __table_args__ = (Index("ix_person_emails_email_key", "email_key", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # email_key(email), kept in step with the address like Person.name_key.
    email_key: Mapped[str] = mapped_column(String(254), default=_key_default(email_key, "email"), server_default="")
    label: Mapped[str] = mapped_column(String(40), default="work")
    position: Mapped[int] = mapped_column(default=0)

    person: Mapped[Person] = relationship(back_populates="emails")

    @validates("email")
    def _keep_email_key(self, _key, value):
        self.email_key = email_key(value)
        return value


class PersonPhone(db.Model):
    __tablename__ = "person_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(32))  # E.164
    label: Mapped[str] = mapped_column(String(40), default="work")
    position: Mapped[int] = mapped_column(default=0)

    person: Mapped[Person] = relationship(back_populates="phones")


class StakeholderAssessment(db.Model):
    """Influence and stance on a date; the history is kept, the newest is current."""

    __tablename__ = "stakeholder_assessments"
    __table_args__ = (CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The topic the stance and influence are about; None: all topics (the person as a whole).
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    influence: Mapped[int]
    stance: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="assessments")
    assessed_by: Mapped[User | None] = relationship()
    topic: Mapped[Topic | None] = relationship()


class ConflictDeclaration(db.Model):
    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    declared_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)


class Honorarium(db.Model):
    __tablename__ = "honoraria"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    purpose: Mapped[str] = mapped_column(String(300), default="")


class ConsentChange(db.Model):
    """What a person's consent record became, when and by whom: the history the person page shows."""

    __tablename__ = "consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    basis: Mapped[str | None] = mapped_column(String(30))
    recorded_on: Mapped[date | None] = mapped_column(Date)
    scopes: Mapped[list] = mapped_column(JSON, default=list)  # the CONSENT_SCOPES keys ticked
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20), default="form")  # form, merge, erasure, import

    changed_by: Mapped[User | None] = relationship()


class ErasedEmail(db.Model):
    """A keyed hash (HMAC) of an erased person's email: lets an import warn before re-creating them,
    without keeping the address."""

    __tablename__ = "erased_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
