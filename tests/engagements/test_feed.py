"""The personal feed: token, scope, conditional requests, reset; and the account page."""

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from tests.conftest import login
from tests.engagements.helpers import read_python
from tests.factories import make_engagement, make_user
from tests.sqlcount import statements_for


def _setup(app):
    with app.app_context():
        owner = make_user(role="viewer", email="owner@test.example")
        other = make_user(role="editor", email="other@test.example")
        spoken = make_engagement(title="I speak", speakers=[owner])
        followed = make_engagement(title="I follow", followers=[owner])
        team = make_engagement(title="Team only", speakers=[other])
        db.session.commit()
        return {
            "token": owner.feed_token,
            "owner": owner.id,
            "uids": {"mine": spoken.uid, "followed": followed.uid, "team": team.uid},
        }


def _set_scope(app, user_id, scope):
    with app.app_context():
        db.session.get(User, user_id).feed_scope = scope
        db.session.commit()


def test_feed_holds_only_what_its_scope_allows(app, client):
    data = _setup(app)
    uids = data["uids"]
    expected = {
        "mine": {uids["mine"]},
        "following": {uids["mine"], uids["followed"]},
        "team": {uids["mine"], uids["followed"], uids["team"]},
    }
    for scope, wanted in expected.items():
        _set_scope(app, data["owner"], scope)
        response = client.get(f"/calendar/{data['token']}.ics")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, max-age=300"
        assert {e["uid"] for e in read_python(response.get_data())} == wanted, scope


def test_feed_of_an_inactive_user_is_empty_of_secrets(app, client):
    data = _setup(app)
    with app.app_context():
        db.session.get(User, data["owner"]).active = False
        db.session.commit()
    assert client.get(f"/calendar/{data['token']}.ics").status_code == 404


def test_wrong_token_is_404(app, client):
    _setup(app)
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
    assert client.get(f"/calendar/{'x' * 200}.ics").status_code == 404


def test_conditional_requests_get_304(app, client):
    data = _setup(app)
    url = f"/calendar/{data['token']}.ics"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    # A change to an engagement in the feed changes the ETag.
    with app.app_context():
        from engage.engagements.models import Engagement

        engagement = db.session.execute(select(Engagement).where(Engagement.uid == data["uids"]["mine"])).scalar_one()
        engagement.title = "Renamed"
        engagement.sequence += 1
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_reset_revokes_the_old_url_and_is_audited(app, client):
    data = _setup(app)
    token = login(client, "owner@test.example")
    page = client.get("/account").get_data(as_text=True)
    assert f"/calendar/{data['token']}.ics" in page and "data-copy" in page
    response = client.post("/account/feed/reset", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get(f"/calendar/{data['token']}.ics").status_code == 404
    with app.app_context():
        user = db.session.get(User, data["owner"])
        new_token = user.feed_token
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "feed-reset")).scalar_one()
        assert event.user_id == user.id and data["token"] not in str(event.changes)
    assert new_token != data["token"] and len(new_token) >= 43
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200
    assert f"/calendar/{new_token}.ics" in client.get("/account").get_data(as_text=True)


def test_scope_choice_on_the_account_page(app, client):
    data = _setup(app)
    token = login(client, "owner@test.example")
    assert client.post("/account/feed", data={"csrf_token": token, "scope": "team"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, data["owner"]).feed_scope == "team"
    assert client.post("/account/feed", data={"csrf_token": token, "scope": "everything"}).status_code == 400
    with app.app_context():
        assert db.session.get(User, data["owner"]).feed_scope == "team"


def test_feed_statement_count_is_constant(app, client):
    data = _setup(app)
    _set_scope(app, data["owner"], "team")
    url = f"/calendar/{data['token']}.ics"
    small = statements_for(app, client, url)
    with app.app_context():
        from tests.factories import make_person

        people = [make_person() for _ in range(3)]
        for _ in range(190):
            make_engagement(participants=people[:2])
        db.session.commit()
    assert statements_for(app, client, url) == small


def test_serialised_events_survive_a_restart(app, client, monkeypatch):
    """A new worker serves a feed from the event_cache table, serialising only what changed."""
    from engage.engagements import feeds, ical
    from engage.engagements.models import Engagement

    data = _setup(app)
    _set_scope(app, data["owner"], "team")
    url = f"/calendar/{data['token']}.ics"
    first = client.get(url).get_data()
    # A fresh process: no memoised events, no memoised bodies.
    ical.vevent.cache_clear()
    feeds._bodies.clear()
    built = []
    real = ical.vevent.__wrapped__
    monkeypatch.setattr(ical, "vevent", lambda event: built.append(event.uid) or real(event))
    assert client.get(url).get_data() == first
    assert built == []
    with app.app_context():
        engagement = db.session.execute(select(Engagement).where(Engagement.uid == data["uids"]["team"])).scalar_one()
        engagement.title = "Renamed"
        db.session.commit()
    feeds._bodies.clear()
    body = client.get(url).get_data()
    assert built == [data["uids"]["team"]]
    assert b"SUMMARY:Renamed" in body
