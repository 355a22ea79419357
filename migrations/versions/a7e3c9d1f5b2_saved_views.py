"""Saved views: a list's filters under a name, private or shared with the team (issue 14)

Revision ID: a7e3c9d1f5b2
Revises: c5d2e8f1a7b9
Create Date: 2026-12-03 06:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7e3c9d1f5b2"
down_revision = "c5d2e8f1a7b9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("list_key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id", "list_key", "name", name="uq_saved_views_owner_list_name"),
    )
    op.create_index("ix_saved_views_owner_id", "saved_views", ["owner_id"])
    op.create_index("ix_saved_views_list_key", "saved_views", ["list_key"])


def downgrade():
    op.drop_index("ix_saved_views_list_key", table_name="saved_views")
    op.drop_index("ix_saved_views_owner_id", table_name="saved_views")
    op.drop_table("saved_views")
