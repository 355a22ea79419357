"""Organisations through the HTTP interface: create, edit, validation, locking, filters, affiliations."""

from datetime import date

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from tests.affiliations.helpers import assert_not_found, count, form_version, linked_names, text
from tests.factories import make_affiliation, make_organisation, make_person, saved, topic_by_slug


def _names(client, **query) -> list[str]:
    return linked_names(client, "/organizations", **query)


def test_create_with_every_field_then_list_and_detail(app, client, as_role):
    with app.app_context():
        parent = make_organisation(name="NHS England", kind="government")
        topic = topic_by_slug("crisis-response")
        db.session.commit()
        topic_id, parent_id = topic.id, parent.id
    token = as_role("editor")
    response = client.post(
        "/organizations/new",
        data={
            "csrf_token": token,
            "name": "Crisis Text Line UK",
            "kind": "helpline",
            "country": "GB",
            "website": "giveusashout.org",
            "parent": "nhs england",
            "topics": [str(topic_id)],
            "description": "Text **SHOUT** to 85258.",
        },
    )
    assert response.status_code == 302
    organisation_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        o = db.session.get(Organisation, organisation_id)
        assert (o.kind, o.country, o.website, o.parent.name) == (
            "helpline",
            "GB",
            "https://giveusashout.org",
            "NHS England",
        )
        assert [t.slug for t in o.topics] == ["crisis-response"]
        assert db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "organisations", AuditEvent.action == "create")
        ).scalar_one()
    assert "Crisis Text Line UK" in _names(client)
    page = text(client.get(f"/organizations/{organisation_id}"))
    assert "Helpline or crisis service" in page and "<strong>SHOUT</strong>" in page and "NHS England" in page
    parent_page = text(client.get(f"/organizations/{parent_id}"))
    assert "Crisis Text Line UK" in parent_page  # shown among its parts


# Bad input on the create form: test_bad_input_gets_a_message_next_to_the_field_and_writes_nothing
# in tests/people/test_views.py, which walks both of the directory's create forms.


def test_a_duplicate_name_is_refused(app, client, as_role):
    with app.app_context():
        make_organisation(name="Mind")
        db.session.commit()
    token = as_role("editor")
    response = client.post("/organizations/new", data={"csrf_token": token, "name": "MIND", "kind": "ngo"})
    assert response.status_code == 400 and "already exists" in text(response)
    assert count(app, Organisation) == 1


def _version(client, organisation_id: int) -> str:
    return form_version(client, f"/organizations/{organisation_id}/edit")


def test_a_stale_edit_gets_409_and_the_first_save_stands(app, client, as_role):
    organisation_id = saved(app, make_organisation, name="Original Org")
    token = as_role("editor")
    version = _version(client, organisation_id)
    base = {"csrf_token": token, "version": version, "kind": "ngo", "country": "GB"}
    assert client.post(f"/organizations/{organisation_id}/edit", data={**base, "name": "First"}).status_code == 302
    response = client.post(f"/organizations/{organisation_id}/edit", data={**base, "name": "Second"})
    assert response.status_code == 409 and "changed by someone else" in text(response)
    with app.app_context():
        assert db.session.get(Organisation, organisation_id).name == "First"


def test_an_organisation_cannot_sit_under_its_own_child(app, client, as_role):
    with app.app_context():
        parent = make_organisation(name="Parent Org")
        child = make_organisation(name="Child Org", parent_id=parent.id)
        db.session.commit()
        parent_id, child_id = parent.id, child.id
    token = as_role("editor")
    data = {"csrf_token": token, "version": _version(client, parent_id), "name": "Parent Org", "kind": "ngo"}
    response = client.post(f"/organizations/{parent_id}/edit", data={**data, "parent": "Child Org"})
    assert response.status_code == 400 and "cannot sit under itself" in text(response)
    with app.app_context():
        assert db.session.get(Organisation, parent_id).parent_id is None
        assert db.session.get(Organisation, child_id).parent_id == parent_id


def test_unknown_ids_are_404(client, as_role):
    token = as_role("editor")
    gets = ["/organizations/424242", "/organizations/424242/edit"]
    assert_not_found(client, token, gets, posts=["/organizations/424242/archive", "/affiliations/424242/end"])


def test_filters_sorting_and_archive(app, client, as_role):
    with app.app_context():
        topic = topic_by_slug("body-image")
        a = make_organisation(name="Alpha", kind="academic", country="DE")
        a.topics.append(topic)
        make_organisation(name="Beta", kind="ngo", country="GB", parent_id=a.id)
        make_organisation(name="Gamma", kind="ngo", country="BR")
        db.session.commit()
        topic_id, alpha_id = topic.id, a.id
    token = as_role("editor")
    assert _names(client) == ["Alpha", "Beta", "Gamma"]
    assert _names(client, kind="ngo") == ["Beta", "Gamma"]
    assert _names(client, country="br") == ["Gamma"]
    assert _names(client, topic=topic_id) == ["Alpha"]
    assert _names(client, parent=alpha_id) == ["Beta"]
    assert _names(client, q="amm") == ["Gamma"]
    assert _names(client, sort="-name") == ["Gamma", "Beta", "Alpha"]
    assert _names(client, sort="country") == ["Gamma", "Alpha", "Beta"]
    assert "No organisation matches" in text(client.get("/organizations?q=zzz"))
    assert client.post(f"/organizations/{alpha_id}/archive", data={"csrf_token": token}).status_code == 302
    client.get("/")  # clears the flash message
    assert _names(client) == ["Beta", "Gamma"]
    assert "Alpha" in _names(client, archived="1")


def test_affiliations_from_the_organisation_page(app, client, as_role):
    with app.app_context():
        org = make_organisation(name="Beat")
        make_person(name="Dana Fox")
        make_person(name="Sam Lee")
        make_person(name="Sam Lee")
        past = make_person(name="Former Staff")
        make_affiliation(past, org, start_on=None, end_on=date(2020, 1, 1))
        db.session.commit()
        org_id = org.id
    token = as_role("editor")
    url = f"/organizations/{org_id}/affiliations"
    r = client.post(url, data={"csrf_token": token, "person": "Nobody Known", "role": "Chair"})
    assert r.status_code == 400 and "No person is called “Nobody Known”" in text(r)
    r = client.post(url, data={"csrf_token": token, "person": "Sam Lee", "role": "Chair"})
    assert r.status_code == 400 and "Several people are called “Sam Lee”" in text(r)
    assert count(app, Affiliation) == 1
    r = client.post(url, data={"csrf_token": token, "person": "dana fox", "role": "Chair", "start_on": "2024-02-01"})
    assert r.status_code == 302
    page = text(client.get(f"/organizations/{org_id}"))
    current, past_part = page.split('<h3 class="h6 text-body-secondary mt-3">Past</h3>')
    assert "Dana Fox" in current and "Former Staff" in past_part
    assert "Dana Fox" in text(client.get(f"/people?organisation={org_id}"))
    with app.app_context():
        affiliation_id = db.session.execute(select(Affiliation.id).where(Affiliation.role == "Chair")).scalar_one()
    end = {"csrf_token": token, "from": "organisation", "next": f"/organizations/{org_id}", "version": "1"}
    r = client.post(f"/affiliations/{affiliation_id}/end", data={**end, "end_on": "2024-01-01"})
    assert r.status_code == 400 and "The end date cannot be before the start date." in text(r)
    r = client.post(f"/affiliations/{affiliation_id}/end", data={**end, "end_on": "2025-01-01"})
    assert r.status_code == 302 and r.headers["Location"] == f"/organizations/{org_id}"
    r = client.post(
        f"/affiliations/{affiliation_id}/remove", data={"csrf_token": token, "next": "https://evil.example/"}
    )
    assert r.status_code == 302 and not r.headers["Location"].startswith("https://evil")


def test_a_namesake_is_added_to_an_organisation_by_email(app, client, as_role):
    with app.app_context():
        org = make_organisation(name="Namesake Trust")
        make_person(name="Sam Lee", email="sam.lee@one.example")
        second = make_person(name="Sam Lee", email="sam.lee@two.example")
        db.session.commit()
        org_id, second_id = org.id, second.id
    token = as_role("editor")
    r = client.post(
        f"/organizations/{org_id}/affiliations",
        data={"csrf_token": token, "person": "Sam.Lee@two.example", "role": "Adviser"},
    )
    assert r.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(Affiliation.person_id).where(Affiliation.organisation_id == org_id))
        assert rows.scalars().all() == [second_id]
