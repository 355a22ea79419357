"""Headers on every response; nothing is loaded from another host."""

import re

from tests.conftest import login

PAGES = ["/", "/account", "/admin/users", "/admin/audit", "/admin/users/new", "/nope-404"]


def _check_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert not re.search(r"https?:|\*", csp), csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_headers_on_every_page_and_no_foreign_assets(client, users):
    _check_headers(client.get("/login"))
    login(client, users["admin"])
    for path in PAGES:
        response = client.get(path)
        _check_headers(response)
        html = response.get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"^(https?:)?//", url), (path, url)
        assert "<script>" not in html and " style=" not in html, path


def test_error_pages_use_the_layout(client, users):
    login(client, users["viewer"])
    r = client.get("/admin/users")
    assert r.status_code == 403
    assert "Not allowed" in r.get_data(as_text=True) and "Sign out" in r.get_data(as_text=True)
    r = client.get("/no-such-page")
    assert r.status_code == 404 and "Not found" in r.get_data(as_text=True)


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok"}
