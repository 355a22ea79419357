"""Decision-outcome counts per policy, day, outcome and confidentiality (issue 19), kept by the
session (engage/policies/outcomes.py), filled here from the inputs, decisions and consultations

Revision ID: a7c3e9b1d5f2
Revises: a7e3c9d1f5b2
Create Date: 2026-12-03 06:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e9b1d5f2"
down_revision = "a7e3c9d1f5b2"
branch_labels = None
depends_on = None

# Each point raised once per policy it counts for (aimed at one of its clauses, or decided into one
# of its clauses or versions), as engage/policies/outcomes.py `links` selects them.
BACKFILL = """
INSERT INTO outcome_counts (policy_id, held_on, outcome, confidentiality, n)
SELECT policy_id, held_on, outcome, confidentiality, count(*)
FROM (
    SELECT i.id AS input_id, v.policy_id, c.held_on, c.confidentiality,
           coalesce(d.outcome, 'undecided') AS outcome
    FROM inputs i JOIN consultations c ON c.id = i.consultation_id
    LEFT JOIN decisions d ON d.input_id = i.id
    JOIN clauses k ON k.id = i.clause_id JOIN policy_versions v ON v.id = k.version_id
    UNION
    SELECT i.id, v.policy_id, c.held_on, c.confidentiality, coalesce(d.outcome, 'undecided')
    FROM inputs i JOIN consultations c ON c.id = i.consultation_id
    LEFT JOIN decisions d ON d.input_id = i.id
    JOIN clauses k ON k.id = d.clause_id JOIN policy_versions v ON v.id = k.version_id
    UNION
    SELECT i.id, v.policy_id, c.held_on, c.confidentiality, coalesce(d.outcome, 'undecided')
    FROM inputs i JOIN consultations c ON c.id = i.consultation_id
    LEFT JOIN decisions d ON d.input_id = i.id
    JOIN policy_versions v ON v.id = d.policy_version_id
) AS links
GROUP BY policy_id, held_on, outcome, confidentiality
"""


def upgrade():
    op.create_table(
        "outcome_counts",
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("confidentiality", sa.String(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("policy_id", "held_on", "outcome", "confidentiality"),
    )
    op.create_index("ix_outcome_counts_held_on", "outcome_counts", ["held_on"])
    op.execute(BACKFILL)


def downgrade():
    op.drop_index("ix_outcome_counts_held_on", table_name="outcome_counts")
    op.drop_table("outcome_counts")
