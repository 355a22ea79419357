"""The two databases' full-text dialects behind one shape: `matches(terms, kinds, cap)` is a
SELECT of (id, score) over search_entries, best first when ordered by score descending;
`near_words(patterns)` finds the vocabulary's words (search_words: the distinct words of every
name) that LIKE-match spelling variants, through its trigram index. The vocabulary holds a few
thousand words whatever the number of people, so the look-up does not grow with them as a scan
of every name's trigrams did (178 ms of a 224 ms search at 100,000 people).

With `cap`, the engine stops after `cap` matches and scores only those (the newest entries first on
SQLite, the table's order on PostgreSQL): ranking every match of a common word grows with the data
(3× from 2,000 to 20,000 people), a bounded candidate set does not. The caller ranks the candidates.
Without `scored` the score is 0: a list page's filter sorts by its own columns, and bm25 over 1,000
candidates was most of its cost."""

from sqlalchemy import column, func, literal_column, or_, select, table, text, union

from engage.fulltext.models import SearchEntry, SearchWord
from engage.fulltext.text import Term

FTS = table("search_fts", column("rowid"))
WORDS = table("search_words_fts", column("rowid"), column("word"))


def _fts5(term: Term) -> str:
    phrase = '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")
    if term.alternatives:
        return "(" + " OR ".join([phrase, *(f'"{alt}"' for alt in term.alternatives)]) + ")"
    return phrase


def _tsquery(term: Term) -> str:
    phrase = " <-> ".join(term.tokens) + (":*" if term.prefix else "")
    if term.alternatives:
        return "(" + " | ".join([f"({phrase})", *term.alternatives]) + ")"
    return f"({phrase})"


class SQLite:
    def matches(self, terms: list[Term], kinds=None, cap: int | None = None, scored: bool = True):
        expression = "{folded_title folded_body} : (" + " AND ".join(_fts5(term) for term in terms) + ")"
        if kinds:
            expression = "{kind} : (" + " OR ".join(f'"{k}"' for k in kinds) + ") AND " + expression
        rank = literal_column("bm25(search_fts, 0.0, 10.0, 1.0)")
        stmt = (
            select(FTS.c.rowid.label("id"), (-rank if scored else literal_column("0")).label("score"))
            .select_from(FTS)
            .where(text("search_fts MATCH :fts_query").bindparams(fts_query=expression))
        )
        # FTS5 walks its doclists in rowid order and computes bm25 only for the rows it returns.
        return stmt.order_by(FTS.c.rowid.desc()).limit(cap) if cap else stmt

    def near_words(self, patterns: list[str], limit: int):
        ids = union(*(select(WORDS.c.rowid).where(WORDS.c.word.like(p)) for p in patterns)).subquery()
        return _most_used(select(SearchWord.word).where(SearchWord.id.in_(select(ids.c.rowid))), limit)


class PostgreSQL:
    def matches(self, terms: list[Term], kinds=None, cap: int | None = None, scored: bool = True):
        query = func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(_tsquery(term) for term in terms))
        tsv = literal_column("search_entries.tsv")
        score = func.ts_rank(tsv, query) if scored else literal_column("0")
        stmt = select(SearchEntry.id.label("id"), score.label("score")).where(tsv.op("@@")(query))
        if kinds:
            stmt = stmt.where(SearchEntry.kind.in_(list(kinds)))
        # No ORDER BY: the bitmap heap scan stops after `cap` rows, and ts_rank runs on those only.
        return stmt.limit(cap) if cap else stmt

    def near_words(self, patterns: list[str], limit: int):
        return _most_used(select(SearchWord.word).where(or_(*(SearchWord.word.like(p) for p in patterns))), limit)


def _most_used(stmt, limit: int):
    return stmt.order_by(SearchWord.uses.desc(), SearchWord.word).limit(limit)


def backend_for(session):
    return PostgreSQL() if session.get_bind().dialect.name == "postgresql" else SQLite()
