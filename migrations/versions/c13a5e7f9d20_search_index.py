"""Full-text search index: search_entries, with SQLite FTS5 tables or a PostgreSQL tsvector and
trigram index beside it. After upgrading, build it once: flask --app wsgi engage reindex

Revision ID: c13a5e7f9d20
Revises: c5e8a1d3f207
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c13a5e7f9d20"
down_revision = "c5e8a1d3f207"
branch_labels = None
depends_on = None

# The same statements as engage/fulltext/models.py runs after create_all (migrations import nothing of ours).
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(kind, folded_title, folded_body, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_names USING fts5(names, content='search_entries', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, kind, folded_title, folded_body) "
    "VALUES (new.id, new.kind, new.folded_title, new.folded_body); "
    "INSERT INTO search_names(rowid, names) VALUES (new.id, new.names); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.kind, old.folded_title, old.folded_body); "
    "INSERT INTO search_names(search_names, rowid, names) VALUES ('delete', old.id, old.names); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.kind, old.folded_title, old.folded_body); "
    "INSERT INTO search_names(search_names, rowid, names) VALUES ('delete', old.id, old.names); "
    "INSERT INTO search_fts(rowid, kind, folded_title, folded_body) "
    "VALUES (new.id, new.kind, new.folded_title, new.folded_body); "
    "INSERT INTO search_names(rowid, names) VALUES (new.id, new.names); END",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_entries ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(folded_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(folded_body, '')), 'D')) STORED",
    "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (tsv)",
    "CREATE INDEX ix_search_entries_names_trgm ON search_entries USING gin (names gin_trgm_ops)",
]


def upgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("meta", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("folded_title", sa.Text(), nullable=False),
        sa.Column("folded_body", sa.Text(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("kind", "record_id", name="uq_search_entries_kind_record"),
    )
    with op.batch_alter_table("search_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entries_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_entries_consultation_id"), ["consultation_id"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in SQLITE if dialect == "sqlite" else POSTGRES if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
        op.execute("DROP TABLE IF EXISTS search_names")
    op.drop_table("search_entries")
