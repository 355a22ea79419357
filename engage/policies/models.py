"""Policies, their versions and clauses: what the influence trail points at."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import Timestamped, Versioned
from engage.topics.models import Topic

POLICY_STATUSES = {
    "draft": "Draft",
    "in_consultation": "In consultation",
    "launched": "Launched",
    "retired": "Retired",
}


class Policy(Versioned, Timestamped, db.Model):
    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)  # e.g. MH-SSH
    title: Mapped[str] = mapped_column(String(250))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text, default="")

    topic: Mapped[Topic | None] = relationship()
    owner: Mapped[User | None] = relationship()
    versions: Mapped[list["PolicyVersion"]] = relationship(
        back_populates="policy", cascade="all, delete-orphan", order_by="PolicyVersion.effective_on.desc()"
    )


class PolicyVersion(Versioned, Timestamped, db.Model):
    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("policy_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))  # e.g. v3.1
    effective_on: Mapped[date | None] = mapped_column(Date)
    # Embargo: decisions tied to this version are "under review" outside until this date.
    public_release_on: Mapped[date | None] = mapped_column(Date)
    change_summary: Mapped[str] = mapped_column(Text, default="")

    policy: Mapped[Policy] = relationship(back_populates="versions")
    clauses: Mapped[list["Clause"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Clause.position"
    )

    def is_released(self, today: date) -> bool:
        return self.public_release_on is None or self.public_release_on <= today

    def is_in_force(self, today: date) -> bool:
        """Effective on or before `today` and not under embargo: may be a policy's current version."""
        return self.effective_on is not None and self.effective_on <= today and self.is_released(today)


# The one definition of a policy's current version. It lives with the model (the schema layer)
# because every feature reads it: the policy and clause pages, and the briefing pack, letter and
# evidence pack, whose package sits in an earlier tier than `policies` and may not import it.
def current_version(versions: Iterable[PolicyVersion], today: date) -> PolicyVersion | None:
    """The latest of `versions` (one policy's) effective on or before `today` and not under embargo;
    None while none is. Versions effective the same day: the one added last."""
    in_force = [v for v in versions if v.is_in_force(today)]
    return max(in_force, key=lambda v: (v.effective_on, v.id or 0), default=None)


def version_order_key(version: PolicyVersion):
    """Versions in time order: by effective date (undated drafts last), then creation order."""
    return (version.effective_on or date.max, version.id or 0)


# The one definition of "this decision changed its clause", used by the clause page's trail and
# the evidence pack's clause-change table (with the model for the same reason as current_version).
def clause_statuses(history, versions) -> dict[int, str]:
    """Clause id → what its version did to it ("added", "changed", "unchanged"), from the text.

    `history` is one clause key in the versions that have it; `versions` the policy's versions in
    order. A clause is "changed" in a version only when its text or heading differs from the same
    key in the version before; a decision recorded against an unchanged clause changed nothing."""
    by_version = {c.version_id: c for c in history}
    statuses = {}
    for before, version in zip([None, *versions], versions, strict=False):
        clause = by_version.get(version.id)
        if clause is None:
            continue
        earlier = by_version.get(before.id) if before is not None else None
        if earlier is None:
            statuses[clause.id] = "added"
        elif (earlier.text, earlier.heading) != (clause.text, clause.heading):
            statuses[clause.id] = "changed"
        else:
            statuses[clause.id] = "unchanged"
    return statuses


VERSION_STANDINGS = {
    "current": "current",
    "upcoming": "not yet in effect",
    "embargoed": "embargoed",
    "superseded": "superseded",
}


def version_standing(version: PolicyVersion, current: PolicyVersion | None, today: date) -> str:
    """A key of VERSION_STANDINGS: `version` against its policy's `current_version` on `today`."""
    if current is not None and version.id == current.id:
        return "current"
    if version.effective_on is None or version.effective_on > today:
        return "upcoming"
    if not version.is_released(today):
        return "embargoed"
    return "superseded"


class Clause(db.Model):
    """One clause of one version; `key` (e.g. "MH-SSH 3.2") is stable across versions."""

    __tablename__ = "clauses"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40), index=True)
    heading: Mapped[str] = mapped_column(String(250), default="")
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[PolicyVersion] = relationship(back_populates="clauses")


class OutcomeCount(db.Model):
    """How many points raised count for a policy, by the day of their consultation, the decision on
    them today ("undecided" when none) and the consultation's confidentiality. Kept by
    `engage/policies/outcomes.py` from the inputs, decisions and consultations, in the same transaction.
    By day, not month: a write recounts its (policy, day), a few hundred points, not a month's tens of
    thousands; a policy page still sums at most a few thousand rows."""

    __tablename__ = "outcome_counts"
    __table_args__ = (Index("ix_outcome_counts_held_on", "held_on"),)

    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"), primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, primary_key=True)  # the consultation's date
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    confidentiality: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
