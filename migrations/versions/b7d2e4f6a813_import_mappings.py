"""Column mappings of imported files, remembered for the next file with the same headers

Revision ID: b7d2e4f6a813
Revises: 50dbc8dd2c8b
Create Date: 2026-12-10 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d2e4f6a813'
down_revision = "50dbc8dd2c8b"
branch_labels = None
depends_on = None

def upgrade():
    op.create_table(
        'import_mappings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('saved_by_id', sa.Integer(), nullable=True),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_import_mappings_saved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
        sa.UniqueConstraint('signature', name=op.f('uq_import_mappings_signature')),
    )

def downgrade():
    op.drop_table('import_mappings')
