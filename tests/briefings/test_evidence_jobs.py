"""Evidence packs in the background (issue 10): a scope fingerprint checked before gathering, one
pack per scope however often it is asked for, a progress page only its requester and admins
see, errors shown on it, and a clause-change table that follows the version diff."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, select

from engage.auth.models import User
from engage.briefings import jobs
from engage.briefings.evidence_service import evidence_fingerprint
from engage.briefings.models import Document, DocumentJob
from engage.extensions import db
from engage.topics.models import Topic
from tests import factories
from tests.briefings import pdftools
from tests.briefings.helpers import ask_evidence
from tests.conftest import login

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def _world() -> int:
    topic = factories.topic_by_slug("suicide-self-harm")
    person = factories.make_person("Jobworld Expert")
    meeting = factories.make_consultation("Job meeting", people=[person], topics=[topic], held_on=date(2026, 3, 1))
    for n in range(3):
        factories.make_input(meeting, f"JOBPOINT {n}", person=person, topic_id=topic.id)
    return topic.id


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _statements(app):
    """The SQL statements run while the block runs (a listener on the real engine)."""
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    return seen, lambda: event.remove(engine, "before_cursor_execute", listen)


def test_an_unchanged_scope_reuses_the_stored_pack_without_reading_a_point(app, client, users):
    with app.app_context():
        topic_id = _world()
        db.session.commit()
    token = login(client, users["editor"])
    first = ask_evidence(client, {"csrf_token": token, "topic": str(topic_id), **PERIOD})
    assert first.status_code == 303 and "/evidence/jobs/" in first.headers["Location"]
    seen, stop = _statements(app)
    try:
        again = ask_evidence(client, {"csrf_token": token, "topic": str(topic_id), **PERIOD})
    finally:
        stop()
    assert again.status_code == 302 and "made=" in again.headers["Location"]
    # Aggregates only: no statement read a point's text, and a small fixed number of statements.
    assert not [s for s in seen if "inputs.text" in s], [s for s in seen if "inputs.text" in s][:1]
    assert len(seen) < 40, len(seen)
    with app.app_context():
        assert _count(Document) == 2 and _count(DocumentJob) == 1


def test_asking_twice_while_it_runs_or_after_leaving_gives_one_pack(app, client, users):
    with app.app_context():
        topic_id = _world()
        db.session.commit()
    token = login(client, users["editor"])
    data = {"csrf_token": token, "topic": str(topic_id), **PERIOD}
    # The user gives up on the first request and asks again at once: both end at the one pack.
    first = client.post("/evidence", data=data)
    second = client.post("/evidence", data=data)
    assert first.status_code == 303
    assert second.status_code in (302, 303)
    if second.status_code == 303:
        assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert _count(Document) == 2 and _count(DocumentJob) == 1

    # A job still running for the same scope is handed back, not started again.
    with app.app_context():
        editor = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        db.session.execute(DocumentJob.__table__.update().values(pdf_document_id=None, csv_document_id=None))
        db.session.execute(Document.__table__.delete())
        topic = db.session.get(Topic, topic_id)
        print_ = evidence_fingerprint(topic, date(2026, 1, 1), date(2026, 12, 31), editor, date.today())
        running = DocumentJob(status="running", step=1, fingerprint=print_, requested_by_id=editor.id, scope={})
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    third = ask_evidence(client, data)
    assert third.status_code == 303 and third.headers["Location"].endswith(f"/evidence/jobs/{running_id}")
    with app.app_context():
        assert _count(Document) == 0 and _count(DocumentJob) == 2

    # One whose worker died (nothing reported for an hour) is marked failed, and a new job makes the pack.
    with app.app_context():
        an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
        db.session.execute(
            DocumentJob.__table__.update().where(DocumentJob.id == running_id).values(updated_at=an_hour_ago)
        )
        db.session.commit()
    fourth = ask_evidence(client, data)
    assert fourth.status_code == 303 and not fourth.headers["Location"].endswith(f"/evidence/jobs/{running_id}")
    with app.app_context():
        assert db.session.get(DocumentJob, running_id).status == "failed"
        assert _count(Document) == 2 and _count(DocumentJob) == 3


def test_the_progress_page_polls_then_links_the_files_for_its_requester_and_admins_only(app, client, users):
    with app.app_context():
        topic_id = _world()
        other = factories.make_user("editor")
        other_email = other.email
        db.session.commit()
    token = login(client, users["viewer"])
    location = ask_evidence(client, {"csrf_token": token, "topic": str(topic_id), **PERIOD}).headers["Location"]
    page = client.get(location)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Download the PDF" in body and "every 1s" not in body
    with app.app_context():
        job = db.session.execute(select(DocumentJob)).scalar_one()
        pdf = db.session.get(Document, job.pdf_document_id)
        assert pdf.sha256 in body and "JOBPOINT 0" in pdftools.flat(pdf.content)
        job.status, job.step = "running", 2  # as the page looks while the worker is on step 3
        db.session.commit()
    polling = client.get(location, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in polling and "step 3 of 4" in polling and "<html" not in polling

    for email, expected in ((other_email, 404), (users["editor"], 404), (users["admin"], 200)):
        reader = app.test_client()
        login(reader, email)
        assert reader.get(location).status_code == expected, email
    assert app.test_client().get(location).status_code == 302  # signed out: to the sign-in page


def test_a_failed_job_says_so_on_its_page_never_a_500(app, client, users):
    with app.app_context():
        user = factories.make_user("editor")
        job = DocumentJob(fingerprint="x" * 64, requested_by_id=user.id, scope={"topic_id": 999999})
        db.session.add(job)
        db.session.commit()
        job_id, email = job.id, user.email
    with app.app_context():
        jobs.make_evidence_pack(job_id)  # the real task, on a scope whose topic no longer exists
    login(client, email)
    page = client.get(f"/evidence/jobs/{job_id}")
    assert page.status_code == 200
    assert "could not be made" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DocumentJob, job_id).status == "failed" and _count(Document) == 0


def test_the_clause_table_lists_only_clauses_their_version_changed(app, client, users):
    with app.app_context():
        topic = factories.topic_by_slug("suicide-self-harm")
        policy = factories.make_policy(code="MH-DIF", topic_id=topic.id)
        factories.make_version(
            policy, "v1", {"MH-DIF 1": "Same words.", "MH-DIF 2": "Old words."}, effective_on=date(2025, 1, 1)
        )
        v2 = factories.make_version(
            policy, "v2", {"MH-DIF 1": "Same words.", "MH-DIF 2": "New words."}, effective_on=date(2026, 2, 1)
        )
        same, changed = v2.clauses
        meeting = factories.make_consultation("Diff meeting", topics=[topic], held_on=date(2026, 3, 1))
        for text, clause in (("ONUNCHANGED", same), ("ONCHANGED", changed)):
            decision = {"outcome": "adopted", "policy_version_id": v2.id, "clause_id": clause.id}
            factories.make_input(meeting, text, decision=decision, topic_id=topic.id)
        db.session.commit()
        topic_id = topic.id
    token = login(client, users["editor"])
    assert ask_evidence(client, {"csrf_token": token, "topic": str(topic_id), **PERIOD}).status_code == 303
    with app.app_context():
        pdf = db.session.execute(select(Document).where(Document.kind == "evidence_pdf")).scalar_one().content
    changes = pdftools.flat(pdf).split("Resulting clause changes")[1].split("Policies on this topic")[0]
    assert "MH-DIF v2 MH-DIF 2 1" in changes
    assert "MH-DIF 1 " not in changes.replace("MH-DIF v2 MH-DIF 2 1", "")
