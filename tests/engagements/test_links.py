"""Links that leave the app (feed URLs, calendar event URLs, reminder mails) point at the address
it is really served at, or at ENGAGE_BASE_URL when that is set."""

import re

from engage import create_app
from engage.config import load
from engage.extensions import db
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_engagement


def _signed_in_at(app, base: str, email: str):
    """A test client that talks to the app at `base` (scheme, host and port), signed in."""
    client = app.test_client()
    token = csrf_from(client.get("/login", base_url=base).get_data(as_text=True))
    client.post("/login", base_url=base, data={"email": email, "password": PASSWORD, "csrf_token": token})
    return client


def test_the_feed_url_uses_the_port_the_app_is_served_on(app, users):
    client = _signed_in_at(app, "http://127.0.0.1:5123", users["editor"])
    page = client.get("/account", base_url="http://127.0.0.1:5123").get_data(as_text=True)
    feed = re.search(r"(http://[^\"<\s]+/calendar/[^\"<\s]+\.ics)", page).group(1)
    assert feed.startswith("http://127.0.0.1:5123/calendar/")
    assert client.get(feed).status_code == 200


def test_calendar_links_use_the_request_address(app, users):
    with app.app_context():
        engagement_id = make_engagement(title="Panel").id
        db.session.commit()
    client = _signed_in_at(app, "http://engage.example:8443", users["viewer"])
    response = client.get(f"/engagements/{engagement_id}.ics", base_url="http://engage.example:8443")
    text = response.get_data(as_text=True).replace("\r\n ", "")
    assert f"URL:http://engage.example:8443/engagements/{engagement_id}" in text


def test_engage_base_url_wins_when_set(database, tmp_path, monkeypatch, users):
    monkeypatch.setenv("ENGAGE_BASE_URL", "https://engage.example.org/")
    assert load(str(tmp_path), {"TESTING": True})["BASE_URL"] == "https://engage.example.org"


def test_the_command_line_uses_the_served_port(tmp_path, monkeypatch):
    monkeypatch.delenv("ENGAGE_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5123")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert (app.config["BASE_URL"], app.config["CLI_BASE_URL"]) == ("", "http://127.0.0.1:5123")
