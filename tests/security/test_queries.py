"""SQL fragments, LIKE wildcards and NUL bytes in every search box, filter and sort of every list page.

The parameters are read off the pages themselves (the fields of their GET forms, the query keys
of their links: sort, filters), so a filter added later is attacked too. Each answer must be a page
(never a 5xx), and a search for a wildcard or an SQL fragment must not find more records than a
search for words that match nothing.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from engage.auth.permissions import PUBLIC
from tests.security.world import planted_world, signed_in
from tests.test_routes import GETS

planted = planted_world  # the module's world (a fixture)

HOSTILE = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "%",
    "_",
    "%%",
    "\\",
    "%' OR 1=1 --",
    "' UNION SELECT password_hash FROM users --",
    "\x00",
    "a\x00b",
    "ü∂ 漢字 \u202e",
    "-1",
    "1.5",
    "name; DROP TABLE users",
    "__class__",
]
FOR_CHOICES = ["' OR '1'='1", "\x00", "-1", "name; DROP TABLE users", "__class__", "ü∂ 漢字 \u202e"]  # filters, sort
NOTHING = "qqnomatchqq"
WIDENERS = ("%", "_", "%%", "' OR '1'='1", "1' OR 1=1 --", "%' OR 1=1 --")
RECORD_LINK = re.compile(r'href="/(?:people|organizations|consultations|policies|forums|helplines|engagements)/\d+"')


class _Params(HTMLParser):
    """The parameters a page lets a user send: GET form fields (text ones apart) and link query keys."""

    def __init__(self):
        super().__init__()
        self.params: set[str] = set()
        self.text: set[str] = set()
        self._get_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select") and self._get_form and a.get("name"):
            self.params.add(a["name"])
            if tag == "input" and (a.get("type") or "text") in ("text", "search"):
                self.text.add(a["name"])
        elif tag == "a" and "?" in (a.get("href") or ""):
            self.params |= {k for k, _ in parse_qsl(urlsplit(a["href"]).query)}

    def handle_endtag(self, tag):
        if tag == "form":
            self._get_form = False


def _list_pages():
    return [rule.rule for _, _, rule, level in GETS if level != PUBLIC and not rule.arguments]


def test_hostile_parameters_on_every_list_page(planted):
    app, world = planted
    client, _ = signed_in(app, world.emails["admin"])
    app.config["SECURITY_SUITE_ABANDON"]["on"] = True
    errors, widened, attacked = [], [], set()
    try:
        for path in _list_pages():
            page = client.get(path)
            if page.status_code != 200 or "html" not in page.content_type:
                continue
            parser = _Params()
            parser.feed(page.get_data(as_text=True))
            for name in sorted(parser.params - {"csrf_token"}):
                attacked.add(f"{path}?{name}")
                nothing = len(
                    RECORD_LINK.findall(client.get(path, query_string={name: NOTHING}).get_data(as_text=True))
                )
                for value in HOSTILE if name in parser.text else FOR_CHOICES:
                    response = client.get(path, query_string={name: value})
                    if response.status_code >= 500:
                        errors.append(f"{path}?{name}={value!r}: {response.status_code}")
                    elif name in parser.text and value in WIDENERS:
                        found = len(RECORD_LINK.findall(response.get_data(as_text=True)))
                        if found > nothing:
                            widened.append(f"{path}?{name}={value!r}: {found} records, {nothing} for no match")
    finally:
        app.config["SECURITY_SUITE_ABANDON"]["on"] = False
    assert {"/people?q", "/consultations?q", "/search?q", "/consultations?sort"} <= attacked, sorted(attacked)
    assert not errors, "server errors:\n" + "\n".join(errors)
    assert not widened, "wildcards or SQL widened a search:\n" + "\n".join(widened)


NUL_ADDRESSES = [
    "/people?q=a%00b",
    "/search?q=%00",
    "/consultations?sort=%00",
    "/engagements?country=G%00B",
    "/admin/audit?action=%00",
    "/people?a%00b=1",
    "/calendar/a%00b.ics",
    "/policies/1/clauses/a%00b",
]


@pytest.mark.parametrize("path", NUL_ADDRESSES)
def test_a_nul_character_in_the_address_is_refused_with_a_message(planted, path):
    """PostgreSQL refuses NUL in text: left to the query, every list page answered 500 there."""
    app, world = planted
    for client in (signed_in(app, world.emails["admin"])[0], app.test_client()):
        response = client.get(path)
        assert response.status_code == 400, (path, response.status_code)
        assert "NUL character" in response.get_data(as_text=True)
