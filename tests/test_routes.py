"""Walk every route of the app for every role: protection is checked for routes added later too."""

import pytest
from sqlalchemy import func, select

from engage import create_app
from engage.extensions import db
from tests.conftest import csrf_from, login

PUBLIC = {"auth.login", "health.healthz", "static", "engagement_calendar.feed"}
# Routes any signed-in user may POST to: their own account and session.
PERSONAL_WRITES = {
    "auth.logout",
    "auth.account",
    "engagements.follow",
    "engagements.unfollow",
    "engagement_calendar.feed_settings",
    "engagement_calendar.feed_reset",
}


def _routes():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rows = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        args = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            args[name] = "1" if type(converter).__name__ == "IntegerConverter" else "x"
        path = rule.build(args, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rows.append((rule.endpoint, method, path))
    return rows


ROUTES = _routes()


def _row_counts():
    return {
        t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in db.metadata.sorted_tables
        if t.name != "audit_events"
    }


@pytest.mark.parametrize(("endpoint", "method", "path"), ROUTES, ids=[f"{m} {p}" for _, m, p in ROUTES])
def test_anonymous_requests_end_at_login(client, endpoint, method, path):
    response = client.open(path, method=method)
    if endpoint in PUBLIC:
        assert response.status_code != 302 or not response.headers["Location"].startswith("/login")
        return
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("endpoint", "method", "path"),
    [r for r in ROUTES if r[1] != "GET"],
    ids=[f"{m} {p}" for _, m, p in ROUTES if m != "GET"],
)
def test_viewer_cannot_write(app, client, users, endpoint, method, path):
    if endpoint in PUBLIC | PERSONAL_WRITES:
        pytest.skip("open to every signed-in user")
    token = login(client, users["viewer"])
    with app.app_context():
        before = _row_counts()
    response = client.open(path, method=method, data={"csrf_token": token, "name": "Written", "title": "Written"})
    assert response.status_code == 403
    with app.app_context():
        assert _row_counts() == before


ADMIN_ONLY_PREFIXES = ("/admin",)


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_each_role_reads_what_it_may(app, client, users, role):
    login(client, users[role])
    for endpoint, method, path in ROUTES:
        if method != "GET" or endpoint in PUBLIC:
            continue
        response = client.get(path)
        if path.startswith(ADMIN_ONLY_PREFIXES) and role != "admin":
            assert response.status_code == 403, path
        else:
            # Placeholder ids may not exist (404) but the page must never fail or redirect to login.
            assert response.status_code in (200, 404), (path, response.status_code)


def test_the_walk_covers_every_route():
    assert {"auth.login", "auth.users", "audit.index", "dashboard.home"} <= {e for e, _, _ in ROUTES}


def test_csrf_token_is_needed_for_every_write(app, client, users):
    login(client, users["admin"])
    for _endpoint, method, path in ROUTES:
        if method == "GET":
            continue
        assert client.open(path, method=method, data={"name": "x"}).status_code == 400, path
    assert csrf_from(client.get("/").get_data(as_text=True))
