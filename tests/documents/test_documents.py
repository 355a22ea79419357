"""Documents on records: upload checked by content, download as an attachment, confidentiality,
text extraction and search, deletion; all audited."""

import io
import os

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from engage.audit.models import AuditEvent
from engage.documents import store
from engage.documents.models import Attachment
from engage.extensions import db
from tests.conftest import login
from tests.documents.files import docx_with, pdf_with
from tests.factories import make_consultation, make_engagement, make_organisation, make_person, make_user


@pytest.fixture
def world(app, users):
    with app.app_context():
        staff = make_user(role="editor", email="staff@test.example")
        ids = {
            "person": make_person(name="Amara Okafor").id,
            "organisation": make_organisation(name="Safer Web").id,
            "engagement": make_engagement(title="Summit").id,
            "normal": make_consultation(title="Open talk").id,
            "restricted": make_consultation(title="Secret talk", confidentiality="restricted", staff=[staff]).id,
        }
        db.session.commit()
    return ids


def _upload(client, token, path, name, data):
    """A multipart POST encoded here, in memory (the test client spools big ones to a file)."""
    fields = MultiDict({"csrf_token": token})
    fields.add("file", FileStorage(io.BytesIO(data), name))
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def _count(app, model=Attachment):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_pdf_is_stored_listed_and_downloads_byte_identical(app, client, users, world):
    token = login(client, users["editor"])
    pdf = pdf_with("Newsworthy exceptions for reporting")
    response = _upload(client, token, f"/people/{world['person']}/documents", "evidence.pdf", pdf)
    assert response.status_code == 302
    page = client.get(f"/people/{world['person']}").get_data(as_text=True)
    assert "evidence.pdf" in page and "added by" in page
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one()
        assert attachment.file_type == "pdf" and "Newsworthy exceptions" in attachment.text
        assert os.path.exists(store.path_of(attachment.sha256))
        attachment_id = attachment.id
    download = client.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.record_type == "attachments"))
        assert set(actions.scalars()) == {"upload", "download"}


@pytest.mark.parametrize("kind", ["organizations", "engagements", "consultations"])
def test_every_kind_of_record_takes_documents(app, client, users, world, kind):
    token = login(client, users["editor"])
    record = {"organizations": "organisation", "engagements": "engagement", "consultations": "normal"}[kind]
    response = _upload(client, token, f"/{kind}/{world[record]}/documents", "notes.txt", b"Plain notes of the call.")
    assert response.status_code == 302
    assert "notes.txt" in client.get(f"/{kind}/{world[record]}").get_data(as_text=True)


def test_the_content_decides_the_type_not_the_name(app, client, users, world):
    token = login(client, users["editor"])
    path = f"/people/{world['person']}/documents"
    cases = [
        ("report.docx", pdf_with("x"), "its content is a PDF document"),
        ("page.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "HTML"),
        ("page.txt", b"<html><body>hello</body></html>", "HTML"),
        ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 100, "program"),
        ("empty.pdf", b"", "Choose a file"),
    ]
    for name, data, message in cases:
        response = _upload(client, token, path, name, data)
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), name
    assert _count(app) == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(app, client, users, world):
    token = login(client, users["editor"])
    response = _upload(client, token, f"/people/{world['person']}/documents", "big.pdf", b"%PDF-" + b"0" * (60 << 20))
    assert response.status_code == 413
    assert "larger than Engage accepts here (25.1 MB)" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_a_restricted_consultations_document_is_404_and_uncounted(app, client, users, world):
    staff = app.test_client()
    token = login(staff, "staff@test.example")
    data = docx_with("The zanthoxylum escalation plan")
    assert (
        _upload(staff, token, f"/consultations/{world['restricted']}/documents", "plan.docx", data).status_code == 302
    )
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one()
        attachment_id, sha = attachment.id, attachment.sha256
        assert "zanthoxylum escalation plan" in attachment.text  # text extracted from the DOCX
    assert "plan.docx" in staff.get(f"/consultations/{world['restricted']}").get_data(as_text=True)
    assert "plan.docx" in staff.get("/search?q=zanthoxylum").get_data(as_text=True)  # found inside the attachment
    token = login(client, users["editor"])  # an editor who is not on its staff
    for path in (f"/attachments/{attachment_id}", f"/attachments/{attachment_id}/record"):
        assert client.get(path).status_code == 404
    assert client.post(f"/attachments/{attachment_id}/delete", data={"csrf_token": token}).status_code == 404
    assert _upload(client, token, f"/consultations/{world['restricted']}/documents", "x.txt", b"x").status_code == 404
    html = client.get("/search?q=zanthoxylum").get_data(as_text=True)
    assert "plan.docx" not in html and "Nothing you may see matches" in html
    with app.app_context():
        assert store.get(sha) == data


def test_a_phrase_inside_a_pdf_is_found_by_search(app, client, users, world):
    token = login(client, users["editor"])
    pdf = pdf_with("Quillwort moderation guidance")
    _upload(client, token, f"/organizations/{world['organisation']}/documents", "guidance.pdf", pdf)
    viewer = app.test_client()
    login(viewer, users["viewer"])
    html = viewer.get('/search?q="quillwort moderation"').get_data(as_text=True)
    assert "guidance.pdf" in html and "Safer Web" in html


def test_deleting_a_document_is_audited_and_frees_its_file(app, client, users, world):
    token = login(client, users["editor"])
    _upload(client, token, f"/people/{world['person']}/documents", "a.txt", b"Only copy")
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one()
        attachment_id, path = attachment.id, store.path_of(attachment.sha256)
    viewer = app.test_client()
    viewer_token = login(viewer, users["viewer"])
    assert viewer.post(f"/attachments/{attachment_id}/delete", data={"csrf_token": viewer_token}).status_code == 403
    assert client.post(f"/attachments/{attachment_id}/delete", data={"csrf_token": token}).status_code == 302
    assert _count(app) == 0 and not os.path.exists(path)
    with app.app_context():
        assert db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "attachments", AuditEvent.action == "delete")
        ).scalar_one()
