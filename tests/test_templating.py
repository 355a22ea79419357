"""The formatting filters every feature shares (one definition each, app-wide)."""

from engage.extensions import db
from tests.conftest import login
from tests.factories import make_helpline, make_person


def test_country_names_people_and_helplines(app, client, users):
    with app.app_context():
        person = make_person(name="Nowhere Person", country=None, languages=["pt", "ga"])
        helpline = make_helpline(country=None, name="Global line", channel="web", contact="https://help.example.org")
        db.session.commit()
        person_id, helpline_id = person.id, helpline.id
    login(client, users["viewer"])
    person_page = client.get(f"/people/{person_id}").get_data(as_text=True)
    assert "International" not in person_page  # a person without a country is not "international"
    assert "Portuguese" in person_page and "Irish" in person_page
    assert "International" in client.get(f"/helplines/{helpline_id}").get_data(as_text=True)
