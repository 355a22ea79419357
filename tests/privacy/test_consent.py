"""Consent, private by default: nothing is ticked on a new person, nobody is named in a document
until a basis and date are recorded, do-not-contact people are not invited, changes keep a history.
And the data-subject export: everything held, as JSON and a readable PDF."""

import io
import json
import zipfile
from datetime import date

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.briefings.data import gather_briefing
from engage.briefings.evidence import gather_evidence
from engage.extensions import db
from engage.people.models import ConsentChange, Person
from tests.briefings.pdftools import flat
from tests.documents.files import pdf_with
from tests.engagements.helpers import form_data
from tests.factories import make_consultation, make_engagement, make_input, make_person, make_user, topic_by_slug


def test_a_new_person_form_ticks_no_consent_scope(client, as_role):
    as_role("editor")
    html = client.get("/people/new").get_data(as_text=True)
    for scope in ("consent_contact", "consent_internal", "consent_public", "consent_regulator"):
        tag = html.split(f'name="{scope}"')[0].rsplit("<input", 1)[1] + html.split(f'name="{scope}"')[1].split(">")[0]
        assert "checked" not in tag, scope


def test_without_a_recorded_basis_and_date_no_document_names_the_person(app, client, as_role):
    with app.app_context():
        reader = make_user("admin")
        topic = topic_by_slug("body-image")
        ticked = make_person("Unrecorded Person", consent_on=None, consent_regulator=True)
        recorded = make_person("Recorded Person", consent_regulator=True)
        consultation = make_consultation(people=[ticked, recorded], topics=[topic], held_on=date(2026, 2, 1))
        make_input(consultation, person=ticked)
        engagement = make_engagement(participants=[ticked, recorded])
        db.session.commit()
        pack = gather_briefing(engagement.id, reader)
        assert [d.name for d in pack.participants] == ["An expert (consent not recorded)", "Recorded Person"]
        evidence = gather_evidence(topic, date(2026, 1, 1), date(2026, 12, 31), reader)
        assert sorted(evidence.consultations[0].participants) == ["Expert A", "Recorded Person"]
        person_id = ticked.id
    token = as_role("editor")
    response = client.post(
        f"/people/{person_id}/letters", data={"csrf_token": token, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "No lawful basis and date are recorded" in body, body[body.find("<main") :][
        :3000
    ]


def test_do_not_contact_people_cannot_be_invited(app, client, as_role):
    with app.app_context():
        quiet = make_person("Quiet Person", email="quiet@example.org", do_not_contact=True)
        db.session.commit()
        quiet_id = quiet.id
    token = as_role("editor")
    response = client.post("/engagements/new", data=form_data(token, **{"participants-0-person": f"#{quiet_id}"}))
    assert response.status_code == 400
    assert "Quiet Person asked not to be contacted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(AuditEvent).where(AuditEvent.record_type == "engagements")).first() is None


def test_consent_changes_keep_a_history_shown_on_the_person_page(app, client, as_role):
    with app.app_context():
        person = make_person("Histor Ian", consent_basis=None, consent_on=None, consent_internal=False)
        db.session.commit()
        person_id, version = person.id, person.version
    token = as_role("editor")
    form = {"csrf_token": token, "version": version, "name": "Histor Ian", "country": "GB", "nda_status": "none"}
    form |= {"consent_basis": "consent", "consent_on": "2026-03-04", "consent_internal": "y"}
    assert client.post(f"/people/{person_id}/edit", data=form).status_code == 302
    page = client.get(f"/people/{person_id}").get_data(as_text=True)
    assert "Consent history (1)" in page and "May be named in internal briefings" in page
    with app.app_context():
        change = db.session.execute(select(ConsentChange)).scalar_one()
        assert change.basis == "consent" and change.recorded_on == date(2026, 3, 4)
        assert change.scopes == ["consent_internal"] and change.changed_by_id is not None
        event = db.session.execute(select(AuditEvent).where(AuditEvent.record_id == person_id)).scalars().all()[-1]
        assert event.changes["consent_basis"] == [None, "consent"]


def test_the_subject_export_holds_everything_as_json_and_pdf(app, client, as_role):
    with app.app_context():
        person = make_person("Exported Person", email="exported@example.org", bio="A bio.")
        make_input(make_consultation("Talk about filters"), "Label edited images.", person=person)
        db.session.commit()
        person_id = person.id
    as_role("admin")
    response = client.get(f"/people/{person_id}/privacy/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["data.json", "data.pdf"]
    data = json.loads(archive.read("data.json"))
    assert (
        data["person"]["name"] == "Exported Person" and data["person"]["emails"][0]["email"] == "exported@example.org"
    )
    assert data["points_raised"][0]["text"] == "Label edited images."
    assert "Label edited images." in flat(archive.read("data.pdf"))
    with app.app_context():
        assert db.session.get(Person, person_id).erased_at is None
        assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "subject-export")).scalar_one()


def test_the_subject_export_holds_the_files_of_the_documents_on_the_person(app, client, as_role):
    from engage.documents import store
    from engage.documents.models import Attachment

    pdf = pdf_with("Signed NDA of the exported person")
    with app.app_context():
        person = make_person("Filed Person")
        db.session.flush()
        for name, data in (("nda.pdf", pdf), ("nda.pdf", b"Second file, same name.")):
            sha = store.put(data)
            db.session.add(Attachment(person_id=person.id, filename=name, sha256=sha, size=len(data), file_type="pdf"))
        other = make_person("Someone Else")
        db.session.flush()
        data = b"Not theirs."
        db.session.add(
            Attachment(person_id=other.id, filename="x.txt", sha256=store.put(data), size=11, file_type="text")
        )
        db.session.commit()
        person_id = person.id
    as_role("admin")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/people/{person_id}/privacy/export.zip").data))
    listed = json.loads(archive.read("data.json"))["documents"]
    assert len(listed) == 2 and all(d["file"] in archive.namelist() for d in listed)
    assert archive.read(listed[0]["file"]) == pdf  # byte-identical
    assert archive.read(listed[1]["file"]) == b"Second file, same name."
    assert len(archive.namelist()) == 4  # data.json, data.pdf and their two files: nobody else's
