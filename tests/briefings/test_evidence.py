"""The regulator evidence pack: pseudonyms per consent, frozen bytes, safe CSV, restricted rules."""

import csv
import hashlib
import io
from datetime import date

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.briefings.models import Document
from engage.consultations.models import Input
from engage.extensions import db
from engage.topics.models import Topic
from tests import factories
from tests.briefings import pdftools
from tests.briefings.helpers import ask_evidence
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
        topic_id=topic.id,
    )
    factories.make_input(
        meeting,
        "Keep recovery stories",
        person=named,
        decision={"outcome": "declined", "no_change": True},
        topic_id=topic.id,
    )
    factories.make_input(meeting, "Second hidden point", person=hidden2, topic_id=topic.id)
    secret = factories.make_consultation(
        "RESTRICTEDMEETING",
        confidentiality="restricted",
        staff=[other_editor],
        topics=[topic],
        held_on=date(2026, 3, 2),
    )
    factories.make_input(secret, "RESTRICTEDPOINT", topic_id=topic.id)
    factories.make_consultation("Other topic meeting", topics=[other_topic], held_on=date(2026, 3, 3))
    factories.make_consultation("Too early", topics=[topic], held_on=date(2025, 1, 1))
    return topic.id, other_editor.email


def _generate(client, token, topic_id):
    data = {"csrf_token": token, "topic": str(topic_id), "date_from": "2026-01-01", "date_to": "2026-12-31"}
    return ask_evidence(client, data)


def test_pack_pseudonymises_per_consent_and_is_frozen(app, client, users):
    with app.app_context():
        topic_id, _ = _world()
        db.session.commit()
    token = login(client, users["editor"])
    response = _generate(client, token, topic_id)
    assert response.status_code == 303
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
    assert _generate(client, token, topic_id).status_code == 303
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


def _scope_world():
    """A harm area's points and policies, next to the counter-examples a pack must leave out."""
    topic = factories.topic_by_slug("suicide-self-harm")
    other = factories.topic_by_slug("body-image")
    own = factories.make_policy(code="MH-SSH", topic_id=topic.id)
    own_v = factories.make_version(own, "v3", {"MH-SSH 3.1": "x"})
    alien = factories.make_policy(code="MH-BIX", topic_id=other.id)
    alien_v = factories.make_version(alien, "v7", {"MH-BIX 7.7": "y"})
    tagged = factories.make_consultation("Tagged meeting", topics=[topic], held_on=date(2026, 3, 1))
    change = {"outcome": "adopted", "policy_version_id": own_v.id, "clause_id": own_v.clauses[0].id}
    factories.make_input(tagged, "ONTOPICPOINT", decision=change, topic_id=topic.id)
    # Counter-example 1: a point on another harm area in a consultation tagged with this one.
    alien_change = {"outcome": "adopted", "policy_version_id": alien_v.id, "clause_id": alien_v.clauses[0].id}
    factories.make_input(tagged, "OFFTOPICPOINT", decision=alien_change, topic_id=other.id)
    # Counter-example 2: a point on this harm area whose decision changed another area's policy.
    factories.make_input(tagged, "CROSSPOLICYPOINT", decision=dict(alien_change), topic_id=topic.id)
    # A point on this harm area in a consultation tagged only with another is in the pack.
    untagged = factories.make_consultation("Untagged meeting", topics=[other], held_on=date(2026, 4, 1))
    factories.make_input(untagged, "UNTAGGEDONTOPIC", topic_id=topic.id)
    factories.make_input(untagged, "UNTAGGEDOFFTOPIC", topic_id=other.id)
    return topic.id


def _pdf_and_csv(app):
    with app.app_context():
        docs = db.session.execute(select(Document).order_by(Document.id)).scalars().all()
        return [(d.kind, d.content) for d in docs]


def test_pack_holds_only_points_on_the_harm_area_and_its_policies_clause_changes(app, client, users):
    with app.app_context():
        topic_id = _scope_world()
        db.session.commit()
    token = login(client, users["editor"])
    assert _generate(client, token, topic_id).status_code == 303
    (_, pdf), (_, csv_bytes) = _pdf_and_csv(app)
    text = pdftools.flat(pdf)
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert {r["input"] for r in rows if r["input"]} == {"ONTOPICPOINT", "CROSSPOLICYPOINT", "UNTAGGEDONTOPIC"}
    assert "OFFTOPICPOINT" not in text and "UNTAGGEDOFFTOPIC" not in text
    assert "ONTOPICPOINT" in text and "UNTAGGEDONTOPIC" in text
    changes = text.split("Resulting clause changes")[1].split("Policies on this topic")[0]
    assert "MH-SSH v3 MH-SSH 3.1 1" in changes
    assert "MH-BIX" not in changes


def test_a_viewer_makes_a_pack_of_what_they_may_see_audited(app, client, users):
    with app.app_context():
        topic_id, _ = _world()
        topic = db.session.get(Topic, topic_id)
        confidential = factories.make_consultation(
            "CONFIDENTIALMEETING", confidentiality="confidential", topics=[topic], held_on=date(2026, 3, 4)
        )
        factories.make_input(confidential, "CONFIDENTIALPOINT", topic_id=topic_id)
        db.session.commit()
    token = login(client, users["viewer"])
    page = client.get("/evidence").get_data(as_text=True)
    assert "Generate and freeze" in page
    assert _generate(client, token, topic_id).status_code == 303
    (_, pdf), (_, csv_bytes) = _pdf_and_csv(app)
    for content in (pdftools.flat(pdf), csv_bytes.decode("utf-8-sig")):
        assert "Keep recovery stories" in content
        assert "RESTRICTEDPOINT" not in content and "RESTRICTEDMEETING" not in content
        assert "CONFIDENTIALPOINT" not in content and "CONFIDENTIALMEETING" not in content
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "evidence")).scalar_one()
        assert event.user.email == users["viewer"] and "RESTRICTED" not in event.summary


def test_same_data_same_bytes_one_stored_pack_and_a_change_makes_a_new_one(app, client, users):
    with app.app_context():
        topic_id, _ = _world()
        db.session.commit()
    token = login(client, users["editor"])
    assert _generate(client, token, topic_id).status_code == 303
    first = _pdf_and_csv(app)
    assert _generate(client, token, topic_id).status_code == 302  # the stored pack, no job
    assert _pdf_and_csv(app) == first  # asked twice, stored once
    with app.app_context():
        assert db.session.execute(select(func.count()).where(AuditEvent.action == "evidence")).scalar_one() == 2
        # Rendered again from the same data (the stored copy set aside): the very same bytes.
        db.session.execute(Document.__table__.update().values(fingerprint=None))
        db.session.commit()
    assert _generate(client, token, topic_id).status_code == 303
    again = _pdf_and_csv(app)
    assert len(again) == 4 and again[2:] == first
    with app.app_context():
        point = db.session.execute(select(Input).where(Input.text == "Keep recovery stories")).scalar_one()
        point.text = "Keep recovery stories, with a helpline"
        db.session.commit()
    assert _generate(client, token, topic_id).status_code == 303
    changed = _pdf_and_csv(app)
    assert len(changed) == 6 and changed[4][1] != first[0][1] and changed[5][1] != first[1][1]
