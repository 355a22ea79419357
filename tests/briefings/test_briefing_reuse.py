"""Briefing packs are made on an explicit POST, reused while their data is unchanged, and listed
only to those who may download them (issue 11)."""

from sqlalchemy import func, select

from engage.briefings.models import Document
from engage.engagements.models import Engagement
from engage.extensions import db
from tests.briefings.helpers import make_pack
from tests.briefings.scenario import build
from tests.conftest import csrf_from, login
from tests.factories import make_consultation, make_engagement, make_input, make_person, make_user


def _documents(app) -> list[tuple[int, bytes]]:
    with app.app_context():
        return [(d.id, d.content) for d in db.session.execute(select(Document).order_by(Document.id)).scalars()]


def _post(client, engagement_id, tz="UTC"):
    token = csrf_from(client.get(f"/engagements/{engagement_id}/briefing").get_data(as_text=True))
    return client.post(f"/engagements/{engagement_id}/briefing", data={"csrf_token": token, "tz": tz})


def test_a_get_never_renders_or_stores_a_pack(app, client, users):
    with app.app_context():
        engagement_id = build(2).id
        db.session.commit()
    login(client, users["viewer"])
    response = client.get(f"/engagements/{engagement_id}/briefing.pdf")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/engagements/{engagement_id}/briefing#briefing-panel-title"  # the briefing page's PDF panel
    )
    assert "no up-to-date briefing pack" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _documents(app) == []

    stored = make_pack(client, engagement_id)
    assert stored.status_code == 200 and stored.mimetype == "application/pdf"
    for _ in range(3):
        assert client.get(f"/engagements/{engagement_id}/briefing.pdf").data == stored.data
    assert len(_documents(app)) == 1

    with app.app_context():
        db.session.get(Engagement, engagement_id).key_messages = "A new key message."
        db.session.commit()
    stale = client.get(f"/engagements/{engagement_id}/briefing.pdf")
    assert stale.status_code == 303  # out of date: not served, and not re-rendered by a GET
    assert len(_documents(app)) == 1


def test_a_cross_site_post_is_refused_and_writes_nothing(app, client, users):
    with app.app_context():
        engagement_id = build(1).id
        db.session.commit()
    login(client, users["viewer"])
    assert client.post(f"/engagements/{engagement_id}/briefing", data={"tz": "UTC"}).status_code == 400
    assert _documents(app) == []


def test_two_posts_on_unchanged_data_store_one_pack_and_a_change_makes_another(app, client, users):
    with app.app_context():
        engagement_id = build(2).id
        db.session.commit()
    login(client, users["editor"])
    assert _post(client, engagement_id).status_code == 302
    assert _post(client, engagement_id).status_code == 302
    (_, first), *rest = _documents(app)
    assert rest == []

    with app.app_context():
        # Set the stored pack aside and render again from the same data: the very same bytes.
        db.session.execute(Document.__table__.update().values(fingerprint=None))
        db.session.commit()
    assert _post(client, engagement_id).status_code == 302
    assert _documents(app)[1][1] == first

    with app.app_context():
        db.session.get(Engagement, engagement_id).key_messages = "- A changed key message."
        db.session.commit()
    assert _post(client, engagement_id).status_code == 302
    documents = _documents(app)
    assert len(documents) == 3 and documents[2][1] != first
    # Another zone is other data (the times printed): its own pack.
    assert _post(client, engagement_id, tz="Asia/Tokyo").status_code == 302
    assert len(_documents(app)) == 4


def test_the_engagement_page_lists_only_packs_the_reader_may_download(app, client, users):
    with app.app_context():
        owner = make_user("editor", name="Restricted Owner")
        person = make_person("Panel Expert")
        secret = make_consultation(
            "SECRETMEETING", confidentiality="restricted", staff=[owner], people=[person], topics=()
        )
        make_input(secret, "SECRETPOINT", person=person)
        engagement_id = make_engagement(participants=[person]).id
        owner_email = owner.email
        db.session.commit()
    owner_client = app.test_client()
    login(owner_client, owner_email)
    assert _post(owner_client, engagement_id).status_code == 302
    with app.app_context():
        document = db.session.execute(select(Document)).scalar_one()
        assert document.params["classification"] == "RESTRICTED"
        sha = document.sha256

    for role in ("viewer", "editor"):
        reader = app.test_client()
        login(reader, users[role])
        for path in (f"/engagements/{engagement_id}", f"/engagements/{engagement_id}/briefing"):
            page = reader.get(path).get_data(as_text=True)
            assert "RESTRICTED" not in page and sha not in page and "Restricted Owner" not in page, (role, path)
            assert "Made for someone else" not in page and "You have no pack for this engagement yet" in page
    admin = app.test_client()
    login(admin, users["admin"])
    assert sha in admin.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    page = owner_client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert sha in page and "RESTRICTED" in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 1
