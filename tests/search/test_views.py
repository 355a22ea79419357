from engage.extensions import db
from tests.conftest import login
from tests.factories import make_consultation, make_organisation, make_person, make_policy, make_user


def page(client, path: str) -> str:
    """The page's HTML with the highlighting marks taken out, so names read as typed."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True).replace("<mark>", "").replace("</mark>", "")


def test_search_finds_each_kind(app, client, users):
    with app.app_context():
        make_person(name="Zoë Ångström", email="zoe@uni.example")
        make_organisation(name="Ångström Institute")
        make_policy(code="MH-ÅNG", title="Ångström policy")
        db.session.commit()
    login(client, users["viewer"])
    body = page(client, "/search?q=ångström")
    assert "Zoë Ångström" in body and "Ångström Institute" in body and "MH-ÅNG" in body
    assert "Zoë Ångström" in page(client, "/search?q=zoe@uni")


def test_search_escapes_like_wildcards(app, client, users):
    with app.app_context():
        make_person(name="Percent Person")
        db.session.commit()
    login(client, users["viewer"])
    assert "Percent Person" not in page(client, "/search?q=%25%25")
    assert "Percent Person" not in page(client, "/search?q=__")


def test_short_and_empty_queries(client, users):
    login(client, users["viewer"])
    assert client.get("/search").status_code == 200
    assert "at least 2 characters" in page(client, "/search?q=a")


def test_restricted_consultation_never_surfaces_in_search(app, client, users):
    with app.app_context():
        author = make_user(role="editor")
        make_consultation(title="Secret strategy session", confidentiality="restricted", staff=[author])
        make_consultation(title="Secret-ish confidential call", confidentiality="confidential", staff=[author])
        db.session.commit()
        author_email = author.email
    login(client, users["editor"])  # another editor: sees confidential, not restricted
    body = page(client, "/search?q=secret")
    assert "Secret strategy session" not in body and "confidential call" in body
    viewer = app.test_client()
    login(viewer, users["viewer"])
    body = page(viewer, "/search?q=secret")
    assert "Secret strategy session" not in body and "confidential call" not in body
    assert "Nothing you may see matches" in body
    for email in (users["admin"], author_email):
        other = app.test_client()
        login(other, email)
        assert "Secret strategy session" in page(other, "/search?q=secret")


def test_lived_experience_is_never_searched(app, client, users):
    with app.app_context():
        make_person(name="Quiet Expert", lived_experience="anorexia recovery")
        db.session.commit()
    login(client, users["admin"])
    assert "Quiet Expert" not in page(client, "/search?q=anorexia")
