"""One row per searchable record, with its text folded to ASCII lower case for the index.

The database's own full-text machinery hangs off this table and is created with it: on SQLite
an FTS5 table over its folded columns, filled by `index` as entries are written and kept in step
by triggers on update and delete; on PostgreSQL a generated tsvector column with a GIN index.
Typos are looked up in the vocabulary of names' words (SearchWord), not in every entry.
Lived-experience text never reaches this table.
"""

from sqlalchemy import DDL, Boolean, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (UniqueConstraint("kind", "record_id", name="uq_search_entries_kind_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # people, organisations, … (a list page)
    record_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))  # shown as the result's link
    meta: Mapped[str] = mapped_column(String(300), default="")  # one line under it
    body: Mapped[str] = mapped_column(Text, default="")  # the text snippets are cut from
    folded_title: Mapped[str] = mapped_column(Text, default="")
    folded_body: Mapped[str] = mapped_column(Text, default="")
    names: Mapped[str] = mapped_column(Text, default="")  # folded names: their words make the vocabulary
    # The consultation the text belongs to: the entry is seen only by who may see it.
    consultation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class SearchWord(db.Model):
    """The search vocabulary: each distinct word of the entries' `names`, with the number of
    entries using it. Near spellings are looked up here (a few thousand words, nearly constant in
    the data size) rather than in every name; a word no entry uses any more is deleted, so an
    erased person's name is not offered as a near spelling. Kept by `index` with the entries."""

    __tablename__ = "search_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(Text, unique=True)
    uses: Mapped[int] = mapped_column(Integer, default=0)


# Names of what the database builds beside the tables (migrations/env.py leaves them out of `db check`).
EXTRA_TABLES = ("search_fts", "search_words_fts")
EXTRA_INDEXES = ("ix_search_entries_tsv", "ix_search_words_word_trgm")
EXTRA_COLUMNS = ("tsv",)

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(kind, folded_title, folded_body, content='search_entries', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.kind, old.folded_title, old.folded_body); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, folded_title, folded_body) "
    "VALUES ('delete', old.id, old.kind, old.folded_title, old.folded_body); "
    "INSERT INTO search_fts(rowid, kind, folded_title, folded_body) "
    "VALUES (new.id, new.kind, new.folded_title, new.folded_body); END",
]
# New entries reach the FTS5 table from `index.fill_sqlite`, one INSERT … SELECT per batch: four
# times quicker than an AFTER INSERT trigger firing per row (2.3 s → 0.5 s for 20,000 entries).
SQLITE_FILL = [
    "INSERT INTO search_fts(rowid, kind, folded_title, folded_body) "
    "SELECT id, kind, folded_title, folded_body FROM search_entries WHERE {where}",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]

POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_entries ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(folded_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(folded_body, '')), 'D')) STORED",
    "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (tsv)",
]

# The vocabulary's trigram index: an FTS5 table on SQLite kept by triggers (a few thousand rows,
# and the count updates touch no indexed column), pg_trgm's GIN on PostgreSQL.
WORDS_SQLITE_DDL = [
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
WORDS_SQLITE_DROP = ["DROP TABLE IF EXISTS search_words_fts"]
WORDS_POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_words_word_trgm ON search_words USING gin (word gin_trgm_ops)",
]

for _statement in WORDS_SQLITE_DDL:
    event.listen(SearchWord.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in WORDS_SQLITE_DROP:
    event.listen(SearchWord.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in WORDS_POSTGRES_DDL:
    event.listen(SearchWord.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparisons: the full-text tables, column and indexes the database builds
    beside search_entries are not in the models, and are not drift."""
    if type_ == "table" and name and name.startswith(EXTRA_TABLES):
        return False
    if type_ == "index" and name in EXTRA_INDEXES:
        return False
    return not (
        type_ == "column"
        and name in EXTRA_COLUMNS
        and getattr(obj, "table", None) is not None
        and obj.table.name == SearchEntry.__tablename__
    )
