"""Counts the reports read instead of scanning their window (issue 14): consultations per month, topic
and confidentiality; experts' last meeting per topic and tier in the 12 months to a day, and those
counted per month and day, topic, region and kind; an index for the cooling report. Filled here from
the tables; kept in step by reports.hooks; `engage recount` rebuilds.

Revision ID: d7e3a9c1b5f2
Revises: a7c3e9b1d5f2
Create Date: 2026-12-03 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d7e3a9c1b5f2"
down_revision = "a7c3e9b1d5f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultation_month_counts",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("confidentiality", sa.String(length=20), nullable=False),
        sa.Column("topic_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "confidentiality", "topic_id"),
    )
    op.create_table(
        "coverage_pairs",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("topic_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "topic_id", "tier"),
    )
    op.create_table(
        "coverage_counts",
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("topic_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tier", "span", "start", "topic_id", "region", "kind"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "coverage_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("asof", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Filled before the pairs' secondary index exists: one sort afterwards instead of one per row.
    from engage.reports import counts, coverage_counts

    bind = op.get_bind()
    counts.rebuild_months(bind)
    coverage_counts.rebuild(bind)
    op.create_index("ix_coverage_pairs_bucket", "coverage_pairs", ["tier", "topic_id", "last_on", "region", "kind"])
    # The cooling report: each owner's unarchived people and their last contact, from the index alone.
    op.create_index("ix_people_archived_owner_last", "people", ["archived", "owner_id", "last_interaction_on"])


def downgrade():
    op.drop_index("ix_people_archived_owner_last", table_name="people")
    op.drop_index("ix_coverage_pairs_bucket", table_name="coverage_pairs")
    op.drop_table("coverage_state")
    op.drop_table("coverage_counts")
    op.drop_table("coverage_pairs")
    op.drop_table("consultation_month_counts")
