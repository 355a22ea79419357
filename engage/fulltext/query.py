"""Searching the index: what the reader may see, ranked, grouped by kind with counts, a page at a time.

A search runs a fixed number of statements whatever the data size: one for near spellings of
names, then one for the best hits of each kind with the kinds' counts; with one kind, one for the
counts per kind and one for the kind's page with its count (and, for a page past the end, a count
and the last page)."""

from dataclasses import dataclass, field

from rapidfuzz.distance import OSA
from sqlalchemy import false, func, select

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
# SQLite), and a list's own q keeps as many, so a word found in half the consultations costs the
# same at 2,000 people as at 100,000; past the cap the counts say "at least". Each candidate is
# looked up, checked for visibility and scored: at 1,000 that work was most of a search at 100,000
# people (1.6–2.3× the time at 2,000); at 300 the growth is 1.0–1.5×.
CAP = 300


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
    if kind:
        rows = _kind_page(session, terms, reader, results)
    else:
        rows = _best_of_each_kind(session, terms, reader, results, per_kind)
    results.hits = [_hit(entry, score, terms) for entry, score in rows]
    return results


def _kind_page(session, terms: list[Term], reader, results: Results) -> list:
    """The counts per kind, and one kind's page of (entry, score) with that kind's count."""
    unscored, _ = matching(session, terms, reader, scored=False)
    counted = unscored.with_only_columns(SearchEntry.kind, func.count()).group_by(SearchEntry.kind)
    results.counts = {k: n for k, n in session.execute(counted)}
    # The kind's own count rides on its page (a window over the matches before LIMIT): one
    # full-text pass, not two. Only a page past the end, which has no rows to carry it, counts
    # separately and is asked again as the last page.
    one_kind, found = matching(session, terms, reader, [results.kind])
    paged = one_kind.add_columns(func.count().over().label("total")).order_by(found.c.score.desc(), SearchEntry.id)

    def page_of(number: int):
        return session.execute(paged.limit(results.per_page).offset((number - 1) * results.per_page)).all()

    rows = page_of(results.page)
    if rows:
        results.kind_total = rows[0].total
    else:
        unscored, _ = matching(session, terms, reader, [results.kind], scored=False)
        results.kind_total = session.execute(unscored.with_only_columns(func.count()).order_by(None)).scalar_one()
        last = results.pager.pages
        if last < results.page and results.kind_total:
            rows = page_of(last)
        results.page = min(results.page, last)
    return [(entry, score) for entry, score, _ in rows]


def _best_of_each_kind(session, terms: list[Term], reader, results: Results, per_kind: int) -> list:
    """The best `per_kind` (entry, score) of each kind and the counts per kind, in one full-text
    pass: every kind with a match has a first hit, and each hit carries its kind's count. Ranked on
    (id, kind, score) alone, so the windows sort narrow rows and only the hits shown read their text."""
    stmt, found = matching(session, terms, reader)
    ranked = stmt.with_only_columns(
        SearchEntry.id,
        found.c.score,
        func.row_number()
        .over(partition_by=SearchEntry.kind, order_by=(found.c.score.desc(), SearchEntry.id))
        .label("n"),
        func.count().over(partition_by=SearchEntry.kind).label("kind_count"),
    ).subquery()
    counted = session.execute(
        select(SearchEntry, ranked.c.score, ranked.c.kind_count)
        .join(ranked, ranked.c.id == SearchEntry.id)
        .where(ranked.c.n <= per_kind)
        .order_by(ranked.c.score.desc(), SearchEntry.id)
    ).all()
    results.counts = {entry.kind: n for entry, _, n in counted}
    return [(entry, score) for entry, score, _ in counted]


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
    "300+" (`web.paginate`)."""
    terms = parse(q)
    if not terms:
        return None
    add_near_spellings(session, terms)
    # The matches drive (entry ids looked up by primary key): joined, with the kind tested on
    # search_entries, SQLite walked every entry of the kind to probe the matches (21 ms at 100,000
    # people for 300 matches). The engine's own kind filter already keeps only `kind`.
    found = _found(session, terms, [kind], CAP, scored=False)
    return select(SearchEntry.record_id).where(SearchEntry.id.in_(select(found.c.id)))


def list_filter(kind: str, q: str, column):
    """SQL condition for a list page's own `q`: `column` (the list's id) among the index's matches.
    A `q` with no words in it matches nothing."""
    found = record_ids(db.session, kind, q)
    return false() if found is None else column.in_(found)
