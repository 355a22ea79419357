"""Each user's own time zone, for the times briefings and engagement pages show them

Revision ID: d4a9c1e7f2b3
Revises: e14a0d5b1c20
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd4a9c1e7f2b3'
down_revision = "e14a0d5b1c20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='Europe/London')
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
