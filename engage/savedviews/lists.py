"""The lists a view can be saved for, and the query arguments each one reads.

A list is named by its endpoint. Its arguments are the ones its filter bar sends (and the few the
home page's links add, such as `awaiting`), with `sort`: a saved view keeps the order the list was
shown in. `page`, a CSRF token and anything else are not part of a view. tests/savedviews checks
these against each list's filter form, so a filter added later is not silently dropped.
"""

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from engage.errors import ValidationError
from engage.savedviews.models import QUERY_MAX


@dataclass(frozen=True)
class SavableList:
    key: str  # the list's endpoint
    label: str  # what the list is called in a sentence: "Saved views of people"
    params: tuple[str, ...]


def _list(key: str, label: str, params: str) -> SavableList:
    return SavableList(key, label, tuple(params.split()))


LISTS = {
    entry.key: entry
    for entry in (
        _list(
            "people.index",
            "people",
            "q country region topic organisation stance stance_topic owner forum not_contacted_since cooling "
            "consulted_for dnc archived sort",
        ),
        _list("organizations.index", "organisations", "q kind country topic parent archived sort"),
        _list(
            "consultations.index",
            "consultations",
            "q kind topic forum confidentiality person organisation from to staff awaiting sort",
        ),
        _list("engagements.index", "engagements", "q status kind country forum topic when from to mine scope"),
        _list("commitments.index", "commitments", "scope due assignee person organisation engagement"),
        _list("helplines.index", "helplines", "q country channel topic stale archived sort"),
        _list("forums.index", "forums", "q kind ending archived sort"),
        _list("policies.index", "policies", "q topic status owner review_within sort"),
    )
}

VALUE_MAX = 200  # one argument's value; longer ones are not a filter anyone typed


def savable(key: str | None) -> SavableList | None:
    return LISTS.get(key or "")


def normalise(entry: SavableList, pairs) -> str:
    """The query string of `pairs` ((name, value) pairs, or a MultiDict) that a view of `entry`
    keeps: its own arguments only, in their fixed order, empty values and `page` dropped.
    Raises ValidationError when what is left is too long to be a filter."""
    items = pairs.items(multi=True) if hasattr(pairs, "getlist") else pairs
    values: dict[str, list[str]] = {}
    for name, value in items:
        value = (value or "").strip()
        if name in entry.params and value:
            if len(value) > VALUE_MAX:
                raise ValidationError({"query": "One of these filters is too long to save."})
            values.setdefault(name, []).append(value)
    query = urlencode([(name, value) for name in entry.params for value in values.get(name, ())])
    if len(query) > QUERY_MAX:
        raise ValidationError({"query": "These filters are too long to save as a view."})
    return query


def normalise_text(entry: SavableList, query: str) -> str:
    """`normalise` for a query string as posted by the "Save this view" form."""
    return normalise(entry, parse_qsl((query or "").lstrip("?"), keep_blank_values=False))
