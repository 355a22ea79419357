"""Written input: documents and notes on records, email drafts, a consultation's instant

Revision ID: a12d0c5e7b31
Revises: a16d0c3e5b71
Create Date: 2026-12-01 19:10:00

"""

import sqlalchemy as sa
from alembic import op


revision = "a12d0c5e7b31"
down_revision = "a16d0c3e5b71"
branch_labels = None
depends_on = None

KEYS = {
    "person_id": "people",
    "organisation_id": "organisations",
    "consultation_id": "consultations",
    "engagement_id": "engagements",
}


def _record_columns():
    return [sa.Column(column, sa.Integer(), sa.ForeignKey(f"{table}.id", ondelete="CASCADE")) for column, table in KEYS.items()]


def _one_record(table):
    keys = " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in KEYS)
    return sa.CheckConstraint(f"{keys} = 1", name=f"ck_{table}_one_record")


def _indexes(table):
    for column in KEYS:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade():
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_record_columns(),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("file_type", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _one_record("attachments"),
    )
    _indexes("attachments")
    op.create_index("ix_attachments_sha256", "attachments", ["sha256"])
    op.create_index("ix_attachments_added_by_id", "attachments", ["added_by_id"])
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_record_columns(),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _one_record("notes"),
    )
    _indexes("notes")
    op.create_index("ix_notes_author_id", "notes", ["author_id"])
    op.create_table(
        "email_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(250), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_email_drafts_user_id", "email_drafts", ["user_id"])
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("held_at")
    op.drop_table("email_drafts")
    op.drop_table("notes")
    op.drop_table("attachments")
