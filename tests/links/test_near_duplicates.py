"""Typing an organisation name that nearly matches an existing one (case, accents, punctuation,
"The", "&"/"and", a small typo) offers the existing one instead of silently creating another; a
ticked box confirms that it really is a new organisation."""

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person
from tests.factories import make_organisation, make_person


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def existing(app):
    with app.app_context():
        make_organisation(name="The Samaritans & Friends")
        make_organisation(name="Fundación Ayuda")
        make_organisation(name="Mind")
        db.session.commit()


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("samaritans and friends", "The Samaritans & Friends"),
        ("Samaritans & Freinds", "The Samaritans & Friends"),
        ("Fundacion Ayuda.", "Fundación Ayuda"),
        ("fundacion ayda", "Fundación Ayuda"),
    ],
)
def test_a_near_name_on_the_person_form_asks_did_you_mean(app, client, as_role, existing, typed, meant):
    token = as_role("editor")
    response = client.post("/people/new", data={"csrf_token": token, "name": "Jo Near", "organisation": typed})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"Did you mean “{escape(meant)}”?" in html
    assert f'data-value="{escape(meant)}"' in html  # the "Use …" button
    assert 'name="new_organisation"' in html  # the box that confirms a new one
    assert _count(app, Organisation) == 3 and _count(app, Person) == 0


def test_ticking_the_box_creates_the_new_organisation(app, client, as_role, existing):
    token = as_role("editor")
    data = {"csrf_token": token, "name": "Jo New", "organisation": "Samaritans & Freinds"}
    assert client.post("/people/new", data=data).status_code == 400
    response = client.post("/people/new", data={**data, "new_organisation": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        names = set(db.session.execute(select(Organisation.name)).scalars())
        assert "Samaritans & Freinds" in names and len(names) == 4


def test_only_near_names_ask(app, client, as_role, existing):
    """The exact name (any case) links to the existing one; different names are created; a near one asks."""
    token = as_role("editor")
    for name in ("the samaritans & friends", "Mint", "Samaritans Scotland Youth Network"):
        response = client.post("/people/new", data={"csrf_token": token, "name": f"At {name}", "organisation": name})
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:1500])
    assert _count(app, Organisation) == 5
    response = client.post("/people/new", data={"csrf_token": token, "name": "Near", "organisation": "Mint."})
    assert response.status_code == 400 and "Did you mean “Mint”?" in response.get_data(as_text=True)


def test_the_affiliation_form_asks_too(app, client, as_role, existing):
    with app.app_context():
        person_id = make_person(name="Affi Liated").id
        db.session.commit()
    token = as_role("editor")
    url = f"/people/{person_id}/affiliations"
    data = {"csrf_token": token, "organisation": "the samaritans and friends!", "role": "Adviser"}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Did you mean “The Samaritans &amp; Friends”?" in response.get_data(as_text=True)
    assert _count(app, Affiliation) == 0 and _count(app, Organisation) == 3
    response = client.post(url, data={**data, "new_organisation": "y"})
    assert response.status_code == 302
    assert _count(app, Affiliation) == 1 and _count(app, Organisation) == 4
