"""Document jobs: evidence packs made in the background, with their progress

Revision ID: c5e1a9d3b7f2
Revises: d4a9c1e7f2b3
Create Date: 2026-12-01 16:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'c5e1a9d3b7f2'
down_revision = "d4a9c1e7f2b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('step_label', sa.String(length=120), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('scope', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('pdf_document_id', sa.Integer(), nullable=True),
        sa.Column('csv_document_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['csv_document_id'], ['documents.id']),
        sa.ForeignKeyConstraint(['pdf_document_id'], ['documents.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_document_jobs_fingerprint', 'document_jobs', ['fingerprint', 'requested_by_id'], unique=False)


def downgrade():
    op.drop_index('ix_document_jobs_fingerprint', table_name='document_jobs')
    op.drop_table('document_jobs')
