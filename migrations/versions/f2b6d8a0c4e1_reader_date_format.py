"""Each user's date format, for the dates pages and briefings show them

Revision ID: f2b6d8a0c4e1
Revises: c13a5e7f9d20
Create Date: 2026-12-01 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f2b6d8a0c4e1"
down_revision = "c13a5e7f9d20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_format", sa.String(length=20), nullable=False, server_default="day-month"))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("date_format")
