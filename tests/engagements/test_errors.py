"""A refused write leaves the database as it was: validation (400), a stale version (409),
an unknown or invisible engagement (404), a role that may not write (403)."""

import pytest
from sqlalchemy import false

from engage.extensions import db
from tests.engagements.helpers import form_data, snapshot
from tests.factories import make_engagement


@pytest.fixture
def engagement_id(app):
    with app.app_context():
        engagement = make_engagement(title="Original title", timezone="Europe/Brussels")
        db.session.commit()
        return engagement.id


def _edit(client, engagement_id, token, **overrides):
    return client.post(f"/engagements/{engagement_id}/edit", data=form_data(token, **overrides))


def test_stale_version_is_409_and_nothing_changes(app, client, as_role, engagement_id):
    token = as_role("editor")
    before = snapshot(app, engagement_id)
    response = _edit(client, engagement_id, token, version=str(before["version"] - 1), title="Stale save")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this engagement" in page
    assert 'value="Stale save"' in page  # the form keeps what was typed
    assert snapshot(app, engagement_id) == before


def test_edit_without_a_version_is_refused(app, client, as_role, engagement_id):
    token = as_role("editor")
    before = snapshot(app, engagement_id)
    response = _edit(client, engagement_id, token, title="Blind save")
    assert response.status_code == 409
    assert snapshot(app, engagement_id) == before


def test_invalid_edit_is_400_and_nothing_changes(app, client, as_role, engagement_id):
    token = as_role("editor")
    before = snapshot(app, engagement_id)
    response = _edit(client, engagement_id, token, version=str(before["version"]), timezone="Mars/Olympus_Mons")
    assert response.status_code == 400
    assert "is not an IANA time zone" in response.get_data(as_text=True)
    assert snapshot(app, engagement_id) == before


def test_unknown_engagement_is_404_for_every_route(app, client, as_role):
    token = as_role("editor")
    assert client.get("/engagements/999").status_code == 404
    assert client.get("/engagements/999/edit").status_code == 404
    assert client.get("/engagements/999.ics").status_code == 404
    assert _edit(client, 999, token, version="1").status_code == 404
    assert client.post("/engagements/999/follow", data={"csrf_token": token}).status_code == 404
    assert client.post("/engagements/999/unfollow", data={"csrf_token": token}).status_code == 404


def test_invisible_engagement_is_404_and_its_ics_is_not_built(app, client, as_role, engagement_id, monkeypatch):
    from engage.engagements import feeds, services

    token = as_role("viewer")
    assert client.get(f"/engagements/{engagement_id}.ics").status_code == 200
    before = snapshot(app, engagement_id)
    built = []
    monkeypatch.setattr(feeds, "events", lambda *args: built.append(args) or [])
    monkeypatch.setattr(services, "visible_engagements", lambda user: false())
    assert client.get(f"/engagements/{engagement_id}.ics").status_code == 404
    assert client.get(f"/engagements/{engagement_id}").status_code == 404
    assert client.post(f"/engagements/{engagement_id}/follow", data={"csrf_token": token}).status_code == 404
    assert built == []
    assert snapshot(app, engagement_id) == before


def test_viewer_may_follow_but_not_edit(app, client, as_role, engagement_id):
    token = as_role("viewer")
    before = snapshot(app, engagement_id)
    assert _edit(client, engagement_id, token, version=str(before["version"])).status_code == 403
    assert client.post("/engagements/new", data=form_data(token)).status_code == 403
    assert snapshot(app, engagement_id) == before
    assert client.post(f"/engagements/{engagement_id}/follow", data={"csrf_token": token}).status_code == 302
    assert len(snapshot(app, engagement_id)["followers"]) == 1


def test_following_twice_records_it_once(app, client, as_role, engagement_id):
    token = as_role("viewer")
    client.post(f"/engagements/{engagement_id}/follow", data={"csrf_token": token})
    once = snapshot(app, engagement_id)
    assert client.post(f"/engagements/{engagement_id}/follow", data={"csrf_token": token}).status_code == 302
    assert snapshot(app, engagement_id) == once
