"""Search vocabulary: search_words, each distinct word of the search entries' names with how many
entries use it, under a trigram index (SQLite FTS5, PostgreSQL pg_trgm), filled from the entries

Revision ID: b3f7a1c9e5d4
Revises: a12d0c5e7b31
Create Date: 2026-12-02 15:40:00

"""

from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "b3f7a1c9e5d4"
down_revision = "a12d0c5e7b31"
branch_labels = None
depends_on = None

# The same statements as engage/fulltext/models.py runs after create_all (migrations import nothing of ours).
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE search_words_fts USING fts5(word, content='search_words', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER search_words_ai AFTER INSERT ON search_words BEGIN "
    "INSERT INTO search_words_fts(rowid, word) VALUES (new.id, new.word); END",
    "CREATE TRIGGER search_words_ad AFTER DELETE ON search_words BEGIN "
    "INSERT INTO search_words_fts(search_words_fts, rowid, word) VALUES ('delete', old.id, old.word); END",
    "CREATE TRIGGER search_words_au AFTER UPDATE OF word ON search_words BEGIN "
    "INSERT INTO search_words_fts(search_words_fts, rowid, word) VALUES ('delete', old.id, old.word); "
    "INSERT INTO search_words_fts(rowid, word) VALUES (new.id, new.word); END",
]
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_words_word_trgm ON search_words USING gin (word gin_trgm_ops)",
]


def upgrade():
    words = op.create_table(
        "search_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_words")),
        sa.UniqueConstraint("word", name=op.f("uq_search_words_word")),
    )
    bind = op.get_bind()
    for statement in SQLITE_DDL if bind.dialect.name == "sqlite" else POSTGRES_DDL:
        op.execute(statement)
    uses = Counter()
    for (names,) in bind.execute(sa.text("SELECT names FROM search_entries")):
        uses.update(set((names or "").split()))
    rows = [{"word": word, "uses": n} for word, n in sorted(uses.items())]
    for start in range(0, len(rows), 1000):
        op.bulk_insert(words, rows[start : start + 1000])
    if bind.dialect.name == "sqlite":  # one segment: thirty LIKE probes in 0.7 ms, not 6–7
        op.execute("INSERT INTO search_words_fts(search_words_fts) VALUES ('optimize')")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_words_fts")
    op.drop_table("search_words")
