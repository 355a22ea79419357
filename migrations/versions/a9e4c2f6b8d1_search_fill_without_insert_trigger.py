"""SQLite: new search entries reach the FTS5 tables by one INSERT … SELECT per batch, not a trigger per row

Revision ID: a9e4c2f6b8d1
Revises: f2b6d8a0c4e1
Create Date: 2026-12-01 19:10:00

"""

from alembic import op

revision = "a9e4c2f6b8d1"
down_revision = "f2b6d8a0c4e1"
branch_labels = None
depends_on = None

INSERT_TRIGGER = (
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, kind, folded_title, folded_body) "
    "VALUES (new.id, new.kind, new.folded_title, new.folded_body); "
    "INSERT INTO search_names(rowid, names) VALUES (new.id, new.names); END"
)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS search_entries_ai")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(INSERT_TRIGGER)
