"""Keeping the index in step: `refresh` rewrites the entries of some records from the tables,
`reindex` rebuilds everything. Both run inside the caller's transaction, and both keep the
vocabulary (`search_words`: each word of the entries' names, with how many entries use it) in
step with the entries they write."""

import zlib
from collections import Counter

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engage.extensions import db
from engage.fulltext.documents import KINDS
from engage.fulltext.models import SQLITE_DDL, SQLITE_FILL, SearchEntry, SearchWord
from engage.queries import insert_rows

BATCH = 1000
DROP_TRIGGERS = [f"DROP TRIGGER IF EXISTS search_entries_{n}" for n in ("ad", "au")]
REBUILD = ["INSERT INTO search_fts(search_fts) VALUES ('rebuild')"]
# The vocabulary's FTS5 table changes only when a word first appears or last goes (a count's
# update touches no indexed column); merged into one segment after a rebuild, its thirty LIKE
# probes take 0.7 ms instead of 6–7 ms.
OPTIMIZE_WORDS = "INSERT INTO search_words_fts(search_words_fts) VALUES ('optimize')"


def refresh(session, keys) -> None:
    """Rewrite the entries for `keys` ((kind, record id) pairs) from the tables: gone records lose
    their entry, the others get one built afresh."""
    by_kind: dict[str, set[int]] = {}
    for kind, record_id in keys:
        if record_id is not None:
            by_kind.setdefault(kind, set()).add(record_id)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _lock_entries(connection, by_kind)
    added, removed = Counter(), Counter()
    for kind, ids in sorted(by_kind.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), BATCH):
            new, old = _write(connection, kind, ordered[start : start + BATCH])
            added.update(new)
            removed.update(old)
    adjust_words(connection, added, removed)


def _lock_entries(connection, by_kind: dict[str, set[int]]) -> None:
    """On PostgreSQL, hold a transaction lock on each record's entry before it is rebuilt: two
    editors changing one consultation at once would otherwise both delete its entry (the second
    waiting for the first's row), then both insert one, and the second fail on the unique key. The
    second now waits here, then reads the first's committed change. Kinds and ids in one order, so
    two writers cannot wait on each other."""
    for kind, ids in sorted(by_kind.items()):
        connection.execute(
            text(
                "SELECT pg_advisory_xact_lock(:space, r) FROM"
                " (SELECT r FROM unnest(CAST(:ids AS integer[])) AS r ORDER BY r) AS wanted"
            ),
            {"space": zlib.crc32(f"search:{kind}".encode()) & 0x7FFFFFFF, "ids": sorted(ids)},
        )


def _write(connection, kind: str, ids: list[int], fill: bool = True, replace: bool = True) -> tuple[Counter, Counter]:
    """Replace the entries of `ids` (with `replace` False, write them into an index emptied first);
    returns the word uses of the names written and of those removed."""
    _, build = KINDS[kind]
    with db.session.no_autoflush:
        rows = [doc.row() for doc in build(ids)]
    old = []
    if replace:
        old = (
            connection.execute(
                delete(SearchEntry)
                .where(SearchEntry.kind == kind, SearchEntry.record_id.in_(ids))
                .returning(SearchEntry.names)
            )
            .scalars()
            .all()
        )
    insert_rows(SearchEntry.__table__, rows)
    if fill and rows and connection.dialect.name == "sqlite":
        fill_sqlite(connection, "kind = :kind AND record_id IN :ids", {"kind": kind, "ids": ids})
    return word_uses(row["names"] for row in rows), word_uses(old)


def word_uses(names) -> Counter:
    """How many of `names` (folded name lines) use each word."""
    uses = Counter()
    for line in names:
        uses.update(set((line or "").split()))
    return uses


def adjust_words(connection, added: Counter, removed: Counter | None = None) -> None:
    """Move the vocabulary's counts by `added` minus `removed`, in two statements (an upsert and a
    delete of the words no entry uses any more) whatever the number of words."""
    delta = Counter(added)
    delta.subtract(removed or Counter())
    changed = {word: n for word, n in delta.items() if n}
    if not changed:
        return
    table = SearchWord.__table__
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.word], set_={"uses": table.c.uses + stmt.excluded.uses})
    connection.execute(stmt, [{"word": word, "uses": n} for word, n in sorted(changed.items())])
    gone = sorted(word for word, n in changed.items() if n < 0)
    for start in range(0, len(gone), BATCH):
        connection.execute(delete(table).where(table.c.word.in_(gone[start : start + BATCH]), table.c.uses <= 0))


def add(session, kind: str, docs) -> None:
    """Entries for records that have none yet (just inserted in bulk), from documents the caller built."""
    connection = session.connection()
    docs = list(docs)
    added = Counter()
    for start in range(0, len(docs), BATCH):
        rows = [doc.row() for doc in docs[start : start + BATCH]]
        insert_rows(SearchEntry.__table__, rows)
        added.update(word_uses(row["names"] for row in rows))
        if connection.dialect.name == "sqlite":
            ids = [row["record_id"] for row in rows]
            fill_sqlite(connection, "kind = :kind AND record_id IN :ids", {"kind": kind, "ids": ids})
    adjust_words(connection, added)


def fill_sqlite(connection, where: str, params: dict) -> None:
    """Put the entries `where` selects into the FTS5 tables (SQLite; PostgreSQL's tsvector is a
    generated column)."""
    for statement in SQLITE_FILL:
        stmt = text(statement.format(where=where))
        if "ids" in params:
            stmt = stmt.bindparams(bindparam("ids", expanding=True))
        connection.execute(stmt, params)


def index_record(session, record) -> None:
    """(Re)index one record now, e.g. after a bulk statement the session did not see."""
    for kind, (model, _) in KINDS.items():
        if isinstance(record, model):
            refresh(session, [(kind, record.id)])


def remove(session, kind: str, record_ids) -> None:
    connection = session.connection()
    old = (
        connection.execute(
            delete(SearchEntry)
            .where(SearchEntry.kind == kind, SearchEntry.record_id.in_(list(record_ids)))
            .returning(SearchEntry.names)
        )
        .scalars()
        .all()
    )
    adjust_words(connection, Counter(), word_uses(old))


def reindex(session) -> dict[str, int]:
    """Rebuild the whole index from the tables; returns the entries written per kind.

    On SQLite the FTS5 delete trigger is set aside while the rows go in, and the FTS5 tables are
    rebuilt from them in one pass at the end."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        for statement in DROP_TRIGGERS:
            connection.exec_driver_sql(statement)
    connection.execute(delete(SearchEntry))
    connection.execute(delete(SearchWord))
    counts = {}
    added = Counter()
    for kind, (model, _) in KINDS.items():
        ids = list(session.execute(select(model.id).order_by(model.id)).scalars())
        for start in range(0, len(ids), BATCH):
            # The index was emptied above: nothing to delete. (A DELETE per batch on PostgreSQL, whose
            # planner has no statistics for rows of an uncommitted seed, scanned the growing table
            # each time: 2.5 s a batch at 100,000 people.) SQLite's FTS5 tables are rebuilt below.
            new, _ = _write(connection, kind, ids[start : start + BATCH], fill=not sqlite, replace=False)
            added.update(new)
            session.expunge_all()  # a rebuild of 100,000 people need not keep them all in memory
        counts[kind] = len(ids)
    adjust_words(connection, added)
    if sqlite:
        for statement in REBUILD:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql(OPTIMIZE_WORDS)
        for statement in SQLITE_DDL:
            if statement.startswith("CREATE TRIGGER"):
                connection.exec_driver_sql(statement)
    return counts


def stale(session) -> list[tuple[str, int]]:
    """(kind, record id) pairs whose entry differs from what the tables say now, and ("words", word)
    for each vocabulary word whose count does (tests, `reindex --check`)."""
    wrong = []
    words = Counter()
    columns = [c for c in SearchEntry.__table__.columns if c.name != "id"]
    for kind, (model, build) in KINDS.items():
        ids = list(session.execute(select(model.id)).scalars())
        expected = {}
        for start in range(0, len(ids), BATCH):
            for doc in build(ids[start : start + BATCH]):
                expected[doc.record_id] = doc.row()
        stored = {
            row.record_id: dict(row._mapping)
            for row in session.execute(select(*columns).where(SearchEntry.kind == kind))
        }
        for record_id in set(expected) | set(stored):
            if expected.get(record_id) != stored.get(record_id):
                wrong.append((kind, record_id))
        words.update(word_uses(row["names"] for row in expected.values()))
    stored_words = dict(session.execute(select(SearchWord.word, SearchWord.uses)).all())
    wrong += [("words", word) for word in set(words) | set(stored_words) if words.get(word) != stored_words.get(word)]
    return sorted(wrong)
