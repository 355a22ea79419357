"""People through the HTTP interface: create, read, edit, validation, locking, filters, privacy."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail, PersonPhone, StakeholderAssessment
from tests.affiliations.helpers import assert_not_found, count, field_error, form_version, linked_names, text
from tests.conftest import login
from tests.factories import (
    make_affiliation,
    make_organisation,
    make_person,
    make_user,
    saved,
    topic_by_slug,
)


def _person_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/people/(\d+)$", response.headers["Location"]).group(1))


def test_person_created_with_the_pinned_fields_appears_in_list_and_detail(app, client, as_role):
    token = as_role("editor")
    response = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "name": "Amara Okafor",
            "email": "amara@example.org",
            "country": "NG",
            "organisation": "Mentally Aware Nigeria Initiative",
            "bio": "Psychiatrist working on **youth** suicide prevention.",
        },
    )
    person_id = _person_id(response)
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person.primary_email == "amara@example.org" and person.country == "NG"
        affiliation = db.session.execute(select(Affiliation)).scalar_one()
        assert affiliation.person_id == person_id and affiliation.end_on is None
        assert db.session.get(Organisation, affiliation.organisation_id).name == "Mentally Aware Nigeria Initiative"
        actions = db.session.execute(select(AuditEvent.record_type, AuditEvent.action)).all()
        assert ("people", "create") in actions and ("affiliations", "create") in actions
    listing = text(client.get("/people"))
    assert "Amara Okafor" in listing and "Mentally Aware Nigeria Initiative" in listing and "Nigeria" in listing
    page = text(client.get(f"/people/{person_id}"))
    assert "amara@example.org" in page and "<strong>youth</strong>" in page
    assert "Mentally Aware Nigeria Initiative" in page


def test_an_existing_organisation_is_reused_by_name_ignoring_case(app, client, as_role):
    with app.app_context():
        make_organisation(name="Samaritans")
        db.session.commit()
    token = as_role("editor")
    _person_id(client.post("/people/new", data={"csrf_token": token, "name": "Jo", "organisation": "samaritans"}))
    assert count(app, Organisation) == 1
    assert count(app, Affiliation) == 1


# The directory's two create forms share one test: a valid form with one bad field each time.
VALID_FORMS = {
    "/people/new": {"name": "Valid Name", "email": "ok@example.org", "organisation": "New Org"},
    "/organizations/new": {"name": "Valid", "kind": "ngo", "country": "GB"},
}


@pytest.mark.parametrize(
    ("url", "field", "value", "message"),
    [
        ("/people/new", "email", "not-an-email", "is not a valid email address"),
        ("/people/new", "phones", "+44 12", "Line 1: “+44 12” is not a valid phone number"),
        ("/people/new", "phones", "+442079460958\nhello", "Line 2: “hello” is not a phone number"),
        ("/people/new", "country", "XX", "“XX” is not an ISO 3166 country code"),
        ("/people/new", "other_emails", "ok@example.org\nbad@", "Line 2: “bad@” is not a valid email address"),
        ("/people/new", "time_zone", "Mars/Olympus", "is not an IANA time zone"),
        ("/people/new", "links", "ftp://files.example.org", "Line 1: “ftp://files.example.org” is not a web address"),
        ("/people/new", "name", "   ", "Enter the person's name."),
        ("/organizations/new", "name", "", "Enter the organisation's name."),
        ("/organizations/new", "country", "ZZ", "“ZZ” is not an ISO 3166 country code"),
        ("/organizations/new", "website", "ftp://example.org", "is not a web address"),
        ("/organizations/new", "parent", "No Such Parent", "No organisation is called “No Such Parent”."),
        ("/organizations/new", "kind", "cult", "Choose a type from the list."),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_writes_nothing(
    app, client, as_role, url, field, value, message
):
    token = as_role("editor")
    written = (Person, PersonEmail, PersonPhone, Organisation, AuditEvent)
    before = [count(app, model) for model in written]
    response = client.post(url, data={"csrf_token": token, **VALID_FORMS[url], field: value})
    assert response.status_code == 400
    error = field_error(response, field)
    assert error and message in error, text(response)[:3000]
    assert [count(app, model) for model in written] == before
    assert count(app, Organisation) == 0


def test_phones_are_stored_in_e164_and_shown_formatted(app, client, as_role):
    token = as_role("editor")
    person_id = _person_id(
        client.post(
            "/people/new",
            data={
                "csrf_token": token,
                "name": "Phone Person",
                "country": "GB",
                "phones": "020 7946 0958\n+1 212 555 0199",
            },
        )
    )
    with app.app_context():
        numbers = db.session.execute(select(PersonPhone.number).order_by(PersonPhone.position)).scalars().all()
    assert numbers == ["+442079460958", "+12125550199"]
    page = text(client.get(f"/people/{person_id}"))
    assert "+44 20 7946 0958" in page and "+1 212-555-0199" in page


NAMES = ["Zoë Ångström-Nakamura", "Саша Пушкина", "山田 太郎", "محمد"]


@pytest.mark.parametrize("name", NAMES)
def test_names_in_any_script_round_trip_exactly(app, client, as_role, name):
    token = as_role("editor")
    person_id = _person_id(
        client.post("/people/new", data={"csrf_token": token, "name": name, "email": "x@example.org", "country": "JP"})
    )
    with app.app_context():
        assert db.session.get(Person, person_id).name == name
    assert name in text(client.get(f"/people/{person_id}"))
    assert name in text(client.get("/people"))
    assert name in text(client.get("/people", query_string={"q": name.split()[0]}))
    edit = text(client.get(f"/people/{person_id}/edit"))
    assert f'value="{name}"' in edit
    version = form_version(client, f"/people/{person_id}/edit")
    renamed = name + " II"
    response = client.post(
        f"/people/{person_id}/edit",
        data={
            "csrf_token": token,
            "version": version,
            "name": renamed,
            "email": "x@example.org",
            "country": "JP",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Person, person_id).name == renamed
    assert renamed in text(client.get(f"/people/{person_id}"))


def test_html_in_a_bio_is_never_executed(app, client, as_role):
    token = as_role("editor")
    bio = '<script>alert(1)</script> <img src=x onerror="alert(2)"> **bold** <a href="javascript:alert(3)">x</a>'
    person_id = _person_id(client.post("/people/new", data={"csrf_token": token, "name": "Bio Person", "bio": bio}))
    html = client.get(f"/people/{person_id}").get_data(as_text=True)
    body = html.split('id="bio-h"', 1)[1]
    assert "<script>" not in html and "onerror=" not in html and "<img" not in html
    assert "javascript:" not in body
    assert "<strong>bold</strong>" in body


def _edit_form(client, person_id: int) -> dict:
    html = text(client.get(f"/people/{person_id}/edit"))
    return {
        "version": form_version(client, f"/people/{person_id}/edit"),
        "name": re.search(r'name="name"[^>]*value="([^"]*)"', html).group(1),
    }


def test_a_stale_edit_gets_409_and_the_first_save_stands(app, client, as_role):
    person_id = saved(app, make_person, name="Original")
    token = as_role("editor")
    first = _edit_form(client, person_id)
    second = dict(first)
    response = client.post(f"/people/{person_id}/edit", data={"csrf_token": token, **first, "name": "First save"})
    assert response.status_code == 302
    response = client.post(f"/people/{person_id}/edit", data={"csrf_token": token, **second, "name": "Second save"})
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    with app.app_context():
        assert db.session.get(Person, person_id).name == "First save"


def test_edit_keeps_emails_and_audits_changed_fields(app, client, as_role):
    person_id = saved(app, make_person, name="Keep", email="keep@example.org")
    token = as_role("editor")
    form = _edit_form(client, person_id)
    response = client.post(
        f"/people/{person_id}/edit",
        data={
            "csrf_token": token,
            **form,
            "email": "keep@example.org",
            "other_emails": "second@example.org",
            "title": "Professor",
            "country": "de",
            "languages": "de, en",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert [e.email for e in person.emails] == ["keep@example.org", "second@example.org"]
        assert person.country == "DE" and person.languages == ["de", "en"] and person.title == "Professor"
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "people", AuditEvent.action == "update")
        ).scalar_one()
        assert {"title", "country", "languages", "time_zone", "emails"} <= set(event.changes)


def test_unknown_ids_are_404(client, as_role):
    token = as_role("editor")
    gets = ["/people/999999", "/people/999999/edit"]
    assert_not_found(client, token, gets, posts=["/people/999999/archive", "/people/999999/assessments"])


def test_archive_hides_from_the_list_and_unarchive_brings_back(app, client, as_role):
    person_id = saved(app, make_person, name="Archivable Person")
    token = as_role("editor")
    assert client.post(f"/people/{person_id}/archive", data={"csrf_token": token}).status_code == 302
    client.get("/")  # shows (and so clears) the flash message, which names the person
    assert "Archivable Person" not in text(client.get("/people"))
    assert "Archivable Person" in text(client.get("/people?archived=1"))
    assert client.get(f"/people/{person_id}").status_code == 200
    assert client.post(f"/people/{person_id}/unarchive", data={"csrf_token": token}).status_code == 302
    assert "Archivable Person" in text(client.get("/people"))
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.record_type == "people")).scalars()
        assert {"archive", "unarchive"} <= set(actions)


def test_assessments_keep_history_and_validate(app, client, as_role):
    person_id = saved(app, make_person, name="Assessed")
    token = as_role("editor")
    url = f"/people/{person_id}/assessments"
    r = client.post(
        url, data={"csrf_token": token, "influence": "2", "stance": "critical", "assessed_on": "2025-01-01"}
    )
    assert r.status_code == 302
    r = client.post(
        url, data={"csrf_token": token, "influence": "5", "stance": "supportive", "assessed_on": "2025-06-01"}
    )
    assert r.status_code == 302
    r = client.post(
        url, data={"csrf_token": token, "influence": "9", "stance": "friendly", "assessed_on": "2025-06-01"}
    )
    assert r.status_code == 400
    html = text(r)
    assert "Influence is a number from 1 (low) to 5 (high)." in html and "Choose supportive" in html
    assert count(app, StakeholderAssessment) == 2
    page = text(client.get(f"/people/{person_id}"))
    assert "Supportive" in page and "History (1 earlier)" in page


def test_conflicts_and_honoraria(app, client, as_role):
    person_id = saved(app, make_person, name="Paid")
    token = as_role("editor")
    r = client.post(
        f"/people/{person_id}/conflicts",
        data={"csrf_token": token, "declared_on": "2025-02-01", "description": "Advises a competitor"},
    )
    assert r.status_code == 302
    honoraria, paid = f"/people/{person_id}/honoraria", {"csrf_token": token, "paid_on": "2025-02-01"}
    r = client.post(honoraria, data={**paid, "amount": "abc", "currency": "EUR"})
    assert r.status_code == 400 and "Enter the amount as a positive number" in text(r)
    r = client.post(honoraria, data={**paid, "amount": "1250.5", "currency": "gbp", "purpose": "Panel"})
    assert r.status_code == 302
    page = text(client.get(f"/people/{person_id}"))
    assert "Advises a competitor" in page and "1,250.50 GBP" in page


def test_affiliations_add_end_and_remove_from_the_person_page(app, client, as_role):
    person_id = saved(app, make_person, name="Affiliated")
    token = as_role("editor")
    url = f"/people/{person_id}/affiliations"
    r = client.post(
        url,
        data={
            "csrf_token": token,
            "organisation": "Beat",
            "role": "Adviser",
            "start_on": "2025-05-01",
            "end_on": "2025-01-01",
        },
    )
    assert r.status_code == 400 and "The end date cannot be before the start date." in text(r)
    assert count(app, Affiliation) == 0 and count(app, Organisation) == 0
    r = client.post(
        url, data={"csrf_token": token, "organisation": "Beat", "role": "Adviser", "start_on": "2025-05-01"}
    )
    assert r.status_code == 302
    with app.app_context():
        affiliation = db.session.execute(select(Affiliation)).scalar_one()
        affiliation_id, version = affiliation.id, affiliation.version
    r = client.post(
        f"/affiliations/{affiliation_id}/end",
        data={"csrf_token": token, "version": version, "end_on": "2025-04-01"},
    )
    assert r.status_code == 400 and "The end date cannot be before the start date." in text(r)
    r = client.post(
        f"/affiliations/{affiliation_id}/end",
        data={"csrf_token": token, "version": version, "end_on": "2025-09-01"},
    )
    assert r.status_code == 302
    page = text(client.get(f"/people/{person_id}"))
    assert page.index("Past") < page.index("Beat", page.index("Affiliations</h2>"))
    r = client.post(f"/affiliations/{affiliation_id}/remove", data={"csrf_token": token})
    assert r.status_code == 302
    assert count(app, Affiliation) == 0


# --- Lived experience ---------------------------------------------------------------------------


SECRET = "Survivor of a suicide attempt in 2012"


@pytest.fixture
def private_person(app, users):
    """A person owned by a second editor, with lived experience recorded."""
    with app.app_context():
        owner = make_user(role="editor", email="owner@test.example")
        person = make_person(name="Private Person", owner_id=owner.id, lived_experience=SECRET)
        db.session.commit()
        return person.id


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_lived_experience_is_absent_for_viewers_and_other_editors(client, users, private_person, role):
    login(client, users[role])
    for path in (
        f"/people/{private_person}",
        "/people",
        "/people?q=Private",
        f"/people/{private_person}/edit",
    ):
        response = client.get(path)
        if role == "viewer" and path.endswith("/edit"):
            continue
        html = response.get_data(as_text=True)
        assert SECRET not in html, path
        assert "Lived experience" not in html and "lived_experience" not in html, path


def test_lived_experience_is_shown_to_admins_and_the_owner(app, client, users, private_person):
    login(client, users["admin"])
    assert SECRET in text(client.get(f"/people/{private_person}"))
    assert SECRET not in text(client.get("/people"))  # never on a list
    client.post("/logout", data={"csrf_token": re.search(r'value="([^"]+)"', text(client.get("/"))).group(1)})
    client.delete_cookie("session")
    login(client, "owner@test.example")
    assert SECRET in text(client.get(f"/people/{private_person}"))
    assert SECRET in text(client.get(f"/people/{private_person}/edit"))


def test_an_editor_who_may_not_see_lived_experience_cannot_set_or_clear_it(app, client, users, private_person):
    token = login(client, users["editor"])
    form = _edit_form(client, private_person)
    r = client.post(
        f"/people/{private_person}/edit",
        data={"csrf_token": token, **form, "name": "Private Person", "lived_experience": "overwritten"},
    )
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Person, private_person).lived_experience == SECRET


# --- Filters ------------------------------------------------------------------------------------


def _names(client, **query) -> set[str]:
    return set(linked_names(client, "/people", **query))


def test_filters(app, client, as_role):
    with app.app_context():
        topic = topic_by_slug("disordered-eating")
        other = topic_by_slug("regulation")
        org = make_organisation(name="Beat")
        a = make_person(name="Alice", country="GB", last_interaction_on=date.today() - timedelta(days=400))
        a.topics.append(topic)
        b = make_person(name="Bruno", country="BR", last_interaction_on=date.today() - timedelta(days=10))
        b.topics.append(other)
        c = make_person(name="Chen", country="GB", do_not_contact=True)
        make_affiliation(a, org)
        make_affiliation(b, org, end_on=date(2020, 1, 1))
        db.session.add(
            StakeholderAssessment(person_id=a.id, influence=3, stance="critical", assessed_on=date(2024, 1, 1))
        )
        db.session.add(
            StakeholderAssessment(person_id=a.id, influence=3, stance="supportive", assessed_on=date(2025, 1, 1))
        )
        db.session.add(
            StakeholderAssessment(person_id=b.id, influence=2, stance="critical", assessed_on=date(2025, 1, 1))
        )
        db.session.commit()
        org_id, topic_id = org.id, topic.id
        assert c.id
    as_role("viewer")
    assert _names(client) == {"Alice", "Bruno", "Chen"}
    assert _names(client, country="GB") == {"Alice", "Chen"}
    assert _names(client, topic=topic_id) == {"Alice"}
    assert _names(client, stance="supportive") == {"Alice"}  # the newest assessment counts
    assert _names(client, stance="critical") == {"Bruno"}
    assert _names(client, stance="unknown") == {"Chen"}
    since = (date.today() - timedelta(days=30)).isoformat()
    assert _names(client, not_contacted_since=since) == {"Alice", "Chen"}  # never contacted counts
    assert _names(client, organisation=org_id) == {"Alice"}  # current affiliations only
    assert _names(client, organisation="bea") == {"Alice"}
    assert _names(client, dnc="yes") == {"Chen"}
    assert _names(client, q="bru") == {"Bruno"}
    assert _names(client, q="100%_") == set()
    html = text(client.get("/people", query_string={"q": "nobody-here"}))
    assert "No one matches" in html
    names = re.findall(r'<a class="fw-semibold" href="/people/\d+">([^<]+)</a>', text(client.get("/people?sort=-name")))
    assert names == ["Chen", "Bruno", "Alice"]
    names = re.findall(r'<a class="fw-semibold" href="/people/\d+">([^<]+)</a>', text(client.get("/people?sort=-last")))
    assert names[0] == "Bruno"


def test_the_list_shows_a_total_and_pages(app, client, as_role):
    with app.app_context():
        for i in range(30):
            make_person(name=f"Paged {i:02d}")
        db.session.commit()
    as_role("viewer")
    html = text(client.get("/people"))
    assert "of 30 people" in html and 'rel="next"' in html
    assert "Paged 29" in text(client.get("/people?page=2"))


def test_empty_list_offers_to_add(client, as_role):
    as_role("editor")
    assert "No people yet" in text(client.get("/people"))


def test_directory_pages_have_no_inline_script_or_style(app, client, as_role):
    with app.app_context():
        person = make_person(name="Styled", bio="Hello")
        org = make_organisation(name="Styled Org")
        make_affiliation(person, org)
        db.session.commit()
        person_id, org_id = person.id, org.id
    as_role("admin")
    for path in (
        "/people",
        "/people/new",
        f"/people/{person_id}",
        f"/people/{person_id}/edit",
        "/organizations",
        "/organizations/new",
        f"/organizations/{org_id}",
        f"/organizations/{org_id}/edit",
    ):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "onclick=" not in html, path
