"""The two databases' full-text dialects behind one shape: `matches(terms, kinds, cap)` is a
SELECT of (id, score) over search_entries, best first when ordered by score descending;
`near_words(patterns)` finds the vocabulary's words (search_words: the distinct words of every
name) that LIKE-match spelling variants, through its trigram index. The vocabulary holds a few
thousand words whatever the number of people, so the look-up does not grow with them as a scan
of every name's trigrams did (178 ms of a 224 ms search at 100,000 people).

With `cap`, the engine stops after `cap` matches and scores only those (the newest entries first on
SQLite, the table's order on PostgreSQL): ranking every match of a common word grows with the data
(3× from 2,000 to 20,000 people), a bounded candidate set does not. The caller ranks the candidates:
PostgreSQL's ts_rank reads only their tsvector; SQLite scores them on their own folded text (`_score`),
as bm25 would read every doclist of the query's words. Without `scored` the score is 0: a list page's
filter sorts by its own columns."""

from sqlalchemy import column, func, literal, literal_column, or_, select, table, text, union

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
        where = text("search_fts MATCH :fts_query").bindparams(fts_query=expression)
        if not scored:
            stmt = select(FTS.c.rowid.label("id"), literal_column("0").label("score")).select_from(FTS).where(where)
        else:
            stmt = (
                select(FTS.c.rowid.label("id"), _score(terms).label("score"))
                .select_from(FTS)
                .join(SearchEntry, SearchEntry.id == FTS.c.rowid)
                .where(where)
            )
        # FTS5 walks its doclists in rowid order and stops after `cap` of them.
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
            # Tested on the rows the text index finds, not through the kind's own index: a bitmap of
            # every entry of the kind (100,000 people) cost more than the search itself, and grew
            # with the data (6 of 11 ms at 100,000 people, for 2,082 matches).
            stmt = stmt.where(func.concat(SearchEntry.kind, "").in_(list(kinds)))
        # No ORDER BY: the bitmap heap scan stops after `cap` rows, and ts_rank runs on those only.
        return stmt.limit(cap) if cap else stmt

    def near_words(self, patterns: list[str], limit: int):
        return _most_used(select(SearchWord.word).where(or_(*(SearchWord.word.like(p) for p in patterns))), limit)


def _occurrences(column, needle: str):
    """SQL: how many times `needle` (a space, then words) occurs in the folded `column`, its words
    separated by single spaces."""
    padded = literal(" ") + column + literal(" ")
    return (func.length(padded) - func.length(func.replace(padded, literal(needle), literal("")))) / len(needle)


def _score(terms: list[Term]):
    """SQL on search_entries: how well an entry the engine matched fits `terms`, from its own text.

    bm25 weighs each word by how rare it is across the index, and FTS5 reads a word's whole doclist
    to know: a phrase of common words cost 28.7 ms scored against 0.4 ms unscored at 100,000 people,
    and the cost grew with the data. Scored on the candidates' text instead, the cost is bounded by
    the cap: each term's uses in the title weigh ten times its uses in the body (at most three and
    five of them), a near spelling of a name half as much, and a long body dilutes its matches."""
    total = literal(0.0)
    for term in terms:
        needle = " " + " ".join(term.tokens) + ("" if term.prefix else " ")
        title = func.min(_occurrences(SearchEntry.folded_title, needle), 3)
        body = func.min(_occurrences(SearchEntry.folded_body, needle), 5)
        total = total + 10 * title + body
        for alternative in term.alternatives:
            total = total + 5 * func.min(_occurrences(SearchEntry.folded_title, f" {alternative} "), 3)
    return total / (1.0 + func.length(SearchEntry.folded_body) / 4000.0)


def _most_used(stmt, limit: int):
    return stmt.order_by(SearchWord.uses.desc(), SearchWord.word).limit(limit)


def backend_for(session):
    return PostgreSQL() if session.get_bind().dialect.name == "postgresql" else SQLite()
