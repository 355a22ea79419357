"""Exports of the people and organisation lists: filters, permissions, formula cells, vCard."""

import csv
import io

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.transfer import vcard
from tests.conftest import login
from tests.factories import make_affiliation, make_organisation, make_person, make_user


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _world(app, users):
    with app.app_context():
        from engage.auth.models import User

        owner = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        org = make_organisation(name='=HYPERLINK("http://evil.example")')
        a = make_person(name="=cmd|' /C calc'!A0", email="a@example.org", country="DE", owner_id=owner.id,
                        lived_experience="Survivor of an eating disorder (private)",
                        title="+Adviser", bio="@risk\tnote")  # fmt: skip
        make_affiliation(a, org)
        make_person(name="Beatriz Núñez", email="b@example.org", country="ES", do_not_contact=True,
                    lived_experience="Bereaved by suicide (private)")  # fmt: skip
        db.session.commit()


def test_formula_cells_are_inert(app, client, users):
    _world(app, users)
    login(client, users["admin"])
    rows = _rows(client.get("/export/people.csv"))
    first = next(r for r in rows if "cmd" in r["name"])
    assert first["name"] == "'=cmd|' /C calc'!A0"
    assert first["title"] == "'+Adviser" and first["bio"] == "'@risk\tnote"
    assert first["organisation"].startswith("'=HYPERLINK")
    assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values())
    orgs = _rows(client.get("/export/organizations.csv"))
    assert orgs[0]["name"].startswith("'=")


def test_a_viewers_export_holds_no_lived_experience(app, client, users):
    _world(app, users)
    login(client, users["viewer"])
    for path in ("/export/people.csv", "/export/people.vcf", "/export/people.vcf?version=3.0"):
        body = client.get(path).get_data(as_text=True)
        assert "Survivor" not in body and "Bereaved" not in body
        assert "Núñez" in body


def test_lived_experience_only_where_the_reader_may_see_it(app, client, users):
    _world(app, users)
    login(client, users["editor"])  # owner of the first person only
    rows = {r["name"]: r for r in _rows(client.get("/export/people.csv"))}
    assert rows["'=cmd|' /C calc'!A0"]["lived experience"] == "Survivor of an eating disorder (private)"
    assert rows["Beatriz Núñez"]["lived experience"] == ""
    admin = app.test_client()
    login(admin, users["admin"])
    rows = {r["name"]: r for r in _rows(admin.get("/export/people.csv"))}
    assert rows["Beatriz Núñez"]["lived experience"] == "Bereaved by suicide (private)"


def test_the_export_follows_the_list_filter_flags_dnc_and_is_audited(app, client, users):
    _world(app, users)
    login(client, users["viewer"])
    rows = _rows(client.get("/export/people.csv?country=ES"))
    assert [r["name"] for r in rows] == ["Beatriz Núñez"] and rows[0]["do not contact"] == "yes"
    page = client.get("/people?country=ES").get_data(as_text=True)
    assert "/export/people.csv?country=ES" in page and "/export/people.vcf?country=ES" in page
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalar_one()
        assert event.changes["details"] == {"filter": {"country": "ES"}, "rows": 1}


def test_anonymous_and_inactive_users_cannot_export(app, client, users):
    _world(app, users)
    for path in ("/export/people.csv", "/export/people.vcf", "/export/organizations.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        make_user(role="viewer", email="gone@example.org")
        db.session.commit()
    login(client, "gone@example.org")
    with app.app_context():
        from engage.auth.models import User

        db.session.execute(select(User).where(User.email == "gone@example.org")).scalar_one().active = False
        db.session.commit()
    response = client.get("/export/people.csv")
    assert response.status_code in (302, 403) and "Núñez" not in response.get_data(as_text=True)


def test_vcards_read_back_with_our_parser_in_both_versions(app, client, users):
    _world(app, users)
    login(client, users["admin"])
    for version, path in (("4.0", "/export/people.vcf"), ("3.0", "/export/people.vcf?version=3.0")):
        body = client.get(path).get_data()
        assert f"VERSION:{version}".encode() in body
        assert all(len(line) <= 75 for line in body.split(b"\r\n"))
        cards, _ = vcard.parse(body)
        beatriz = next(c for c in cards if c["name"] == "Beatriz Núñez")
        assert beatriz["emails"] == ["b@example.org"] and beatriz["do_not_contact"] == "yes"
