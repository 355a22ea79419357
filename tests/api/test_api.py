"""The JSON API: tokens (401/403), optimistic locking (412), problem details, cursors, sparse fields."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engage.api.models import ApiToken
from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organizations.models import Organisation
from tests.api.conftest import bearer, make_token
from tests.conftest import login
from tests.factories import make_organisation


def _organisation(app, name="Walked Org") -> int:
    with app.app_context():
        organisation = make_organisation(name=name)
        db.session.commit()
        return organisation.id


def test_a_stale_if_match_is_412_and_the_first_write_stands(app, client, tokens):
    org = _organisation(app)
    headers = bearer(tokens["editor"])
    etag = client.get(f"/api/v1/organisations/{org}", headers=headers).headers["ETag"]
    first = client.patch(f"/api/v1/organisations/{org}", json={"name": "First"}, headers=headers | {"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    second = client.patch(f"/api/v1/organisations/{org}", json={"name": "Second"}, headers=headers | {"If-Match": etag})
    assert second.status_code == 412
    assert second.mimetype == "application/problem+json"
    missing = client.patch(f"/api/v1/organisations/{org}", json={"name": "Third"}, headers=headers)
    assert missing.status_code == 412
    with app.app_context():
        assert db.session.get(Organisation, org).name == "First"


def test_revoked_and_expired_tokens_are_401(app, client, users, tokens):
    org = _organisation(app)
    expired = make_token(app, users["editor"], "read", "old", days=1)
    with app.app_context():
        token = db.session.execute(select(ApiToken).where(ApiToken.name == "old")).scalar_one()
        token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"/api/v1/organisations/{org}", headers=bearer(expired)).status_code == 401
    csrf = login(client, users["editor"])
    with app.app_context():
        live = db.session.execute(select(ApiToken).where(ApiToken.name == "editor token")).scalar_one().id
    assert client.get("/api/v1/people", headers=bearer(tokens["editor"])).status_code == 200
    assert client.post("/account/tokens", data={"csrf_token": csrf, "revoke": live}).status_code == 302
    response = client.get("/api/v1/people", headers=bearer(tokens["editor"]))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/people", headers=bearer("eng_not-a-token")).status_code == 401


def test_the_session_cookie_does_not_open_the_api(app, client, users):
    login(client, users["admin"])
    assert client.get("/api/v1/people").status_code == 401
    assert client.post("/api/v1/organisations", json={"name": "Cookie Org"}).status_code == 401
    with app.app_context():
        assert db.session.execute(select(Organisation).where(Organisation.name == "Cookie Org")).first() is None


def test_a_read_only_token_cannot_write(app, client, tokens):
    org = _organisation(app)
    for key in ("editor-read", "viewer"):
        response = client.patch(
            f"/api/v1/organisations/{org}", json={"name": "Written"}, headers=bearer(tokens[key]) | {"If-Match": '"1"'}
        )
        assert response.status_code == 403, key
        assert (
            client.post("/api/v1/organisations", json={"name": "New"}, headers=bearer(tokens[key])).status_code == 403
        )
    with app.app_context():
        assert db.session.get(Organisation, org).name == "Walked Org"
        assert db.session.execute(select(Organisation).where(Organisation.name == "New")).first() is None


def test_refused_writes_carry_the_forms_messages_and_write_nothing(app, client, tokens):
    response = client.post("/api/v1/people", json={"name": "", "email": "nope"}, headers=bearer(tokens["editor"]))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["errors"]["name"] == ["Enter the person's name."]
    assert "not a valid email address" in body["errors"]["email"][0]
    assert client.post("/api/v1/people", data="[1]", headers=bearer(tokens["editor"])).status_code == 400
    assert client.post("/api/v1/people", json={"colour": "red"}, headers=bearer(tokens["editor"])).status_code == 400


def test_writes_are_audited_with_the_tokens_name(app, client, tokens):
    response = client.post("/api/v1/organisations", json={"name": "Audited Org"}, headers=bearer(tokens["editor"]))
    assert response.status_code == 201 and response.headers["Location"].endswith(f"/{response.get_json()['id']}")
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.record_type == "organisations")).scalars().all()
        assert any("API token “editor token”" in e.summary for e in event)


def test_cursor_pages_sparse_fields_and_export_sized_reads(app, client, tokens):
    with app.app_context():
        for n in range(105):
            make_organisation(name=f"Paged {n:03}")
        db.session.commit()
    headers = bearer(tokens["viewer"])
    first = client.get("/api/v1/organisations?limit=60&fields=name", headers=headers).get_json()
    assert len(first["data"]) == 60 and set(first["data"][0]) == {"id", "name"}
    second = client.get(first["links"]["next"], headers=headers).get_json()
    assert len(second["data"]) == 45 and second["links"]["next"] is None
    assert {r["id"] for r in first["data"]}.isdisjoint(r["id"] for r in second["data"])
    assert client.get("/api/v1/organisations?cursor=junk", headers=headers).status_code == 400
    assert client.get("/api/v1/organisations?fields=nope", headers=headers).status_code == 400
    assert client.get("/api/v1/organisations?limit=0", headers=headers).status_code == 400
    client.get("/api/v1/organisations?limit=200", headers=headers)
    with app.app_context():
        exports = db.session.execute(select(AuditEvent).where(AuditEvent.action == "api_export")).scalars().all()
        assert len(exports) == 1 and "viewer token" in exports[0].summary


def test_rate_limit_is_per_token_with_retry_after(app, client, tokens):
    app.config["API_RATE_LIMIT"] = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/forums", headers=bearer(tokens["editor"])).status_code == 200
    limited = client.get("/api/v1/forums", headers=bearer(tokens["editor"]))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/forums", headers=bearer(tokens["admin"])).status_code == 200  # another token


def test_tokens_page_shows_a_new_token_once_and_stores_its_hash(app, client, users):
    csrf = login(client, users["viewer"])
    page = client.post("/account/tokens", data={"csrf_token": csrf, "name": "BI", "scope": "read", "days": "30"})
    text = page.get_data(as_text=True)
    token = text.split('<code class="user-select-all fs-6">')[1].split("<")[0]
    assert token.startswith("eng_")
    assert token not in client.get("/account/tokens").get_data(as_text=True)
    assert client.get("/api/v1/people", headers=bearer(token)).status_code == 200
    with app.app_context():
        stored = db.session.execute(select(ApiToken).where(ApiToken.name == "BI")).scalar_one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64
    refused = client.post("/account/tokens", data={"csrf_token": csrf, "name": "W", "scope": "write", "days": "30"})
    assert refused.status_code == 400 and "cannot write" in refused.get_data(as_text=True)


def test_a_token_lifetime_that_is_not_a_whole_number_in_range_is_refused_next_to_the_field(app, client, users):
    csrf = login(client, users["viewer"])
    for days in ["9" * 300, "0", "abc", "١٢", "-3", "1.5"]:
        page = client.post("/account/tokens", data={"csrf_token": csrf, "name": "Odd", "scope": "read", "days": days})
        assert page.status_code == 400, days
        assert "A token lasts between 1 and" in page.get_data(as_text=True), days
    blank = client.post("/account/tokens", data={"csrf_token": csrf, "name": "Odd", "scope": "read", "days": ""})
    assert blank.status_code == 400 and "Enter a number of days" in blank.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(ApiToken).where(ApiToken.name == "Odd")).first() is None


def test_create_token_command_prints_the_token_last(app, users):
    result = app.test_cli_runner().invoke(
        args=["engage", "create-token", "--email", users["editor"], "--name", "CLI", "--scope", "write", "--days", "7"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("eng_") and " " not in token
    bad = app.test_cli_runner().invoke(args=["engage", "create-token", "--email", "x@y.z", "--name", "CLI"])
    assert bad.exit_code != 0


def test_consultations_commitments_and_engagements_are_written_through_their_forms(app, client, tokens):
    headers = bearer(tokens["editor"])
    made = client.post(
        "/api/v1/consultations",
        json={"title": "API consultation", "date": "2026-03-02", "kind": "meeting", "confidentiality": "normal"},
        headers=headers,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    consultation = made.get_json()["id"]
    refused = client.post("/api/v1/consultations", json={"title": "", "date": "soon"}, headers=headers)
    assert refused.status_code == 400 and set(refused.get_json()["errors"]) >= {"title", "date"}
    etag = made.headers["ETag"]
    changed = client.patch(
        f"/api/v1/consultations/{consultation}", json={"title": "Renamed"}, headers=headers | {"If-Match": etag}
    )
    assert changed.status_code == 200 and changed.get_json()["title"] == "Renamed"
    commitment = client.post(
        "/api/v1/commitments", json={"consultation_id": consultation, "description": "Send the notes"}, headers=headers
    )
    assert commitment.status_code == 201, commitment.get_data(as_text=True)
    assert commitment.get_json()["assignee_id"] is not None
    done = client.patch(
        f"/api/v1/commitments/{commitment.get_json()['id']}",
        json={"status": "done"},
        headers=headers | {"If-Match": commitment.headers["ETag"]},
    )
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    engagement = client.post(
        "/api/v1/engagements",
        json={
            "title": "API panel",
            "kind": "panel",
            "status": "proposed",
            "starts_at": "2027-05-04T10:00",
            "ends_at": "2027-05-04T11:00",
            "timezone": "Europe/London",
        },
        headers=headers,
    )
    assert engagement.status_code == 201, engagement.get_data(as_text=True)
    stale = client.patch(
        f"/api/v1/engagements/{engagement.get_json()['id']}",
        json={"title": "Moved"},
        headers=headers | {"If-Match": '"9"'},
    )
    assert stale.status_code == 412
    moved = client.patch(
        f"/api/v1/engagements/{engagement.get_json()['id']}",
        json={"title": "Moved", "venue": "Room 2"},
        headers=headers | {"If-Match": engagement.headers["ETag"]},
    )
    assert moved.status_code == 200 and moved.get_json()["venue"] == "Room 2", moved.get_data(as_text=True)
    assert moved.get_json()["starts_at"].startswith("2027-05-04T09:00")  # 10:00 in London (BST) is 09:00 UTC


def test_a_website_urlsplit_cannot_read_is_a_field_message_not_a_500(client, tokens):
    """Found by the Schemathesis run: a bracketed host that is not an IPv6 address."""
    refused = client.post(
        "/api/v1/organisations",
        json={"name": "Bracket Org", "website": "http://[example.org"},
        headers=bearer(tokens["editor"]),
    )
    assert refused.status_code == 400 and "website" in refused.get_json()["errors"]


@pytest.mark.parametrize("consultation_id", [-47175306650143637504, 2**63, 2**31, 0, -1])
def test_an_id_no_record_can_have_is_a_field_message_not_a_server_error(client, tokens, consultation_id):
    """Found by Schemathesis: an id past SQLite's 64 bits reached the database (OverflowError, 500)."""
    sent = {"due_on": "chosen", "consultation_id": consultation_id, "assignee_id": 3094667750689965056}
    refused = client.post("/api/v1/commitments", json=sent, headers=bearer(tokens["editor"]))
    assert refused.status_code == 400, refused.get_data(as_text=True)
    assert "consultation_id" in refused.get_json()["errors"]
