"""One search over everything the user may see, through the full-text index (engage.fulltext)."""

from flask import url_for

from engage.audit import restricted
from engage.auth.models import User
from engage.extensions import db
from engage.fulltext import query
from engage.fulltext.documents import KINDS
from engage.templating import RECORD_PAGES

MIN_LENGTH = query.MIN_LENGTH
CAP = query.CAP
MAX_QUERY = 200
JUMP_LIMIT = 8

LABELS = {
    "people": "People",
    "organisations": "Organisations",
    "forums": "Forums",
    "helplines": "Helplines",
    "policies": "Policies",
    "clauses": "Policy clauses",
    "consultations": "Consultations",
    "engagements": "Engagements",
    "attachments": "Documents",
    "notes": "Notes",
}
DETAIL = {kind: RECORD_PAGES[kind] for kind in LABELS}  # each kind's page: (endpoint, id argument)
assert set(LABELS) == set(KINDS) == set(DETAIL)


def href(hit) -> str:
    endpoint, arg = DETAIL[hit.kind]
    return url_for(endpoint, **{arg: hit.record_id})


def clean_kind(kind: str | None) -> str | None:
    """A kind filter from the query string: one of LABELS, or None (all kinds)."""
    return kind if kind in LABELS else None


def _audited(hits: list) -> list:
    """Restricted consultations among the hits leave their "view-restricted" event, as on any page."""
    restricted.note_shown(hit.record_id for hit in hits if hit.kind == "consultations")
    return hits


def search(user: User, q: str, kind: str | None = None, page: int = 1) -> query.Results:
    results = query.search(db.session, (q or "")[:MAX_QUERY], user, [kind] if kind else None, page=page)
    _audited(results.hits)
    return results


def jump(user: User, q: str) -> list:
    """The best few records of any kind, for the navigation's jump box: one ranked list."""
    results = query.search(db.session, (q or "")[:MAX_QUERY], user, per_kind=JUMP_LIMIT)
    return _audited(sorted(results.hits, key=lambda hit: -hit.score)[:JUMP_LIMIT])
