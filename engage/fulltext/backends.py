"""The two databases' full-text dialects behind one shape: `matches(terms)` is a SELECT of
(id, score) over search_entries, best first when ordered by score descending; `near_names(patterns)`
finds folded names that LIKE-match spelling variants (the trigram indexes answer both)."""

from sqlalchemy import column, func, literal_column, or_, select, table, text, union

from engage.fulltext.models import SearchEntry
from engage.fulltext.text import Term

FTS = table("search_fts", column("rowid"))
NAMES = table("search_names", column("rowid"), column("names"))


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
    def matches(self, terms: list[Term]):
        expression = " AND ".join(_fts5(term) for term in terms)
        return (
            select(FTS.c.rowid.label("id"), (-literal_column("bm25(search_fts, 10.0, 1.0)")).label("score"))
            .select_from(FTS)
            .where(text("search_fts MATCH :fts_query").bindparams(fts_query=expression))
        )

    def near_names(self, patterns: list[str], limit: int):
        ids = union(*(select(NAMES.c.rowid).where(NAMES.c.names.like(p)) for p in patterns)).subquery()
        return select(SearchEntry.names).where(SearchEntry.id.in_(select(ids.c.rowid))).limit(limit)


class PostgreSQL:
    def matches(self, terms: list[Term]):
        query = func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(_tsquery(term) for term in terms))
        tsv = literal_column("search_entries.tsv")
        return select(SearchEntry.id.label("id"), func.ts_rank(tsv, query).label("score")).where(tsv.op("@@")(query))

    def near_names(self, patterns: list[str], limit: int):
        return select(SearchEntry.names).where(or_(*(SearchEntry.names.like(p) for p in patterns))).limit(limit)


def backend_for(session):
    return PostgreSQL() if session.get_bind().dialect.name == "postgresql" else SQLite()
