"""Counts the reports read instead of scanning their whole window (issue 14): kept in step with every
flush by `reports.hooks`, rebuilt by `engage recount`. Each row is recomputed from the base tables
when one of its records changes (never a +1/-1), so an error cannot accumulate."""

from datetime import date

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db

NO_TOPIC = 0  # consultation_month_counts.topic_id of consultations without a topic
ALL_TOPICS = -1  # … of every consultation once, whatever its topics


class ConsultationMonthCount(db.Model):
    """Consultations held in a month, per topic (or none, or all), per confidentiality."""

    __tablename__ = "consultation_month_counts"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first of the month of held_on
    confidentiality: Mapped[str] = mapped_column(String(20), primary_key=True)
    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)


class CoveragePair(db.Model):
    """An expert and a topic they were met on (a consultation's participant, or an engagement's), as a
    reader of one tier sees it: the last day they were met in the 12 months to the counts' day (`asof`),
    the region of their country and the kind of their current organisation that day ('' when none)."""

    __tablename__ = "coverage_pairs"
    __table_args__ = (Index("ix_coverage_pairs_bucket", "tier", "topic_id", "last_on", "region", "kind"),)

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # "viewer": normal consultations; "editor": all but restricted ones; "admin": all (engagements in each)
    tier: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_on: Mapped[date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))


class CoverageCount(db.Model):
    """How many coverage pairs of a tier were last met in a month ('m') or on a day ('d') starting on
    `start`, per topic, region and kind."""

    __tablename__ = "coverage_counts"
    __table_args__ = {"sqlite_with_rowid": False}  # read by ranges of its key: the key is the table

    tier: Mapped[str] = mapped_column(String(10), primary_key=True)
    span: Mapped[str] = mapped_column(String(1), primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    topic_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    region: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class CoverageState(db.Model):
    """The day the coverage counts are as of (one row): meetings after it, and affiliations ending on
    or after it, are not in them yet (the reader counts those people live; `engage recount --roll` moves it on)."""

    __tablename__ = "coverage_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    asof: Mapped[date] = mapped_column(Date)
