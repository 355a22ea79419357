"""The relationship owner reads the person's lived experience, so only an admin or the current owner
may change it, every change is audited, and special-category data moves only by an admin's hand."""

import re

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from engage.people.models import Person
from tests.affiliations.helpers import field_error, form_version, text
from tests.conftest import login
from tests.factories import make_person, make_user

SECRET = "Lived experience of an eating disorder"


@pytest.fixture
def people(app, users):
    """Two editors' people: one owned by owner@ with lived experience, one by owner@ without, one unowned."""
    with app.app_context():
        owner = make_user(role="editor", email="owner@test.example")
        ids = {
            "private": make_person(name="Private", owner_id=owner.id, lived_experience=SECRET).id,
            "plain": make_person(name="Plain", owner_id=owner.id).id,
            "unowned": make_person(name="Unowned", lived_experience=SECRET).id,
            "owner": owner.id,
            "editor": db.session.execute(select(User.id).where(User.email == users["editor"])).scalar_one(),
        }
        db.session.commit()
    return ids


def _post_owner(client, token, person_id, owner_id, name=None):
    html = text(client.get(f"/people/{person_id}/edit"))
    data = {
        "csrf_token": token,
        "version": form_version(client, f"/people/{person_id}/edit"),
        "name": name or re.search(r'name="name"[^>]*value="([^"]*)"', html).group(1),
        "owner": str(owner_id or ""),
    }
    return client.post(f"/people/{person_id}/edit", data=data)


def _owner_events(app):
    with app.app_context():
        return db.session.execute(select(AuditEvent).where(AuditEvent.action == "owner")).scalars().all()


def _state(app, person_id):
    with app.app_context():
        person = db.session.get(Person, person_id)
        return person.owner_id, person.name, person.version


@pytest.mark.parametrize("which", ["private", "unowned"])
def test_an_editor_who_is_not_the_owner_cannot_make_themselves_owner(app, client, users, people, which):
    token = login(client, users["editor"])
    html = text(client.get(f"/people/{people[which]}/edit"))
    assert re.search(r'<select(?=[^>]*\bdisabled\b)(?=[^>]*name="owner")', html)  # shown, not changeable
    before = _state(app, people[which])
    r = _post_owner(client, token, people[which], people["editor"], name="Renamed too")
    assert r.status_code == 400
    assert "Only an admin or the current relationship owner" in field_error(r, "owner")
    assert _state(app, people[which]) == before  # nothing written: not the owner, not the name
    assert _owner_events(app) == []
    assert SECRET not in text(client.get(f"/people/{people[which]}"))


def test_an_editor_saving_other_fields_keeps_the_owner(app, client, users, people):
    token = login(client, users["editor"])
    html = text(client.get(f"/people/{people['plain']}/edit"))
    data = {"csrf_token": token, "version": form_version(client, f"/people/{people['plain']}/edit"), "name": "Plainer"}
    assert "Only an admin or the current owner can change this." in html
    assert client.post(f"/people/{people['plain']}/edit", data=data).status_code == 302  # owner not posted
    assert _state(app, people["plain"])[:2] == (people["owner"], "Plainer")


def test_the_owner_hands_a_person_over_and_it_is_audited(app, client, users, people):
    token = login(client, "owner@test.example")
    assert _post_owner(client, token, people["plain"], people["editor"]).status_code == 302
    assert _state(app, people["plain"])[0] == people["editor"]
    [event] = _owner_events(app)
    assert event.record_id == people["plain"] and event.changes["owner_id"] == [people["owner"], people["editor"]]
    assert "Plain" in event.summary and "→" in event.summary
    with app.app_context():
        assert event.user_id == people["owner"]


def test_the_owner_cannot_hand_over_lived_experience_but_can_give_the_person_up(app, client, users, people):
    token = login(client, "owner@test.example")
    r = _post_owner(client, token, people["private"], people["editor"])
    assert r.status_code == 400 and "only an admin can hand them" in field_error(r, "owner")
    assert _state(app, people["private"])[0] == people["owner"]
    assert _post_owner(client, token, people["private"], None).status_code == 302
    assert _state(app, people["private"])[0] is None  # fewer readers: allowed, and audited
    assert len(_owner_events(app)) == 1


def test_an_admin_hands_over_lived_experience_and_the_new_owner_reads_it(app, client, users, people):
    token = login(client, users["admin"])
    assert _post_owner(client, token, people["private"], people["editor"]).status_code == 302
    assert len(_owner_events(app)) == 1
    other = app.test_client()
    login(other, users["editor"])
    assert SECRET in text(other.get(f"/people/{people['private']}"))
