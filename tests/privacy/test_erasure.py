"""Erasure (issue 18, acceptance 6): after it, the person's name, emails, phones and bio appear
nowhere — pages, search, feeds, stored PDFs, audit details — while the clause pages and evidence
packs still count their points under the pseudonym. Runs on SQLite and PostgreSQL."""

import json
import os
import urllib.parse
from datetime import date

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.audit.services import Actor
from engage.auth.models import User
from engage.briefings import services as briefings
from engage.briefings.models import Document
from engage.documents.models import Note
from engage.engagements.models import EventCache
from engage.extensions import db
from engage.people import privacy
from engage.people.models import ErasedEmail, Person, PersonPhone
from tests.briefings.pdftools import flat
from tests.factories import (
    make_consultation,
    make_engagement,
    make_input,
    make_person,
    make_policy,
    make_version,
    topic_by_slug,
)

NAME = "Zoë Quartermaine-Ålund"
EMAIL = "zoe.quartermaine@expert.example"
PHONE = "+447700900123"
BIO = "Leads the Halcyon youth listening project."
SECRETS = (NAME, "Quartermaine", EMAIL, PHONE, "7700 900123", "7700900123", BIO, "Halcyon")


def _world(app, users) -> dict:
    """A person with a point that changed a clause, an engagement, a letter, a briefing pack, an
    evidence pack, a cached feed event and audit entries naming them."""
    with app.app_context():
        admin = db.session.execute(select(User).where(User.email == users["admin"])).scalar_one()
        topic = topic_by_slug("body-image")
        policy = make_policy("MH-BI")
        version = make_version(policy, "v2", clauses={"MH-BI 1.1": "Clause text."}, effective_on=date(2026, 3, 1))
        clause = version.clauses[0]
        person = make_person(
            NAME, email=EMAIL, bio=BIO, consent_regulator=True, consent_public=True, links=["https://halcyon.example"]
        )
        person.phones.append(PersonPhone(number=PHONE))
        consultation = make_consultation(
            "Roundtable with Zoë Quartermaine-Ålund", people=[person], topics=[topic], held_on=date(2026, 2, 1)
        )
        point = make_input(
            consultation,
            "Filters should say when they reshape a face.",
            person=person,
            topic_id=topic.id,
            clause=clause,
            decision={
                "outcome": "adopted",
                "rationale": "As Zoë Quartermaine-Ålund said.",
                "clause_id": clause.id,
                "policy_version_id": version.id,
                "decided_on": date(2026, 2, 10),
            },
        )
        engagement = make_engagement("Panel", participants=[person], topics=[topic], speakers=[admin])
        written = _written_about(person, consultation, admin)
        db.session.commit()
        actor = Actor(admin)
        letter = briefings.generate_letter(actor, person.id, date(2026, 1, 1), date(2026, 12, 31))
        pack = briefings.generate_briefing(actor, engagement.id)
        evidence_pdf, evidence_csv = briefings.generate_evidence(actor, topic.id, date(2026, 1, 1), date(2026, 12, 31))
        db.session.commit()
        assert NAME in flat(letter.content) and NAME in flat(pack.content) and NAME in flat(evidence_pdf.content)
        admin.feed_scope = "team"
        db.session.commit()
        return {
            "person": person.id,
            "consultation": consultation.id,
            "engagement": engagement.id,
            "clause": clause.id,
            "topic": topic.id,
            "point": point.id,
            "token": admin.feed_token,
            "documents": [letter.id, pack.id, evidence_pdf.id, evidence_csv.id],
        } | written


def _written_about(person, consultation, admin) -> dict:
    """Written input naming the person (issue 12): a note and a document on them, a note on the consultation."""
    from engage.documents import store
    from engage.documents.models import Attachment, Note

    text = f"Submission by {NAME}, {EMAIL}".encode()
    own = Attachment(
        person_id=person.id,
        filename="submission.txt",
        sha256=store.put(text),
        size=len(text),
        file_type="text",
        text=text.decode(),
        added_by_id=admin.id,
    )
    notes = [
        Note(person_id=person.id, body=f"Called {NAME} about Halcyon", author_id=admin.id),
        Note(consultation_id=consultation.id, body=f"{NAME} will send evidence", author_id=admin.id),
    ]
    db.session.add_all([own, *notes])
    db.session.flush()
    return {"written_file": store.path_of(own.sha256), "shared_note": notes[1].id}


def _pages(client, w) -> dict[str, str]:
    paths = [
        f"/people/{w['person']}",
        f"/people/{w['person']}/edit",
        f"/people/{w['person']}/privacy",
        f"/people/{w['person']}/letters",
        f"/people?q={EMAIL}",
        "/people?archived=1",
        f"/consultations/{w['consultation']}",
        f"/engagements/{w['engagement']}",
        f"/engagements/{w['engagement']}/briefing",
        f"/engagements/{w['engagement']}.ics",
        f"/clauses/{w['clause']}",
        f"/calendar/{w['token']}.ics",
        "/admin/audit",
        "/search?q=Quartermaine",
        f"/search?q={EMAIL}",
    ]
    pages = {}
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        if "q=" in path:  # a search box (and the saved-view form) shows back what was typed: not the record
            typed = path.split("q=")[1]
            html = html.replace(typed, "").replace(urllib.parse.quote(typed, safe=""), "")
        pages[path] = html
    return pages


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in SECRETS if s.lower() in lowered or json.dumps(s)[1:-1].lower() in lowered]


def test_after_erasure_nothing_names_the_person_and_the_points_still_count(app, client, users, as_role):
    w = _world(app, users)
    token = as_role("admin")
    before = _pages(client, w)
    assert _leaks(before[f"/people/{w['person']}"]) and _leaks(before[f"/calendar/{w['token']}.ics"])
    with app.app_context():
        assert db.session.execute(select(EventCache)).first() is not None  # the feed was cached

    reason = f"Erasure request 2026-114 from {NAME}"
    response = client.post(f"/people/{w['person']}/privacy/erase", data={"csrf_token": token, "reason": reason})
    assert response.status_code == 302

    with app.app_context():
        person = db.session.get(Person, w["person"])
        label = privacy.pseudonym(person.id)
        assert person.name == label and person.erased_at is not None
        assert person.emails == [] and person.phones == [] and person.bio == "" and person.links == []
        # Pages, search and feeds.
        for path, html in _pages(client, w).items():
            assert not _leaks(html), (path, _leaks(html))
        # Stored documents: withdrawn, their text read back.
        for document in db.session.execute(select(Document).where(Document.id.in_(w["documents"]))).scalars():
            text = flat(document.content) if document.mimetype == "application/pdf" else document.content.decode()
            assert not _leaks(text), (document.filename, _leaks(text))
            assert document.params["withdrawn_at"]
        for row in db.session.execute(select(EventCache)).scalars():
            assert not _leaks(row.body.decode()), row.uid
        # The audit log: the erasure, by whom and why; none of the erased values.
        events = list(db.session.execute(select(AuditEvent)).scalars())
        for event in events:
            assert not _leaks(event.summary + json.dumps(event.changes)), (event.action, event.summary)
        erase = next(e for e in events if e.action == "erase")
        assert (
            erase.changes["details"]["erased_by"] and "Erasure request 2026-114" in erase.changes["details"]["reason"]
        )
        assert set(erase.changes["details"]["documents_withdrawn"]) == set(w["documents"])
        # Written input: the person's own document and note are gone (the file too), the shared note scrubbed.
        assert (erase.changes["details"]["documents_removed"], erase.changes["details"]["notes_removed"]) == (1, 1)
        assert not os.path.exists(w["written_file"])
        assert db.session.get(Note, w["shared_note"]).body == f"{label} will send evidence"
        # An old import would be warned about the address, in any case.
        assert privacy.erased_email_fingerprints([EMAIL.upper(), "new@example.org"]) == {EMAIL.upper()}
        assert db.session.execute(select(ErasedEmail)).scalars().all()

        # The policy history stands under the pseudonym.
        clause_page = client.get(f"/clauses/{w['clause']}").get_data(as_text=True)
        assert label in clause_page and "Filters should say when they reshape a face." in clause_page
        fresh_pdf, _ = briefings.generate_evidence(
            Actor(db.session.get(User, erase.user_id)), w["topic"], date(2026, 1, 1), date(2026, 12, 31)
        )
        assert fresh_pdf.params["inputs"] == 1
        text = flat(fresh_pdf.content)
        assert "Expert A" in text and not _leaks(text)


def test_erasure_needs_a_reason_and_changes_nothing_without_one(app, client, users, as_role):
    with app.app_context():
        person_id = make_person(NAME, email=EMAIL).id
        db.session.commit()
    token = as_role("admin")
    response = client.post(f"/people/{person_id}/privacy/erase", data={"csrf_token": token, "reason": "  "})
    assert response.status_code == 400
    assert "Say why this person is erased" in response.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person.name == NAME and person.erased_at is None and person.emails
        assert db.session.execute(select(ErasedEmail)).first() is None
    client.post(f"/people/{person_id}/privacy/erase", data={"csrf_token": token, "reason": "Request 7"})
    again = client.post(f"/people/{person_id}/privacy/erase", data={"csrf_token": token, "reason": "Request 7"})
    assert again.status_code == 400 and "Erased on" in again.get_data(as_text=True)


def test_only_admins_reach_the_privacy_page_export_and_erasure(app, client, users, as_role):
    with app.app_context():
        person_id = make_person(NAME, email=EMAIL).id
        db.session.commit()
    token = as_role("editor")
    for path in (f"/people/{person_id}/privacy", f"/people/{person_id}/privacy/export.zip"):
        assert client.get(path).status_code == 403
    response = client.post(f"/people/{person_id}/privacy/erase", data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Person, person_id).erased_at is None
    assert "/privacy" not in client.get(f"/people/{person_id}").get_data(as_text=True)


def test_erasure_deletes_other_users_pending_drafts_that_hold_the_address(app, users):
    from engage.documents import store
    from engage.inbox.models import EmailDraft

    def mail(sender: str) -> bytes:
        return f"From: {sender}\r\nTo: log@localhost\r\nSubject: Hello\r\n\r\nHi.\r\n".encode()

    with app.app_context():
        editor = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        person = make_person(NAME, email=EMAIL)
        naming = store.put(mail(f"Zoe <{EMAIL.upper()}>"))  # any case
        other = store.put(mail("someone@else.example"))
        for sha in (naming, other):
            db.session.add(EmailDraft(user_id=editor.id, sha256=sha, subject="Hello"))
        db.session.commit()
        admin = db.session.execute(select(User).where(User.email == users["admin"])).scalar_one()
        privacy.erase_person(Actor(admin), person, "Request 2026-7")
        db.session.commit()
        left = db.session.execute(select(EmailDraft.sha256)).scalars().all()
        assert left == [other]
        assert not os.path.exists(store.path_of(naming)) and os.path.exists(store.path_of(other))
        erase = db.session.execute(select(AuditEvent).where(AuditEvent.action == "erase")).scalar_one()
        assert '"email_drafts_removed": 1' in json.dumps(erase.changes)
