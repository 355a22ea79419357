"""Stored duplicate-matching keys: people.name_key and person_emails.email_key, indexed and backfilled

The duplicates page groups people by these keys through their indexes (issue 18) instead of
computing a key for every person on each request. The keys come from the same functions the
application keeps them in step with (engage.people.models.name_key / email_key).

Revision ID: c5e8a1d3f207
Revises: c5e1a9d3b7f2
Create Date: 2026-12-01 16:30:00

"""

import sqlalchemy as sa
from alembic import op

from engage.people.models import NAME_KEY_LENGTH, email_key, name_key

revision = "c5e8a1d3f207"
down_revision = "c5e1a9d3b7f2"
branch_labels = None
depends_on = None

CHUNK = 5000


def _backfill(table: str, source: str, target: str, key) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id, {source} FROM {table}")).all()  # noqa: S608 - fixed names
    update = sa.text(f"UPDATE {table} SET {target} = :key WHERE id = :id")  # noqa: S608 - fixed names
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        connection.execute(update, [{"id": row[0], "key": key(row[1])} for row in chunk])


def upgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=NAME_KEY_LENGTH), server_default="", nullable=False))
    with op.batch_alter_table("person_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=254), server_default="", nullable=False))
    _backfill("people", "name", "name_key", name_key)
    _backfill("person_emails", "email", "email_key", email_key)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_name_key"), ["name_key"], unique=False)
    with op.batch_alter_table("person_emails", schema=None) as batch_op:
        batch_op.create_index("ix_person_emails_email_key", ["email_key", "person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("person_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_person_emails_email_key")
        batch_op.drop_column("email_key")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_name_key"))
        batch_op.drop_column("name_key")
