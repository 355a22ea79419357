"""A document's fingerprint: the SHA-256 of the data it was made from

Briefing and evidence packs are rendered on an explicit request and handed back from storage
while the data they were made from is unchanged; the fingerprint is how that is recognised.
Documents made before this stay without one (they are never reused).

Revision ID: a41d0c9e7b52
Revises: 9a7d3c2e5b18
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a41d0c9e7b52'
down_revision = "9a7d3c2e5b18"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprint', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_documents_fingerprint', ['fingerprint'], unique=False)


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_fingerprint')
        batch_op.drop_column('fingerprint')
