"""Cross-site request forgery and open redirects.

Every POST route refuses a request without the anti-forgery token, with a made-up one, and with
a real token from another session (400, nothing written), whoever sends it. Every redirect that
follows a `next` parameter (sign-in, and the forms that send you back where you were) stays on
this site, whatever the spelling of another host.
"""

from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD, csrf_from
from tests.security.world import planted_world, signed_in
from tests.test_routes import _fingerprint

planted = planted_world  # the module's world (a fixture)

EVIL = [
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://evil.example",
    "http:/evil.example",
    " //evil.example",
    "/\t/evil.example",  # browsers drop tabs and newlines from URLs
    "/\r\n/evil.example",
    "javascript:alert(1)",
    "//evil.example%2F@engage",
    "/%09/evil.example",
]


def _posts(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            yield rule, method


def _same_site(location: str) -> bool:
    parts = urlsplit(location)
    path = location.replace("\t", "").replace("\r", "").replace("\n", "")  # as a browser reads it
    return not parts.scheme and not parts.netloc and path.startswith("/") and not path.startswith(("//", "/\\"))


def test_every_post_refuses_a_missing_wrong_or_foreign_token(planted):
    app, world = planted
    admin, _ = signed_in(app, world.emails["admin"])
    _, foreign = signed_in(app, world.emails["editor"])  # a real token, of another session
    anonymous = app.test_client()
    with app.app_context():
        before = _fingerprint()
    wrong = []
    for rule, method in _posts(app):
        path = rule.build(world.ids | world.ids.get(rule.endpoint, {}), append_unknown=False)[1]
        for client, data in [
            (admin, {"name": "Forged"}),
            (admin, {"name": "Forged", "csrf_token": "forged-token"}),
            (admin, {"name": "Forged", "csrf_token": foreign}),
            (anonymous, {"email": world.emails["admin"], "password": "x"}),
        ]:
            if client is anonymous and rule.endpoint != "auth.login":
                continue  # anonymous writes end at the sign-in page (test_matrix.py)
            response = client.open(path, method=method, data=data)
            # The JSON API takes no cookie at all: a cookie-only request is 401 (CSRF cannot apply).
            if response.status_code != (401 if path.startswith("/api/") else 400):
                wrong.append(f"{method} {path} {sorted(data)}: {response.status_code}")
    with app.app_context():
        assert _fingerprint() == before, "a forged request wrote something"
    assert admin.get("/").status_code == 200, "a forged sign-out signed the admin out"
    assert not wrong, "accepted without a valid token:\n" + "\n".join(wrong)


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_sends_you_to_another_site(planted, target):
    app, world = planted
    client = app.test_client()
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    form = {"email": world.emails["viewer"], "password": PASSWORD, "csrf_token": token, "next": target}
    response = client.post("/login", query_string={"next": target}, data=form)
    assert response.status_code == 302 and _same_site(response.headers["Location"]), response.headers["Location"]
    again = client.get("/login", query_string={"next": target})  # signed in: sent on at once
    assert again.status_code == 302 and _same_site(again.headers["Location"]), again.headers["Location"]


def test_no_form_sends_you_to_another_site(planted):
    """Every POST, given a `next` of another host, redirects (if at all) to this site."""
    app, world = planted
    client, token = signed_in(app, world.emails["admin"])
    app.config["SECURITY_SUITE_ABANDON"]["on"] = True
    wrong = []
    try:
        for rule, method in _posts(app):
            if rule.endpoint in ("auth.logout", "auth.login"):
                continue
            path = rule.build(world.ids | world.ids.get(rule.endpoint, {}), append_unknown=False)[1]
            for target in ("//evil.example", "/\\evil.example", "https:evil.example"):
                response = client.open(path, method=method, data={"csrf_token": token, "next": target})
                location = response.headers.get("Location", "/")
                if not _same_site(location):
                    wrong.append(f"{method} {path} next={target!r}: {location}")
    finally:
        app.config["SECURITY_SUITE_ABANDON"]["on"] = False
    assert not wrong, "\n".join(wrong)
