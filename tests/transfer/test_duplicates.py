"""Creating a person who is likely already in Engage: the existing record is offered first."""

from sqlalchemy import func, select

from engage.extensions import db
from engage.people.models import Person
from tests.factories import make_affiliation, make_organisation, make_person


def _count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Person.id))).scalar_one()


def test_same_email_in_another_case_offers_the_existing_person(app, client, as_role):
    with app.app_context():
        existing = make_person(name="Amara Okafor", email="amara@example.org")
        db.session.commit()
        existing_id = existing.id
    token = as_role("editor")
    data = {"csrf_token": token, "name": "A. Okafor", "email": "AMARA@Example.org", "country": "NG"}
    response = client.post("/people/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="/people/{existing_id}"' in body and "same email amara@example.org" in body
    assert "Create anyway" in body and _count(app) == 1
    response = client.post("/people/new", data={**data, "create_anyway": "y"})
    assert response.status_code == 302 and _count(app) == 2


def test_similar_name_at_the_same_organisation_offers_the_existing_person(app, client, as_role):
    with app.app_context():
        org = make_organisation(name="Samaritans")
        make_affiliation(make_person(name="José Álvarez"), org)
        make_person(name="Jose Alvarez", email="other@example.org")  # same name, no organisation: not offered
        db.session.commit()
    token = as_role("editor")
    data = {"csrf_token": token, "name": "Jose Alvarez", "email": "new@example.org", "organisation": "samaritans"}
    response = client.post("/people/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "similar name at samaritans" in body
    assert body.count('<li><a href="/people/') == 1
    assert client.post("/people/new", data={**data, "name": "Someone Else"}).status_code == 302
