"""Consent history per person, and keyed hashes of erased people's emails (issue 18, privacy)

`consent_changes` keeps what a person's consent record became at each change, shown on their
page. `erased_emails` holds an HMAC of each email of an erased person, so an import can warn
before re-creating them without the address being kept.

Revision ID: 9a7d3c2e5b18
Revises: 3e8b5c1d7f20
Create Date: 2026-12-10 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '9a7d3c2e5b18'
down_revision = '3e8b5c1d7f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consent_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('basis', sa.String(length=30), nullable=True),
        sa.Column('recorded_on', sa.Date(), nullable=True),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('do_not_contact', sa.Boolean(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_consent_changes_changed_by_id_users')),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_consent_changes_person_id_people'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_changes')),
    )
    with op.batch_alter_table('consent_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_changes_person_id'), ['person_id'], unique=False)
    op.create_table(
        'erased_emails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erased_emails')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_erased_emails_fingerprint')),
    )


def downgrade():
    op.drop_table('erased_emails')
    with op.batch_alter_table('consent_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_changes_person_id'))
    op.drop_table('consent_changes')
