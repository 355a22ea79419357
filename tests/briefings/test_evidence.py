"""The regulator evidence pack: pseudonyms per consent, frozen bytes, safe CSV, restricted rules."""

import csv
import hashlib
import io
from datetime import date

from sqlalchemy import func, select

from engage.briefings.models import Document
from engage.extensions import db
from tests import factories
from tests.briefings import pdftools
from tests.conftest import login


def _world():
    topic = factories.topic_by_slug("suicide-self-harm")
    other_topic = factories.topic_by_slug("body-image")
    other_editor = factories.make_user("editor")
    named = factories.make_person("Named Regulatorok", consent_regulator=True)
    hidden = factories.make_person("Secretname Person")
    hidden2 = factories.make_person("Secondsecret Person")
    org = factories.make_organisation("Secret Charity")
    policy = factories.make_policy(code="MH-SSH", topic_id=topic.id)
    version = factories.make_version(policy, "v3", {"MH-SSH 3.1": "x"})
    meeting = factories.make_consultation(
        "Method content roundtable",
        people=[named, hidden, hidden2],
        organisations=[org],
        topics=[topic],
        held_on=date(2026, 3, 1),
    )
    factories.make_input(
        meeting,
        '=HYPERLINK("http://evil.example","click")',
        person=hidden,
        decision={"outcome": "adopted", "policy_version_id": version.id, "clause_id": version.clauses[0].id},
    )
    factories.make_input(
        meeting, "Keep recovery stories", person=named, decision={"outcome": "declined", "no_change": True}
    )
    factories.make_input(meeting, "Second hidden point", person=hidden2)
    secret = factories.make_consultation(
        "RESTRICTEDMEETING",
        confidentiality="restricted",
        staff=[other_editor],
        topics=[topic],
        held_on=date(2026, 3, 2),
    )
    factories.make_input(secret, "RESTRICTEDPOINT")
    factories.make_consultation("Other topic meeting", topics=[other_topic], held_on=date(2026, 3, 3))
    factories.make_consultation("Too early", topics=[topic], held_on=date(2025, 1, 1))
    return topic.id, other_editor.email


def _generate(client, token, topic_id):
    return client.post(
        "/evidence",
        data={
            "csrf_token": token,
            "topic": str(topic_id),
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
        },
    )


def test_pack_pseudonymises_per_consent_and_is_frozen(app, client, users):
    with app.app_context():
        topic_id, _ = _world()
        db.session.commit()
    token = login(client, users["editor"])
    response = _generate(client, token, topic_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    with app.app_context():
        pdf_doc, csv_doc = db.session.execute(select(Document).order_by(Document.id)).scalars().all()
        assert (pdf_doc.kind, csv_doc.kind) == ("evidence_pdf", "evidence_csv")
        ids, hashes = (pdf_doc.id, csv_doc.id), (pdf_doc.sha256, csv_doc.sha256)
    assert hashes[0] in page and hashes[1] in page

    for document_id, digest in zip(ids, hashes, strict=True):
        first = client.get(f"/documents/{document_id}")
        second = client.get(f"/documents/{document_id}")
        assert first.status_code == 200
        assert hashlib.sha256(first.data).hexdigest() == digest
        assert first.data == second.data

    pdf = client.get(f"/documents/{ids[0]}").data
    text = pdftools.flat(pdf)
    assert pdftools.info(pdf)["Tagged"] == "yes"
    assert "Named Regulatorok" in text and "Expert A" in text and "Expert B" in text
    assert "Secretname" not in text and "Secondsecret" not in text and "Secret Charity" not in text
    assert "Organisation A (NGO)" in text
    assert "RESTRICTEDPOINT" not in text and "Other topic meeting" not in text and "Too early" not in text
    assert "MH-SSH v3" in text and "MH-SSH 3.1" in text

    rows = list(csv.DictReader(io.StringIO(client.get(f"/documents/{ids[1]}").data.decode("utf-8-sig"))))
    assert {r["raised_by"] for r in rows} == {"Named Regulatorok", "Expert A", "Expert B"}
    assert all("Secretname" not in r["participants"] for r in rows)
    hyperlink = next(r for r in rows if "HYPERLINK" in r["input"])
    assert hyperlink["input"].startswith("'=")
    assert hyperlink["clause_key"] == "MH-SSH 3.1" and hyperlink["policy_version"] == "MH-SSH v3"


def test_restricted_consultations_only_for_those_who_may_see_them(app, client, users):
    with app.app_context():
        topic_id, staff_email = _world()
        db.session.commit()
    token = login(client, staff_email)
    assert _generate(client, token, topic_id).status_code == 302
    with app.app_context():
        pdf_doc = db.session.execute(select(Document).where(Document.kind == "evidence_pdf")).scalar_one()
        text = pdftools.flat(pdf_doc.content)
        assert pdf_doc.params["classification"] == "RESTRICTED"
    assert "RESTRICTEDPOINT" in text and "RESTRICTED" in text


def test_bad_input_is_refused_and_nothing_is_written(app, client, users):
    token = login(client, users["editor"])
    response = client.post("/evidence", data={"csrf_token": token, "topic": "", "date_from": "2026-01-01"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Choose a topic." in body and "Enter the last day of the period." in body
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 0


def test_viewer_sees_the_page_but_cannot_generate(app, client, users):
    login(client, users["viewer"])
    page = client.get("/evidence")
    assert page.status_code == 200 and "Generate and freeze" not in page.get_data(as_text=True)
