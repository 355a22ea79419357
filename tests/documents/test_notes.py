"""Notes on records: Markdown rendered then sanitised, author and time, edited by their author only,
with optimistic locking; a restricted consultation's notes are hidden with it."""

import re

from sqlalchemy import select

from engage.documents.models import Note
from engage.extensions import db
from tests.conftest import csrf_from, login
from tests.factories import make_consultation, make_person, make_user


def _ids(app):
    with app.app_context():
        staff = make_user(role="editor", email="staff@test.example")
        ids = {
            "person": make_person(name="Amara Okafor").id,
            "restricted": make_consultation(title="Secret", confidentiality="restricted", staff=[staff]).id,
        }
        db.session.commit()
    return ids


def _note(app):
    with app.app_context():
        note = db.session.execute(select(Note)).scalar_one()
        return note.id, note.version


def test_a_note_is_markdown_sanitised_with_author_and_time(app, client, users):
    ids = _ids(app)
    token = login(client, users["editor"])
    body = "**Agreed** to review\n\n<script>alert('x')</script><img src=https://tracker.example/p.gif>"
    response = client.post(f"/people/{ids['person']}/notes", data={"csrf_token": token, "text": body})
    assert response.status_code == 302
    page = client.get(f"/people/{ids['person']}").get_data(as_text=True)
    assert "<strong>Agreed</strong>" in page
    assert "<script>alert" not in page and "tracker.example" not in page
    assert re.search(r"Editor \d+, ", page)  # the author's name, then the time
    assert client.post(f"/people/{ids['person']}/notes", data={"csrf_token": token, "text": "  "}).status_code == 400


def test_only_the_author_edits_and_a_stale_copy_is_refused(app, client, users):
    ids = _ids(app)
    token = login(client, users["editor"])
    client.post(f"/people/{ids['person']}/notes", data={"csrf_token": token, "text": "First"})
    note_id, version = _note(app)
    form = client.get(f"/notes/{note_id}/edit").get_data(as_text=True)
    assert "First" in form
    ok = client.post(f"/notes/{note_id}/edit", data={"csrf_token": token, "text": "Second", "version": version})
    assert ok.status_code == 302
    stale = client.post(f"/notes/{note_id}/edit", data={"csrf_token": token, "text": "Third", "version": version})
    assert stale.status_code == 409 and "Someone else changed this note" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Note, note_id).body == "Second"
    other = app.test_client()
    other_token = login(other, users["admin"])
    assert other.get(f"/notes/{note_id}/edit").status_code == 403
    edit = other.post(f"/notes/{note_id}/edit", data={"csrf_token": other_token, "text": "X", "version": version + 1})
    assert edit.status_code == 403
    assert other.post(f"/notes/{note_id}/delete", data={"csrf_token": other_token}).status_code == 302  # admins may


def test_a_restricted_consultations_notes_are_hidden_with_it(app, client, users):
    ids = _ids(app)
    staff = app.test_client()
    token = login(staff, "staff@test.example")
    staff.post(f"/consultations/{ids['restricted']}/notes", data={"csrf_token": token, "text": "Zorbling plan"})
    note_id, _ = _note(app)
    assert "Zorbling plan" in staff.get(f"/consultations/{ids['restricted']}").get_data(as_text=True)
    token = login(client, users["editor"])
    assert client.get(f"/notes/{note_id}/edit").status_code == 404
    assert client.post(f"/notes/{note_id}/delete", data={"csrf_token": token}).status_code == 404
    posted = client.post(f"/consultations/{ids['restricted']}/notes", data={"csrf_token": token, "text": "x"})
    assert posted.status_code == 404
    assert csrf_from(client.get("/").get_data(as_text=True))


def test_log_a_call_in_two_fields(app, client, users):
    from datetime import date

    from engage.consultations.models import Consultation

    ids = _ids(app)
    token = login(client, users["editor"])
    page = client.get(f"/people/{ids['person']}").get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in page  # the date defaults to today
    refused = client.post(f"/people/{ids['person']}/log-call", data={"csrf_token": token, "summary": "", "held_on": ""})
    assert refused.status_code == 400 and "what the call was about" in refused.get_data(as_text=True)
    data = {"csrf_token": token, "summary": "Talked through the appeals draft.", "held_on": "2026-11-30"}
    assert client.post(f"/people/{ids['person']}/log-call", data=data).status_code == 302
    with app.app_context():
        call = db.session.execute(select(Consultation).where(Consultation.kind == "call")).scalar_one()
        assert (call.kind, call.title, call.held_on) == ("call", "Call with Amara Okafor", date(2026, 11, 30))
        assert [p.name for p in call.people] == ["Amara Okafor"] and call.summary == "Talked through the appeals draft."


def test_the_data_subject_export_lists_notes_and_documents(app, client, users):
    import io
    import json
    import zipfile

    ids = _ids(app)
    token = login(client, users["admin"])
    client.post(f"/people/{ids['person']}/notes", data={"csrf_token": token, "text": "Prefers calls"})
    upload = {"csrf_token": token, "file": (io.BytesIO(b"Her CV"), "cv.txt")}
    client.post(f"/people/{ids['person']}/documents", data=upload, content_type="multipart/form-data")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/people/{ids['person']}/privacy/export.zip").data))
    data = json.loads(archive.read("data.json"))
    assert [n["text"] for n in data["notes"]] == ["Prefers calls"]
    assert [(d["filename"], d["bytes"]) for d in data["documents"]] == [("cv.txt", 6)]
