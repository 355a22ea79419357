"""An email (.eml, .msg) into a consultation: proposal first, nothing written until confirmed."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from engage.consultations.models import Consultation
from engage.documents.models import Attachment
from engage.extensions import db
from engage.inbox.models import EmailDraft
from engage.people.models import Person
from tests.conftest import login
from tests.documents.files import outlook_eml, pdf_with
from tests.factories import make_person, make_user


@pytest.fixture
def people(app, users):
    with app.app_context():
        make_user(role="editor", email="priya@team.example", name="Priya Shah")
        ids = {"amara": make_person(name="Amara Okafor", email="Amara@SaferWeb.example").id}
        db.session.commit()
    return ids


def post_file(client, path, token, name, data, **fields):
    form = MultiDict({"csrf_token": token, **fields})
    form.add("file", FileStorage(io.BytesIO(data), name))
    boundary, body = encode_multipart(form)
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def _count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _draft_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/consultations/drafts/(\d+)$", response.headers["Location"]).group(1))


def test_an_outlook_eml_becomes_a_consultation_after_confirmation(app, client, users, people):
    token = login(client, users["editor"])
    pdf = pdf_with("Written evidence about newsworthy exceptions")
    eml = outlook_eml(attachment=("submission.pdf", pdf))
    draft_id = _draft_id(post_file(client, "/consultations/new-from-email", token, "thread.eml", eml))
    assert _count(app, Consultation) == 0  # a proposal first
    page = client.get(f"/consultations/drafts/{draft_id}").get_data(as_text=True)
    assert "RE: Clause 4 question" in page and "Priya Shah" in page and "Amara Okafor" in page
    assert "stranger@elsewhere.example" in page and "submission.pdf" in page
    assert "Tue 3 Mar 2026, 08:15" in page  # the Date header (09:15 +01:00) in the reader's zone (UTC)
    assert "QUOTEDCHAINWORD" not in page and "Kind regards" not in page
    assert "RE: Clause 4 question" in client.get("/consultations/drafts").get_data(as_text=True)
    summary = re.search(r'<textarea[^>]*name="summary"[^>]*>\s*(.*?)</textarea>', page, re.S).group(1)
    response = client.post(
        f"/consultations/drafts/{draft_id}",
        data={
            "csrf_token": token,
            "title": "RE: Clause 4 question",
            "confidentiality": "normal",
            "summary": summary,
            "unknown-0": "create",
            "name-0": "Sam Stranger",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        consultation = db.session.execute(select(Consultation)).scalar_one()
        assert (consultation.title, consultation.kind, consultation.held_on) == (
            "RE: Clause 4 question",
            "email",
            date(2026, 3, 3),
        )
        assert consultation.held_at == datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
        assert {p.name for p in consultation.people} == {"Amara Okafor", "Sam Stranger"}
        assert {u.email for u in consultation.staff} == {"priya@team.example", users["editor"]}
        assert "carve out news reporting" in consultation.summary
        assert "QUOTEDCHAINWORD" not in consultation.summary and "Kind regards" not in consultation.summary
        files = {a.filename: a.id for a in db.session.execute(select(Attachment)).scalars()}
        assert set(files) == {"submission.pdf", "thread.eml"}
        assert db.session.execute(select(func.count()).select_from(EmailDraft)).scalar_one() == 0
    download = client.get(f"/attachments/{files['submission.pdf']}")
    assert download.data == pdf and download.headers["Content-Disposition"].startswith("attachment")


def test_a_refused_confirmation_writes_nothing(app, client, users, people):
    token = login(client, users["editor"])
    draft_id = _draft_id(post_file(client, "/consultations/new-from-email", token, "m.eml", outlook_eml()))
    people_before = _count(app, Person)
    bad = {"csrf_token": token, "title": "Thread", "confidentiality": "normal", "summary": "x"}
    response = client.post(f"/consultations/drafts/{draft_id}", data=bad | {"unknown-0": "create", "name-0": " "})
    assert response.status_code == 400
    assert "Give a name for stranger@elsewhere.example" in response.get_data(as_text=True)
    response = client.post(f"/consultations/drafts/{draft_id}", data=bad | {"title": "", "unknown-0": "create"})
    assert response.status_code == 400
    assert (_count(app, Consultation), _count(app, Attachment), _count(app, Person)) == (0, 0, people_before)
    assert _count(app, EmailDraft) == 1


def test_what_is_not_an_email_is_refused_and_drafts_are_private(app, client, users, people):
    token = login(client, users["editor"])
    response = post_file(client, "/consultations/new-from-email", token, "a.eml", pdf_with("x"))
    assert response.status_code == 400 and "This is not an email message" in response.get_data(as_text=True)
    response = post_file(client, "/consultations/new-from-email", token, "a.eml", b"<html><body>hi</body></html>")
    assert response.status_code == 400 and "HTML" in response.get_data(as_text=True)
    assert _count(app, EmailDraft) == 0
    draft_id = _draft_id(post_file(client, "/consultations/new-from-email", token, "m.eml", outlook_eml()))
    other = app.test_client()
    other_token = login(other, users["admin"])
    assert other.get(f"/consultations/drafts/{draft_id}").status_code == 404
    assert other.post(f"/consultations/drafts/{draft_id}/discard", data={"csrf_token": other_token}).status_code == 404
    assert "Clause 4" not in other.get("/consultations/drafts").get_data(as_text=True)
    assert client.post(f"/consultations/drafts/{draft_id}/discard", data={"csrf_token": token}).status_code == 302
    assert _count(app, EmailDraft) == 0


def test_an_html_only_email_is_read_as_text_without_fetching_anything(app, client, users, people):
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "amara@saferweb.example", "priya@team.example", "HTML note"
    message["Date"] = "Tue, 03 Mar 2026 09:15:00 +0000"
    message.set_content(
        '<html><body><p>Hello <b>team</b></p><img src="https://tracker.example/p.gif">'
        "<script>steal()</script><p>Second line</p></body></html>",
        subtype="html",
    )
    token = login(client, users["editor"])
    draft_id = _draft_id(post_file(client, "/consultations/new-from-email", token, "h.eml", message.as_bytes()))
    page = client.get(f"/consultations/drafts/{draft_id}").get_data(as_text=True)
    assert "Hello team" in page and "Second line" in page
    assert "tracker.example" not in page and "steal()" not in page


def test_drop_an_email_on_a_consultation_keeps_it_as_a_document(app, client, users, people):
    from tests.factories import make_consultation

    with app.app_context():
        consultation_id = make_consultation(title="Existing").id
        db.session.commit()
    token = login(client, users["editor"])
    response = post_file(client, f"/consultations/{consultation_id}/documents", token, "reply.eml", outlook_eml())
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.execute(select(Attachment)).scalar_one()
        assert attachment.file_type == "eml" and "carve out news reporting" in attachment.text


def test_an_outlook_msg_becomes_a_consultation(app, client, users, people):
    from tests.inbox.msgfile import make_msg

    pdf = pdf_with("Minutes attached to the msg")
    data = make_msg(
        "Minutes of our call",
        ("Amara Okafor", "amara@saferweb.example"),
        [("Priya Shah", "priya@team.example")],
        [],
        "Tue, 03 Mar 2026 09:15:00 +0100",
        "We agreed to send the evidence.\r\n\r\nBest,\r\nAmara\r\n\r\n-----Original Message-----\r\n"
        "From: Priya Shah <priya@team.example>\r\nSent: Monday\r\n\r\nQUOTEDCHAINWORD\r\n",
        [("minutes.pdf", pdf)],
    )
    token = login(client, users["editor"])
    draft_id = _draft_id(post_file(client, "/consultations/new-from-email", token, "minutes.msg", data))
    page = client.get(f"/consultations/drafts/{draft_id}").get_data(as_text=True)
    summary = re.search(r'<textarea[^>]*name="summary"[^>]*>\s*(.*?)</textarea>', page, re.S).group(1)
    assert "We agreed to send the evidence." in summary and "QUOTEDCHAINWORD" not in summary and "Best" not in summary
    form = {"csrf_token": token, "title": "Minutes of our call", "confidentiality": "confidential", "summary": summary}
    assert client.post(f"/consultations/drafts/{draft_id}", data=form).status_code == 302
    with app.app_context():
        consultation = db.session.execute(select(Consultation)).scalar_one()
        assert (consultation.kind, consultation.confidentiality) == ("email", "confidential")
        assert consultation.held_at == datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
        assert [p.name for p in consultation.people] == ["Amara Okafor"]
        assert {u.email for u in consultation.staff} == {"priya@team.example", users["editor"]}
        files = {a.filename: a for a in db.session.execute(select(Attachment)).scalars()}
        assert set(files) == {"minutes.pdf", "minutes.msg"} and files["minutes.msg"].file_type == "msg"
        assert "Minutes attached to the msg" in files["minutes.pdf"].text
        pdf_id = files["minutes.pdf"].id
    assert client.get(f"/attachments/{pdf_id}").data == pdf
