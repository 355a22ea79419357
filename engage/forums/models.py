"""Forums (advisory councils, working groups, …), their members and our representatives."""

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import Timestamped, Versioned, link_table
from engage.organizations.models import Organisation
from engage.people.models import Person

FORUM_KINDS = {
    "advisory_council": "Advisory council",
    "working_group": "Working group",
    "conference_series": "Conference series",
    "multi_stakeholder": "Multi-stakeholder forum",
    "regulator_consultation": "Regulator consultation",
}

forum_representatives = link_table("forum_representatives", ("forums", "forum_id"), ("users", "user_id"))


class Forum(Versioned, Timestamped, db.Model):
    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    members: Mapped[list["ForumMember"]] = relationship(
        back_populates="forum", cascade="all, delete-orphan", order_by="ForumMember.term_end"
    )
    representatives: Mapped[list[User]] = relationship(secondary=forum_representatives, order_by=User.name)

    @property
    def kind_label(self) -> str:
        return FORUM_KINDS.get(self.kind, self.kind)


class ForumMember(Versioned, db.Model):
    """A person or an organisation sitting on a forum for a term."""

    __tablename__ = "forum_members"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (organisation_id IS NULL)", name="person_or_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(120), default="member")
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date, index=True)

    forum: Mapped[Forum] = relationship(back_populates="members")
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
