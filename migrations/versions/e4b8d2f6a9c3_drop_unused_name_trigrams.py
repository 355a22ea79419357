"""Search: drop the trigram indexes over every entry's names (SQLite's search_names, PostgreSQL's
ix_search_entries_names_trgm). Near spellings are looked up in the vocabulary (search_words) since
issue 13's second pass; nothing reads these, and every write and every reindex kept them.

Revision ID: e4b8d2f6a9c3
Revises: d7e3a9c1b5f2
Create Date: 2026-12-03 11:40:00

"""

from alembic import op

revision = "e4b8d2f6a9c3"
down_revision = "d7e3a9c1b5f2"
branch_labels = None
depends_on = None

DELETE_TRIGGER = (
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.kind, old.folded_title, old.folded_body);{names_delete} END"
)
UPDATE_TRIGGER = (
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.kind, old.folded_title, old.folded_body);{names_delete} "
    "INSERT INTO search_fts(rowid, kind, folded_title, folded_body) "
    "VALUES (new.id, new.kind, new.folded_title, new.folded_body);{names_insert} END"
)
NAMES_DELETE = " INSERT INTO search_names(search_names, rowid, names) VALUES ('delete', old.id, old.names);"
NAMES_INSERT = " INSERT INTO search_names(rowid, names) VALUES (new.id, new.names);"


def _triggers(with_names: bool) -> None:
    op.execute("DROP TRIGGER IF EXISTS search_entries_ad")
    op.execute("DROP TRIGGER IF EXISTS search_entries_au")
    parts = {"names_delete": NAMES_DELETE if with_names else "", "names_insert": NAMES_INSERT if with_names else ""}
    op.execute(DELETE_TRIGGER.format(**parts))
    op.execute(UPDATE_TRIGGER.format(**parts))


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _triggers(with_names=False)
        op.execute("DROP TABLE IF EXISTS search_names")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entries_names_trgm")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_names USING fts5(names, content='search_entries', content_rowid='id', "
            "tokenize='trigram')"
        )
        op.execute("INSERT INTO search_names(search_names) VALUES ('rebuild')")
        _triggers(with_names=True)
    else:
        op.execute("CREATE INDEX ix_search_entries_names_trgm ON search_entries USING gin (names gin_trgm_ops)")
