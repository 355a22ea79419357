"""Form posts of the directory that a service refuses leave the database as it was: validation
(400), someone saved first (409), an unknown record (404)."""

from datetime import date

import pytest
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import ConflictDeclaration, Honorarium, Person, StakeholderAssessment
from tests.affiliations.helpers import count, field_error, form_version, text
from tests.factories import make_affiliation, make_organisation, make_person, saved

WRITTEN = (Person, Organisation, Affiliation, StakeholderAssessment, ConflictDeclaration, Honorarium, AuditEvent)


def _counts(app) -> dict:
    return {model.__name__: count(app, model) for model in WRITTEN}


def test_a_stale_person_edit_is_409_and_changes_nothing(app, client, as_role):
    person_id = saved(app, make_person, name="Stale Person", email="stale@example.org")
    token = as_role("editor")
    version = form_version(client, f"/people/{person_id}/edit")
    with app.app_context():
        db.session.get(Person, person_id).title = "Saved first"  # someone else's save
        db.session.commit()
    before = _counts(app)
    response = client.post(
        f"/people/{person_id}/edit",
        data={"csrf_token": token, "version": version, "name": "Overwritten", "organisation": "New Org"},
    )
    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    assert _counts(app) == before
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert (person.name, person.title, person.primary_email) == ("Stale Person", "Saved first", "stale@example.org")


def test_a_person_edit_without_a_version_is_refused(app, client, as_role):
    person_id = saved(app, make_person, name="No Version")
    token = as_role("editor")
    response = client.post(f"/people/{person_id}/edit", data={"csrf_token": token, "name": "Blind"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Person, person_id).name == "No Version"


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        ("assessments", {"influence": "0", "stance": "neutral", "assessed_on": "2025-01-01"}, "influence", "1 (low)"),
        ("assessments", {"influence": "3", "stance": "neutral", "assessed_on": "2999-01-01"}, "assessed_on", "future"),
        ("conflicts", {"declared_on": "2025-01-01", "description": "  "}, "description", "Describe the conflict"),
        ("honoraria", {"paid_on": "2025-01-01", "amount": "10", "currency": "XYZ"}, "currency", "three-letter"),
        ("honoraria", {"paid_on": "not a date", "amount": "10", "currency": "EUR"}, "paid_on", "date"),
        ("affiliations", {"organisation": "", "role": "Adviser"}, "organisation", "Enter the organisation's name."),
        ("affiliations", {"organisation": "Brand New", "role": "x" * 201}, "role", "under 200 characters"),
    ],
)
def test_an_invalid_small_form_on_the_person_page_is_400_and_writes_nothing(
    app, client, as_role, path, data, field, message
):
    person_id = saved(app, make_person, name="Small Forms")
    token = as_role("editor")
    before = _counts(app)
    response = client.post(f"/people/{person_id}/{path}", data={"csrf_token": token, **data})
    assert response.status_code == 400
    error = field_error(response, field)
    assert error and message in error, text(response)[:2000]
    assert 'aria-labelledby="consent-h"' in text(response)  # the person page, shown again
    assert _counts(app) == before


def test_lived_experience_for_someone_else_to_own_is_refused_and_nothing_is_written(app, client, users, as_role):
    token = as_role("editor")
    with app.app_context():
        other = db.session.execute(select(User.id).where(User.email == users["admin"])).scalar_one()
    before = _counts(app)
    response = client.post(
        "/people/new",
        data={"csrf_token": token, "name": "Owned Elsewhere", "owner": str(other), "lived_experience": "private"},
    )
    assert response.status_code == 400
    assert "Only admins and the relationship owner" in (field_error(response, "lived_experience") or "")
    assert _counts(app) == before


def test_an_affiliation_for_an_unknown_person_or_organisation_is_404(app, client, as_role):
    organisation_id = saved(app, make_organisation, name="Known Org")
    token = as_role("editor")
    before = _counts(app)
    data = {"csrf_token": token, "organisation": "Known Org", "person": "Anyone", "role": "Chair"}
    assert client.post("/people/424242/affiliations", data=data).status_code == 404
    assert client.post("/organizations/424242/affiliations", data=data).status_code == 404
    assert client.post("/people/424242/affiliations/1/end", data={"csrf_token": token}).status_code == 404
    assert client.post("/affiliations/424242/remove", data={"csrf_token": token}).status_code == 404
    assert _counts(app) == before
    assert organisation_id


def _affiliation(app, **kw) -> tuple[int, int, int, int]:
    with app.app_context():
        person = make_person(name="Linked Person")
        organisation = make_organisation(name="Linked Org")
        affiliation = make_affiliation(person, organisation, start_on=date(2024, 1, 1), **kw)
        db.session.commit()
        return person.id, organisation.id, affiliation.id, affiliation.version


def test_ending_from_the_person_page_shows_the_person_page_again_when_refused(app, client, as_role):
    person_id, _, affiliation_id, version = _affiliation(app)
    token = as_role("editor")
    url = f"/people/{person_id}/affiliations/{affiliation_id}/end"
    before = _counts(app)
    response = client.post(url, data={"csrf_token": token, "version": version, "end_on": "2023-01-01"})
    assert response.status_code == 400
    page = text(response)
    assert "The end date cannot be before the start date." in page and 'aria-labelledby="consent-h"' in page
    response = client.post(url, data={"csrf_token": token, "version": version, "end_on": "someday"})
    assert response.status_code == 400 and "Enter the end date as YYYY-MM-DD." in text(response)
    response = client.post(url, data={"csrf_token": token, "version": version + 1, "end_on": "2025-01-01"})
    assert response.status_code == 409 and "changed by someone else" in text(response)
    assert _counts(app) == before
    with app.app_context():
        assert db.session.get(Affiliation, affiliation_id).end_on is None
    response = client.post(url, data={"csrf_token": token, "version": version, "end_on": "2025-01-01"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/people/{person_id}#affiliations")
    with app.app_context():
        assert db.session.get(Affiliation, affiliation_id).end_on == date(2025, 1, 1)


def test_ending_someone_elses_affiliation_through_a_person_is_404(app, client, as_role):
    _, _, affiliation_id, version = _affiliation(app)
    stranger_id = saved(app, make_person, name="Stranger")
    token = as_role("editor")
    response = client.post(
        f"/people/{stranger_id}/affiliations/{affiliation_id}/end",
        data={"csrf_token": token, "version": version, "end_on": "2025-01-01"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Affiliation, affiliation_id).end_on is None


def test_ending_from_the_organisation_page_shows_the_organisation_page_again_when_refused(app, client, as_role):
    _, _, affiliation_id, version = _affiliation(app)
    token = as_role("editor")
    response = client.post(
        f"/affiliations/{affiliation_id}/end", data={"csrf_token": token, "version": version, "end_on": "2023-01-01"}
    )
    assert response.status_code == 400
    page = text(response)
    assert "The end date cannot be before the start date." in page and 'aria-labelledby="facts-h"' in page


def test_the_add_forms_are_on_both_pages_for_writers_only(app, client, as_role):
    person_id, organisation_id, _, _ = _affiliation(app)
    as_role("editor")
    assert "Add an affiliation" in text(client.get(f"/people/{person_id}"))
    assert "Add a person" in text(client.get(f"/organizations/{organisation_id}"))
    client.delete_cookie("session")
    as_role("viewer")
    assert "Add an affiliation" not in text(client.get(f"/people/{person_id}"))
    assert "Add a person" not in text(client.get(f"/organizations/{organisation_id}"))
