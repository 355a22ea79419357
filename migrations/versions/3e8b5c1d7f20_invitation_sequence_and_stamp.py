"""The organiser's SEQUENCE and DTSTAMP of the last invitation imported into an engagement

Importing an invitation older than the one already applied (lower SEQUENCE, or the same
SEQUENCE with an earlier DTSTAMP) is refused, as RFC 5546 asks. The engagement's own
`sequence` cannot be compared with the organiser's: it grows with every edit in Engage.
Both columns stay empty for engagements never imported.

Revision ID: 3e8b5c1d7f20
Revises: 7c1e2a9d4b10
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '3e8b5c1d7f20'
down_revision = '7c1e2a9d4b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invite_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invite_stamp', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_column('invite_stamp')
        batch_op.drop_column('invite_sequence')
