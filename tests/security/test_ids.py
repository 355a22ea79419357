"""Huge, negative, zero and malformed ids and numeric filters: a 404 or an ignored filter, never a 500."""

from tests.conftest import login
from tests.security.seeded import build

BAD_IDS = (str(2**31), str(2**63), str(2**64), "-1", "0", "9" * 5000, "١")  # the last: an Arabic-Indic one


def _id_arguments(app, rule) -> list[str]:
    return [n for n in rule.arguments if type(rule._converters[n]).__name__ in ("IdConverter", "IntegerConverter")]


def test_every_record_id_in_a_path_is_an_id_converter(app):
    """No route takes a record id through a plain <int:…> (which lets 2^63 reach the database)."""
    plain = [
        r.rule
        for r in app.url_map.iter_rules()
        if "IntegerConverter" in {type(c).__name__ for c in r._converters.values()}
    ]
    assert not plain


def test_every_get_route_answers_404_for_an_id_out_of_range(app, client, world):
    login(client, "admin@example.org")
    wrong, walked = [], 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not (names := _id_arguments(app, rule)):
            continue
        for name in names:
            for bad in BAD_IDS:
                walked += 1
                path = build(rule, world, **{name: bad})
                status = client.get(path).status_code
                if status != 404:
                    wrong.append(f"{path[:80]}: {status}")
    assert walked >= 35 * len(BAD_IDS)  # every id argument of every GET route
    assert not wrong, "\n".join(wrong)


FILTERS = {
    "/people": ("topic", "organisation", "owner", "forum"),
    "/organizations": ("topic", "parent"),
    "/consultations": ("topic", "forum", "person", "organisation"),
    "/policies": ("topic", "owner", "review_within"),
    "/engagements": ("topic", "forum"),
    "/engagements/calendar": ("topic", "forum"),
    "/helplines": ("topic",),
    "/admin/audit": ("user", "record_id"),
}


def test_numeric_filters_out_of_range_are_ignored_with_a_message(app, client, world):
    login(client, "admin@example.org")
    wrong = []
    bad_values = (str(2**31), str(2**63), str(2**64), "-1", "abc", "²")
    for path, names, bad in ((p, n, b) for p, n in FILTERS.items() for b in bad_values):
        for name in names:
            if (path, name) == ("/people", "organisation") and not (bad.isascii() and bad.isdigit()):
                continue  # there, text is an organisation's name to look for
            response = client.get(f"{path}?{name}={bad}")
            body = response.get_data(as_text=True)
            if response.status_code != 200 or f"The filter “{name}” was ignored" not in body:
                wrong.append(f"{path}?{name}={bad}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_filter_in_range_still_filters(app, client, world):
    login(client, "admin@example.org")
    response = client.get(f"/people?topic={2**31 - 1}")
    assert response.status_code == 200
    assert "was ignored" not in response.get_data(as_text=True)
