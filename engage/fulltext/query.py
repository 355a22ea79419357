"""Searching the index: what the reader may see, ranked, grouped by kind with counts, a page at a time.

A search runs a fixed number of statements whatever the data size: one for near spellings of
names, one for the counts per kind, one for the results shown."""

from dataclasses import dataclass, field

from rapidfuzz.distance import OSA
from sqlalchemy import false, func, select
from sqlalchemy.orm import aliased

from engage.auth.permissions import can_read, linked_consultation_visible
from engage.extensions import db
from engage.fulltext.backends import backend_for
from engage.fulltext.documents import KINDS
from engage.fulltext.models import SearchEntry
from engage.fulltext.text import MAX_ALTERNATIVES, Term, highlight, parse, snippet
from engage.queries import Page

MIN_LENGTH = 2
FUZZY_MIN = 5  # words this long may have one letter wrong
INFIX_MIN = 3  # words this long also match inside names
NEAR_LIMIT = 200
# /search ranks and counts CAP matches at most (the first the engine finds, newest first on
# SQLite), so a word found in half the consultations costs the same at 2,000 people as at 100,000;
# past the cap the counts say "at least".
CAP = 1000


@dataclass
class Hit:
    kind: str
    record_id: int
    title: str
    meta: str
    title_html: object
    snippet_html: object
    score: float = 0.0


@dataclass
class Results:
    q: str
    terms: list[Term]
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    kind: str | None = None
    page: int = 1
    per_page: int = 20
    kind_total: int | None = None  # the shown kind's count, from its own capped matches

    @property
    def total(self) -> int:
        if self.kind:
            return self.kind_total if self.kind_total is not None else self.counts.get(self.kind, 0)
        return sum(self.counts.values())

    @property
    def capped(self) -> bool:
        """Counts reached the cap: the page says "at least"."""
        return self.total >= CAP or any(n >= CAP for n in self.counts.values())

    @property
    def pager(self) -> Page:
        """The shown kind's hits as a page, for the pagination macro."""
        return Page(items=self.hits, page=self.page, per_page=self.per_page, total=self.total)

    def grouped(self) -> list[tuple[str, list[Hit]]]:
        return [(kind, [h for h in self.hits if h.kind == kind]) for kind in KINDS if self.counts.get(kind)]


def _variants(word: str) -> list[str]:
    """LIKE patterns for `word` with one letter changed, missing, added or swapped; only those
    with three letters in a row, which the trigram indexes can answer."""
    n = len(word)
    forms = {word[:i] + "_" + word[i + 1 :] for i in range(n)}
    forms |= {word[:i] + word[i + 1 :] for i in range(n)}
    forms |= {word[:i] + "_" + word[i:] for i in range(n + 1)}
    forms |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1)}
    return sorted(f"%{f.strip('_')}%" for f in forms if max(len(part) for part in f.split("_")) >= 3)


def add_near_spellings(session, terms: list[Term]) -> None:
    """Give each plain word the names' words one edit away (`gagnom` → gagnon) and, from three
    letters, the names' words holding it inside (`amm` → gamma): one statement for all of them,
    over the vocabulary of name words (search_words), not over every name."""
    wanted = [t for t in terms if t.single_word and len(t.tokens[0]) >= INFIX_MIN]
    if not wanted:
        return
    patterns = set()
    for term in wanted:
        word = term.tokens[0]
        patterns.add(f"%{word}%")
        if len(word) >= FUZZY_MIN:
            patterns.update(_variants(word))
    vocabulary = set(session.execute(backend_for(session).near_words(sorted(patterns), NEAR_LIMIT)).scalars())
    for term in wanted:
        word = term.tokens[0]
        others = [w for w in vocabulary if w != word and not w.startswith(word)]
        near = sorted(w for w in others if len(word) >= FUZZY_MIN and OSA.distance(w, word) <= 1)
        inside = sorted((w for w in others if word in w), key=lambda w: (len(w), w))
        term.alternatives = list(dict.fromkeys(near + inside))[:MAX_ALTERNATIVES]


def _found(session, terms: list[Term], kinds=None, cap: int | None = None, scored: bool = True):
    """The matches as a MATERIALIZED CTE: the full-text engine answers once, and the planner
    cannot turn it into a full-text probe per row of the outer query (100× slower on SQLite)."""
    return backend_for(session).matches(terms, kinds, cap, scored).cte("found").prefix_with("MATERIALIZED")


def _visible(reader):
    return linked_consultation_visible(SearchEntry.consultation_id, reader)


def matching(session, terms: list[Term], reader, kinds=None, archived: bool = False, scored: bool = True):
    """(entry, score) rows the reader may see; `archived` includes archived records. Unscored (score
    0) for counting them: scoring reads each candidate's text."""
    found = _found(session, terms, kinds, CAP, scored)
    stmt = select(SearchEntry, found.c.score).join(found, found.c.id == SearchEntry.id).where(_visible(reader))
    if kinds:
        stmt = stmt.where(SearchEntry.kind.in_(list(kinds)))
    if not archived:
        stmt = stmt.where(SearchEntry.archived.is_(False))
    return stmt, found


def search(session, q: str, reader, kinds=None, page: int = 1, per_page: int = 20, per_kind: int = 5) -> Results:
    """Ranked hits for `q` that `reader` may see. With one kind: that kind's page `page`; without:
    the best `per_kind` of each kind. Counts per kind either way."""
    terms = parse(q)
    kind = kinds[0] if kinds and len(kinds) == 1 else None
    results = Results(q=q, terms=terms, kind=kind, page=max(1, page), per_page=per_page)
    if len((q or "").strip()) < MIN_LENGTH or not terms or not can_read(reader):
        return results
    add_near_spellings(session, terms)
    unscored, _ = matching(session, terms, reader, scored=False)
    counted = unscored.with_only_columns(SearchEntry.kind, func.count()).group_by(SearchEntry.kind)
    results.counts = {k: n for k, n in session.execute(counted)}
    if kind:
        one_kind, _ = matching(session, terms, reader, [kind], scored=False)
        results.kind_total = session.execute(one_kind.with_only_columns(func.count()).order_by(None)).scalar_one()
        one_kind, found = matching(session, terms, reader, [kind])
        results.page = min(results.page, results.pager.pages)
        rows = session.execute(
            one_kind.order_by(found.c.score.desc(), SearchEntry.id)
            .limit(per_page)
            .offset((results.page - 1) * per_page)
        ).all()
    else:
        stmt, found = matching(session, terms, reader)
        ranked = stmt.add_columns(
            func.row_number()
            .over(partition_by=SearchEntry.kind, order_by=(found.c.score.desc(), SearchEntry.id))
            .label("n")
        ).subquery()
        entry = aliased(SearchEntry, ranked)
        rows = session.execute(
            select(entry, ranked.c.score).where(ranked.c.n <= per_kind).order_by(ranked.c.score.desc())
        ).all()
    results.hits = [_hit(entry, score, terms) for entry, score in rows]
    return results


def _hit(entry: SearchEntry, score, terms: list[Term]) -> Hit:
    return Hit(
        entry.kind,
        entry.record_id,
        entry.title,
        entry.meta,
        highlight(entry.title, terms),
        snippet(entry.body, terms) if entry.body else "",
        float(score or 0),
    )


def record_ids(session, kind: str, q: str, reader=None):
    """A SELECT of the ids of `kind` records matching `q`, archived or not, for a list page's own
    filter (the list applies its own visibility); None when `q` holds no words.

    At most CAP of them, as /search ranks: a list counting and sorting every match of a common
    word grows with the data (4.7× from 2,000 to 100,000 people); past the cap the list says
    "1,000+" (`web.paginate`)."""
    terms = parse(q)
    if not terms:
        return None
    add_near_spellings(session, terms)
    found = _found(session, terms, [kind], CAP, scored=False)
    return select(SearchEntry.record_id).join(found, found.c.id == SearchEntry.id).where(SearchEntry.kind == kind)


def list_filter(kind: str, q: str, column):
    """SQL condition for a list page's own `q`: `column` (the list's id) among the index's matches.
    A `q` with no words in it matches nothing."""
    found = record_ids(db.session, kind, q)
    return false() if found is None else column.in_(found)
