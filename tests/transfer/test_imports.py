"""Imports through the HTTP interface and the command line: recognised address-book files,
preview, all or nothing, mapping, bad files."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import Person, PersonEmail
from engage.transfer.models import ImportMapping
from tests.factories import make_affiliation, make_organisation, make_person
from tests.transfer import samples


def _upload(client, token, data: bytes, name: str, path="/import/people"):
    return client.post(
        path,
        data={"csrf_token": token, "step": "upload", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _upload_id(html: str) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)


def _confirm(client, token, html: str, path="/import/people", **actions):
    return client.post(path, data={"csrf_token": token, "step": "confirm", "upload": _upload_id(html), **actions})


def _people(app):
    with app.app_context():
        return {p.name: p for p in db.session.execute(select(Person)).scalars()}


def _emails(app, name):
    with app.app_context():
        person = db.session.execute(select(Person).where(Person.name == name)).scalar_one()
        return [e.email for e in person.emails]


@pytest.mark.parametrize(
    ("sample", "filename", "name", "encoding", "source"),
    [
        (samples.google_csv, "contacts.csv", "José García Núñez", "UTF-8 (with BOM)", "Google Contacts"),
        (samples.outlook_csv, "outlook.CSV", "Zoë Brontë-Dupré", "Windows-1252 (cp1252)", "Outlook"),
        (samples.android_vcf, "00001.vcf", "Jürgen Müller-Lüdenscheidt", "vCard", "vCard"),
        (samples.apple_vcf, "Søren.vcf", "Søren Ørsted", "vCard", "vCard"),
    ],
)
def test_address_book_files_import_without_mapping_and_names_come_out_exactly(
    app, client, as_role, sample, filename, name, encoding, source
):
    token = as_role("editor")
    response = _upload(client, token, sample(), filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert "Which column is which" not in html
    assert encoding in html and source in html
    assert name in html
    response = _confirm(client, token, html)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert name in _people(app)


def test_each_file_brings_its_details(app, client, as_role):
    token = as_role("editor")
    for sample, name in ((samples.google_csv, "g.csv"), (samples.outlook_csv, "o.csv")):
        html = _upload(client, token, sample(), name).get_data(as_text=True)
        assert _confirm(client, token, html).status_code == 302
    for sample in (samples.android_vcf, samples.apple_vcf):
        html = _upload(client, token, sample(), "x.vcf").get_data(as_text=True)
        assert _confirm(client, token, html).status_code == 302
    people = _people(app)
    with app.app_context():
        jose = db.session.get(Person, people["José García Núñez"].id)
        assert [e.email for e in jose.emails] == ["jose.garcia@anar.example", "pepe@casa.example", "otro@casa.example"]
        assert (
            jose.country == "ES" and jose.title == "Psicóloga" and [p.number for p in jose.phones] == ["+34612345678"]
        )
        zoe = db.session.get(Person, people["Zoë Brontë-Dupré"].id)
        assert zoe.title == "Chercheuse" and zoe.bio == "Café notes" and zoe.country == "GB"
        juergen = db.session.get(Person, people["Jürgen Müller-Lüdenscheidt"].id)
        assert juergen.bio == "Gesprächspartner für Jugendliche, sehr engagiert"
        assert [p.number for p in juergen.phones] == ["+49301234567"]
        soren = db.session.get(Person, people["Søren Ørsted"].id)
        assert (
            soren.bio
            == "Spiseforstyrrelser, unge\nog sociale medier; forskning som rækker langt ud over det sædvanlige"
        )
        assert soren.country == "DK" and soren.title == "Lektor"
        organisations = set(db.session.execute(select(Organisation.name)).scalars())
        assert {
            "Fundación Anar",
            "Institut Français",
            "Verein für Seelische Gesundheit",
            "Københavns Universitet",
        } <= organisations
        assert all(not p.consent_internal for p in db.session.execute(select(Person)).scalars())


def test_a_bad_row_imports_nothing_and_the_preview_names_row_column_and_problem(app, client, as_role):
    token = as_role("editor")
    html = _upload(client, token, samples.people_csv(500, {317: "not-an-email"}), "bulk.csv").get_data(as_text=True)
    assert re.search(r'<th scope="row">317</th>.*?Column “Email”: “not-an-email” is not a valid email', html, re.S)
    assert "Import 500 rows" not in html
    response = _confirm(client, token, html)
    assert response.status_code == 400
    assert "row 317" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Person.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Organisation.id))).scalar_one() == 0


def test_the_cli_names_row_317_and_exits_non_zero(app, users, tmp_path):
    path = tmp_path / "bulk.csv"
    path.write_bytes(samples.people_csv(500, {317: "not-an-email"}))
    result = app.test_cli_runner().invoke(args=["engage", "import-people", str(path)])
    assert result.exit_code != 0
    assert "row 317, column “Email”: “not-an-email” is not a valid email" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Person.id))).scalar_one() == 0


def test_the_cli_imports_a_good_file_in_one_go_and_audits_it(app, users, tmp_path):
    path = tmp_path / "bulk.csv"
    path.write_bytes(samples.people_csv(500))
    result = app.test_cli_runner().invoke(args=["engage", "import-people", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Person.id))).scalar_one() == 500
        assert db.session.execute(select(func.count(Organisation.id))).scalar_one() == 7
        assert db.session.execute(select(func.count(Affiliation.id))).scalar_one() == 500
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "import")).scalar_one()
        assert event.changes["details"]["file"] == "bulk.csv" and event.changes["details"]["create"] == 500
        assert event.user_id is not None


def test_duplicates_are_offered_and_skipped_unless_chosen(app, client, as_role):
    with app.app_context():
        org = make_organisation(name="Fundación Anar")
        existing = make_person(name="Jose Garcia Nunez", email="someone@else.example")
        make_affiliation(existing, org)
        by_email = make_person(name="Zoe B", email="ZOE.BRONTE@institut.example")
        db.session.commit()
        existing_id, by_email_id = existing.id, by_email.id
    token = as_role("editor")
    html = _upload(client, token, samples.google_csv(), "g.csv").get_data(as_text=True)
    assert "similar name at Fundación Anar" in html and f"/people/{existing_id}" in html
    assert _confirm(client, token, html).status_code == 302
    assert "José García Núñez" not in _people(app)  # skipped by default
    html = _upload(client, token, samples.outlook_csv(), "o.csv").get_data(as_text=True)
    assert "same email zoe.bronte@institut.example" in html
    assert _confirm(client, token, html, **{"row-1": f"update:{by_email_id}"}).status_code == 302
    with app.app_context():
        person = db.session.get(Person, by_email_id)
        assert person.title == "Chercheuse" and person.name == "Zoe B"
        assert db.session.execute(select(func.count(Person.id))).scalar_one() == 2


def test_an_unknown_layout_gets_a_mapping_step_that_is_remembered(app, client, as_role):
    token = as_role("editor")
    data = "Nom complet;Courriel;Pays\nAmélie Poulain;amelie@example.fr;FR\n".encode("latin-1")
    html = _upload(client, token, data, "liste.csv").get_data(as_text=True)
    assert ("Which column is which" in html and "Latin-1" not in html) or "Windows-1252" in html
    upload = _upload_id(html)
    response = client.post(
        "/import/people",
        data={"csrf_token": token, "step": "mapping", "upload": upload, "columns": "3", "map-0": "", "map-1": "email"},
    )
    assert response.status_code == 400 and "Choose the column that holds the name" in response.get_data(as_text=True)
    fields = {"map-0": "name", "map-1": "email", "map-2": "country"}
    response = client.post(
        "/import/people", data={"csrf_token": token, "step": "mapping", "upload": upload, "columns": "3", **fields}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Amélie Poulain" in html
    assert _confirm(client, token, html).status_code == 302
    assert _emails(app, "Amélie Poulain") == ["amelie@example.fr"]
    with app.app_context():
        assert db.session.execute(select(func.count(ImportMapping.id))).scalar_one() == 1
    again = b"Nom complet;Courriel;Pays\nBertrand Dupont;b@example.fr;BE\n"
    html = _upload(client, token, again, "liste2.csv").get_data(as_text=True)
    assert "Which column is which" not in html and "the column mapping you chose last time" in html


def test_xlsx_imports(app, client, as_role):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Country", "Phone"])
    sheet.append(["Łukasz Żółć", "lukasz@example.pl", "PL", "+48 22 123 45 67"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    token = as_role("editor")
    html = _upload(client, token, buffer.getvalue(), "people.xlsx").get_data(as_text=True)
    assert "Excel workbook" in html
    assert _confirm(client, token, html).status_code == 302
    assert _emails(app, "Łukasz Żółć") == ["lukasz@example.pl"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>>", "people.csv", "is a PDF document, not a CSV"),
        (bytes(range(256)) * 4, "people.csv", "not a text file"),
        (b"", "people.csv", "Choose a file"),
        (b"PK\x03\x04garbage-zip", "people.xlsx", "not a readable Excel workbook"),
        (b"Name,Email\n", "people.csv", "no rows under it"),
    ],
)
def test_files_that_are_not_what_they_claim_get_a_clear_message(app, client, as_role, data, name, message):
    token = as_role("editor")
    response = _upload(client, token, data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused_with_413(app, client, as_role, monkeypatch):
    from engage.transfer import files

    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    token = as_role("editor")
    response = _upload(client, token, samples.people_csv(100), "big.csv")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)


def test_a_large_file_is_checked_in_steps_with_progress(app, client, as_role, monkeypatch):
    from engage.transfer import steps

    monkeypatch.setattr(steps, "STEP", 40)
    token = as_role("editor")
    html = _upload(client, token, samples.people_csv(100), "steps.csv").get_data(as_text=True)
    assert "Checked 40 of 100 rows" in html and 'hx-get="/import/people?upload=' in html
    upload = re.search(r"upload=([A-Za-z0-9_-]+)", html).group(1)
    step = client.get(f"/import/people?upload={upload}", headers={"HX-Request": "true"})
    assert "Checked 80 of 100 rows" in step.get_data(as_text=True)
    done = client.get(f"/import/people?upload={upload}", headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == f"/import/people?upload={upload}"
    html = client.get(f"/import/people?upload={upload}").get_data(as_text=True)
    assert "Import 100 rows" in html
    assert _confirm(client, token, html).status_code == 302
    assert len(_people(app)) == 100


def test_someone_elses_upload_is_not_found(app, client, as_role, users):
    token = as_role("editor")
    html = _upload(client, token, samples.google_csv(), "g.csv").get_data(as_text=True)
    upload = _upload_id(html)
    client.post("/logout", data={"csrf_token": token})
    admin_token = as_role("admin")
    assert client.get(f"/import/people?upload={upload}").status_code == 404
    assert _confirm(client, admin_token, html).status_code == 404


def test_viewers_cannot_import(app, client, as_role):
    token = as_role("viewer")
    assert client.get("/import/people").status_code == 200
    assert _upload(client, token, samples.google_csv(), "g.csv").status_code == 403


def test_organisations_import_from_csv(app, client, as_role):
    with app.app_context():
        make_organisation(name="Samaritans")
        db.session.commit()
    data = (
        "Name,Type,Country,Website\nSamaritans,Helpline or crisis service,GB,samaritans.org\n"
        "Écoute Ados,ngo,France,ecoute.example\n"
    )
    token = as_role("editor")
    html = _upload(client, token, data.encode("cp1252"), "orgs.csv", "/import/organizations").get_data(as_text=True)
    assert "Engage" in html and "same name" in html
    assert _confirm(client, token, html, "/import/organizations").status_code == 302
    with app.app_context():
        names = dict(db.session.execute(select(Organisation.name, Organisation.country)).all())
        assert names == {"Samaritans": "GB", "Écoute Ados": "FR"}


def test_emails_differing_only_in_case_are_matched(app, client, as_role):
    with app.app_context():
        make_person(name="Someone", email="JOSE.GARCIA@ANAR.EXAMPLE")
        db.session.commit()
    token = as_role("editor")
    html = _upload(client, token, samples.google_csv(), "g.csv").get_data(as_text=True)
    assert "same email jose.garcia@anar.example" in html
    with app.app_context():
        assert db.session.execute(select(func.count(PersonEmail.id))).scalar_one() == 1


def test_an_old_file_that_would_recreate_an_erased_person_warns(app, client, as_role):
    with app.app_context():
        person_id = make_person(name="Zoë Brontë-Dupré", email="Zoe.Bronte@institut.example").id
        db.session.commit()
    token = as_role("admin")
    erase = client.post(f"/people/{person_id}/privacy/erase", data={"csrf_token": token, "reason": "Request 12"})
    assert erase.status_code == 302
    html = _upload(client, token, samples.outlook_csv(), "o.csv").get_data(as_text=True)
    assert "belonged to a person who was erased at their request" in html
    fresh = _upload(client, token, samples.google_csv(), "g.csv").get_data(as_text=True)
    assert "erased at their request" not in fresh
