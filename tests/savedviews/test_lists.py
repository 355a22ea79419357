"""Which arguments a saved view keeps: each list's own filters, in a fixed order, never `page`."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from engage.errors import ValidationError
from engage.organizations import queries as organisation_queries
from engage.people import queries as people_queries
from engage.savedviews.lists import LISTS, normalise, normalise_text

LIST_PATHS = {
    "people.index": "/people",
    "organizations.index": "/organizations",
    "consultations.index": "/consultations",
    "engagements.index": "/engagements",
    "commitments.index": "/commitments?scope=team",
    "helplines.index": "/helplines",
    "forums.index": "/forums",
    "policies.index": "/policies",
}


def test_unknown_arguments_page_and_csrf_are_dropped_and_the_order_is_fixed():
    people = LISTS["people.index"]
    args = MultiDict([("page", "3"), ("stance", "critical"), ("utm", "x"), ("csrf_token", "t"), ("country", "GB")])
    assert normalise(people, args) == "country=GB&stance=critical"
    assert normalise_text(people, "?page=2&country=GB&stance=critical&junk=1") == "country=GB&stance=critical"


def test_empty_values_are_dropped_and_repeated_ones_kept_in_order():
    people = LISTS["people.index"]
    assert normalise_text(people, "q=&country=&topic=3&topic=1&q=+ana+") == "q=ana&topic=3&topic=1"
    assert normalise_text(people, "") == normalise_text(people, "page=2") == ""


def test_values_are_encoded_once():
    assert normalise_text(LISTS["people.index"], "q=O%27Brien+%26+co") == "q=O%27Brien+%26+co"


def test_a_query_too_long_to_be_a_filter_is_refused():
    with pytest.raises(ValidationError):
        normalise_text(LISTS["people.index"], "q=" + "a" * 300)
    with pytest.raises(ValidationError):
        normalise(LISTS["people.index"], [("topic", str(n)) for n in range(10**5, 10**5 + 200)])


def test_every_list_with_a_filter_bar_is_savable():
    assert set(LIST_PATHS) == set(LISTS)


def test_the_lists_keep_the_filters_their_own_queries_read():
    assert set(people_queries.FILTER_KEYS) <= set(LISTS["people.index"].params)
    assert set(organisation_queries.FILTER_KEYS) <= set(LISTS["organizations.index"].params)


@pytest.mark.parametrize("key", sorted(LIST_PATHS))
def test_every_field_of_a_lists_filter_bar_is_kept(app, as_role, client, key):
    """A filter added to a list's filter bar later must be added to its saved views too."""
    as_role("editor")
    html = client.get(LIST_PATHS[key] + ("&" if "?" in LIST_PATHS[key] else "?") + "sort=name").get_data(as_text=True)
    form = re.search(r'<form class="filter-bar.*?</form>', html, re.S).group(0)
    names = set(re.findall(r'name="([^"]+)"', form))
    if "sort" not in LISTS[key].params:
        names.discard("sort")
    assert names and names <= set(LISTS[key].params), names - set(LISTS[key].params)
