"""Indexes for two list filters that read their whole table: engagements' upcoming / past
(ends_at against now) and consultations' kind (newest first)

Revision ID: c5d2e8f1a7b9
Revises: b3f7a1c9e5d4
Create Date: 2026-12-02 17:20:00

"""

from alembic import op

revision = "c5d2e8f1a7b9"
down_revision = "b3f7a1c9e5d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_engagements_ends_at", "engagements", ["ends_at"])
    op.create_index("ix_consultations_kind_held_on", "consultations", ["kind", "held_on"])


def downgrade():
    op.drop_index("ix_consultations_kind_held_on", table_name="consultations")
    op.drop_index("ix_engagements_ends_at", table_name="engagements")
