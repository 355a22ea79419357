"""Briefing packs through the HTTP interface: structure, helplines, privacy, safety, storage."""

import hashlib
import re
from datetime import date

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.briefings.data import gather_briefing
from engage.briefings.models import Document
from engage.extensions import db
from tests.briefings import pdftools
from tests.briefings.helpers import make_pack
from tests.briefings.scenario import build
from tests.conftest import login
from tests.factories import (
    make_consultation,
    make_engagement,
    make_helpline,
    make_input,
    make_person,
    make_user,
    topic_by_slug,
)
from tests.sqlcount import count_statements


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _client_for(app, email):
    """A separate signed-in client (the test client keeps one session)."""
    other = app.test_client()
    login(other, email)
    return other


def _pack(client, engagement_id, tz=None):
    response = make_pack(client, engagement_id, tz)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    return response


def test_pack_is_tagged_with_bookmarks_that_land_on_their_sections(app, client, users):
    with app.app_context():
        engagement_id = build(4).id
        db.session.commit()
    login(client, users["editor"])
    pdf = _pack(client, engagement_id, tz="America/New_York").data

    info = pdftools.info(pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"].startswith("Briefing pack: Safer Internet Forum")
    assert all(" yes yes yes " in row for row in pdftools.fonts(pdf))

    bookmarks = pdftools.outline(pdf)
    titles = [t for _, t in bookmarks]
    for heading in ("Who will be there", "Logistics and agenda", "Participants", "Zoë Ødegård", "Helplines"):
        assert heading in titles
    assert titles.count("Likely questions") == 2  # on page one, and the chapter
    # Each bookmark lands on the page that holds its heading (page one is the briefing itself).
    pages = int(info["Pages"])
    assert len(bookmarks) >= 10, bookmarks
    for page, title in bookmarks:
        assert 1 <= page <= pages
        assert title in pdftools.text(pdf, page), (title, page)
    assert next(page for page, title in bookmarks if title == "Who will be there") == 1
    assert next(page for page, title in bookmarks if title == "Participants") > 1

    one = re.sub(r"\s+", " ", pdftools.text(pdf, 1))
    assert "09:00\N{EN DASH}11:00 GMT (Europe/London)" in one
    assert "04:00\N{EN DASH}06:00 EST (America/New_York)" in one
    assert "INTERNAL — CONFIDENTIAL" in one
    assert re.search(r"Page 2 of \d+ · data as of .* for Editor", pdftools.text(pdf, 2))


def test_suicide_topic_pack_in_gb_holds_gb_helplines_and_fallback(app, client, users):
    with app.app_context():
        engagement_id = build(1, country="GB").id
        db.session.commit()
    login(client, users["viewer"])
    text = pdftools.flat(_pack(client, engagement_id).data)
    assert "Listening Line UK" in text and "116123" in text
    assert "Youth Text Service" in text and "Stale" in text
    assert "International Crisis Directory" in text
    assert "Safe-messaging guidance" in text


def test_country_without_helplines_says_so_and_shows_the_fallback(app, client, users):
    with app.app_context():
        engagement_id = build(1, country="IS", topics=("disordered-eating",)).id
        db.session.commit()
    login(client, users["viewer"])
    text = pdftools.flat(_pack(client, engagement_id).data)
    assert "No verified helpline for Iceland is in the directory" in text
    assert "International Crisis Directory" in text
    assert "Listening Line UK" not in text


def test_no_helplines_section_for_other_topics(app, client, users):
    with app.app_context():
        engagement_id = make_engagement("Body image roundtable", topics=[topic_by_slug("body-image")]).id
        make_helpline("GB", "Listening Line UK")
        db.session.commit()
    login(client, users["viewer"])
    text = pdftools.flat(_pack(client, engagement_id).data)
    assert "Listening Line UK" not in text and "Safe-messaging guidance" not in text


def test_untrusted_content_causes_no_request_no_file_no_content(app, client, users, listener):
    port, hits = listener
    nasty = (
        f'<img src="http://127.0.0.1:{port}/x">\n\n'
        "[passwd](file:///etc/passwd) <a href='file:///etc/passwd'>raw</a>\n\n"
        '<link rel="attachment" href="file:///etc/hostname">\n\n'
        f"![x](http://127.0.0.1:{port}/md.png)\n\n"
        f'<iframe src="http://127.0.0.1:{port}/frame"></iframe>'
    )
    with app.app_context():
        person = make_person("Mallory Example", bio=nasty)
        engagement = make_engagement(
            participants=[person],
            key_messages=nasty,
            objectives=nasty,
            logistics=nasty,
            sensitivities=nasty,
            topics=[topic_by_slug("suicide-self-harm")],
        )
        engagement_id = engagement.id
        db.session.commit()
    login(client, users["admin"])
    pdf = _pack(client, engagement_id).data
    assert hits == []
    assert b"/EmbeddedFile" not in pdftools.raw_objects(pdf)
    text = pdftools.text(pdf)
    assert "root:" not in text
    assert "file:///etc/passwd" not in pdftools.raw_objects(pdf).decode("latin-1")


def _privacy_world():
    editor = make_user("editor", name="Owner Editor")
    other = make_user("editor", name="Other Editor")
    shown = make_person("Visible Expert", owner_id=editor.id, lived_experience="LIVEDSECRET history")
    hidden = make_person("Hiddenname Person", consent_internal=False, bio="HIDDENBIO")
    # A closed consultation of each kind, with a decided point: the restricted one is the owner's,
    # the confidential one is staffed by the other editor.
    for title, kind, staff, held_on, point, outcome in (
        ("RESTRICTEDTITLE", "restricted", editor, date(2026, 5, 1), "RESTRICTEDPOINT", "declined"),
        ("CONFIDENTIALTITLE", "confidential", other, date(2026, 4, 1), "CONFIDENTIALPOINT", "parked"),
    ):
        closed = make_consultation(title, confidentiality=kind, staff=[staff], people=[shown], held_on=held_on)
        make_input(closed, point, person=shown, decision={"outcome": outcome})
    normal = make_consultation("NORMALTITLE", people=[shown, hidden], held_on=date(2026, 3, 1))
    make_input(normal, "NORMALPOINT", person=shown)
    make_input(normal, "HIDDENPOINT", person=hidden, decision={"outcome": "declined"})
    engagement = make_engagement(participants=[shown, hidden])
    return engagement.id, editor.email, other.email


def test_privacy_follows_the_reader(app, client, users):
    with app.app_context():
        engagement_id, owner_email, other_email = _privacy_world()
        db.session.commit()

    login(client, users["viewer"])
    viewer = pdftools.flat(_pack(client, engagement_id).data)
    assert "NORMALPOINT" in viewer and "Visible Expert" in viewer
    secrets = ("LIVEDSECRET", "RESTRICTEDPOINT", "RESTRICTEDTITLE", "CONFIDENTIALPOINT", "CONFIDENTIALTITLE")
    for secret in (*secrets, "Hiddenname", "HIDDENBIO", "HIDDENPOINT"):
        assert secret not in viewer, secret
    assert "Participant (not named — consent)" in viewer
    assert "INTERNAL — CONFIDENTIAL" in viewer

    other = pdftools.flat(_pack(_client_for(app, other_email), engagement_id).data)
    assert "CONFIDENTIALPOINT" in other and "RESTRICTEDPOINT" not in other and "LIVEDSECRET" not in other

    owner = pdftools.flat(_pack(_client_for(app, owner_email), engagement_id).data)
    assert "RESTRICTEDPOINT" in owner and "LIVEDSECRET" in owner
    assert "RESTRICTED" in owner.split("Who will be there")[0]  # classification at the top of page one
    assert "Hiddenname" not in owner and "HIDDENBIO" not in owner


def test_pack_is_stored_with_its_hash_audited_and_downloadable_by_its_maker(app, client, users):
    with app.app_context():
        engagement_id = build(2).id
        db.session.commit()
    login(client, users["viewer"])
    response = _pack(client, engagement_id)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    with app.app_context():
        document = db.session.execute(select(Document)).scalar_one()
        assert document.kind == "briefing" and document.engagement_id == engagement_id
        assert document.sha256 == hashlib.sha256(response.data).hexdigest()
        assert document.size == len(response.data)
        assert document.params["reader_id"] == _user(users["viewer"]).id
        assert document.created_by.email == users["viewer"]
        assert (
            db.session.execute(
                select(func.count()).where(AuditEvent.action == "briefing", AuditEvent.record_id == engagement_id)
            ).scalar_one()
            == 1
        )
        document_id = document.id

    again = client.get(f"/documents/{document_id}")
    assert again.status_code == 200 and again.data == response.data

    # Someone else: the pack holds what the viewer could see, not theirs to take.
    assert _client_for(app, users["editor"]).get(f"/documents/{document_id}").status_code == 404
    assert _client_for(app, users["admin"]).get(f"/documents/{document_id}").data == response.data


def test_generate_button_and_panel(app, client, users):
    with app.app_context():
        engagement = build(1)
        engagement.key_messages = "He committed suicide after a failed attempt."
        engagement_id = engagement.id
        db.session.commit()
    token = login(client, users["editor"])
    page = client.get(f"/engagements/{engagement_id}/briefing").get_data(as_text=True)
    assert "committed suicide" in page and "died by suicide" in page
    assert "You have no pack for this engagement yet" in page

    response = client.post(f"/engagements/{engagement_id}/briefing", data={"csrf_token": token, "tz": "Asia/Tokyo"})
    assert response.status_code == 302
    page = client.get(f"/engagements/{engagement_id}/briefing").get_data(as_text=True)
    with app.app_context():
        document = db.session.execute(select(Document)).scalar_one()
        assert document.params["reader_zone"] == "Asia/Tokyo"
        assert document.sha256 in page
    pdf = client.get(f"/documents/{document.id}").data
    text = pdftools.flat(pdf)
    assert "(Asia/Tokyo)" in text
    assert "Appendix: safe-messaging check" in text and "committed suicide" in text


def test_bad_time_zone_is_refused_and_nothing_is_written(app, client, users):
    with app.app_context():
        engagement_id = build(1).id
        db.session.commit()
    token = login(client, users["editor"])
    response = client.post(f"/engagements/{engagement_id}/briefing", data={"csrf_token": token, "tz": "Mars/Olympus"})
    assert response.status_code == 400
    assert "is not an IANA time zone" in response.get_data(as_text=True)
    assert client.get(f"/engagements/{engagement_id}/briefing.pdf?tz=Nowhere").status_code == 400
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Document)).scalar_one() == 0


def test_unknown_engagement_is_404(client, users):
    login(client, users["viewer"])
    assert client.get("/engagements/999/briefing.pdf").status_code == 404
    assert client.get("/engagements/999/briefing").status_code == 404
    assert client.get("/documents/999").status_code == 404


def test_gathering_runs_a_constant_number_of_statements(app):
    with app.app_context():
        small = build(2).id
        db.session.commit()
    with app.app_context():
        large = build(12, staff=make_user("editor"), policy_code="MH-OTHER", helplines=False).id
        reader = make_user("admin")
        db.session.commit()
        reader_id = reader.id
    counts = []
    for engagement_id in (small, large):
        with app.app_context():
            reader = db.session.get(User, reader_id)
            with count_statements(app) as counter:
                data = gather_briefing(engagement_id, reader)
            assert data.participants
            counts.append(counter.n)
    assert counts[0] == counts[1], counts


def test_cli_writes_the_pack(app, users, tmp_path):
    with app.app_context():
        engagement_id = build(1).id
        db.session.commit()
    out = tmp_path / "pack.pdf"
    result = app.test_cli_runner().invoke(
        args=["engage", "briefing", str(engagement_id), "-o", str(out), "--reader", users["viewer"]]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    with app.app_context():
        document = db.session.execute(select(Document)).scalar_one()
        assert document.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    missing = app.test_cli_runner().invoke(args=["engage", "briefing", "999", "-o", str(out)])
    assert missing.exit_code == 1 and "No engagement 999" in missing.output
