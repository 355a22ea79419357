"""Saved views can be renamed and shared or unshared: a version for optimistic locking

Revision ID: b9f3d7a1c5e8
Revises: e4b8d2f6a9c3
Create Date: 2026-12-03 11:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b9f3d7a1c5e8"
down_revision = "e4b8d2f6a9c3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("saved_views") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("saved_views") as batch:
        batch.alter_column("version", existing_type=sa.Integer(), server_default=None)


def downgrade():
    with op.batch_alter_table("saved_views") as batch:
        batch.drop_column("version")
