"""Importing invitations from Outlook, Google and Apple: preview, confirm, match by UID."""

import io
import os
from datetime import UTC, datetime

from sqlalchemy import func, select

from engage.engagements.models import Engagement
from engage.extensions import db
from tests.factories import make_person, make_user

SAMPLES = os.path.join(os.path.dirname(__file__), "samples")


def _sample(name: str) -> bytes:
    with open(os.path.join(SAMPLES, name), "rb") as handle:
        return handle.read()


def _upload(client, token, data: bytes, filename="invite.ics", **extra):
    return client.post(
        "/engagements/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename), **extra},
        content_type="multipart/form-data",
    )


def _count(app):
    with app.app_context():
        return db.session.execute(select(func.count(Engagement.id))).scalar_one()


def test_outlook_invite_preview_then_confirm(app, client, as_role):
    with app.app_context():
        make_person(name="Ana Costa", email="ana.costa@uni.example")
        make_user(role="editor", email="alex@engage.example", name="Alex Speaker")
        db.session.commit()
    token = as_role("editor")
    preview = _upload(client, token, _sample("outlook.ics"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Youth Safety Council" in html and "Windows zone" in html and "Europe/Berlin" in html
    assert _count(app) == 0  # nothing saved by a preview
    ics = html.split('name="ics" type="hidden" value="')[1].split('"')[0]
    confirm = client.post("/engagements/import", data={"csrf_token": token, "ics": ics, "confirm": "1"})
    assert confirm.status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert engagement.uid.startswith("040000008200E000")
        assert engagement.starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
        assert engagement.timezone == "Europe/Berlin"
        assert engagement.sequence >= 2
        assert [s.email for s in engagement.speakers] == ["alex@engage.example"]
        assert [(p.person.name, p.rsvp) for p in engagement.participants] == [("Ana Costa", "accepted")]
        assert "Résidence Palace" in engagement.venue


def test_reimport_updates_the_engagement_matched_by_uid(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("google.ics"), direct="1").status_code == 302
    changed = (
        _sample("google.ics")
        .replace(b"DTSTART:20261030T130000Z", b"DTSTART:20261030T140000Z")
        .replace(b"DTEND:20261030T143000Z", b"DTEND:20261030T153000Z")
    )
    response = _upload(client, token, changed, direct="1")
    assert response.status_code == 302
    assert "0 new, 1 updated" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert engagement.starts_at == datetime(2026, 10, 30, 14, 0, tzinfo=UTC)
        assert engagement.virtual_link == "https://meet.google.com/abc-defg-hij"
        assert engagement.sequence == 1


def test_apple_invite_keeps_its_zone(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("apple.ics"), direct="1").status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert engagement.timezone == "Australia/Lord_Howe"
        assert engagement.starts_at == datetime(2026, 1, 14, 22, 0, tzinfo=UTC)


def test_files_that_are_not_invitations_get_a_clear_400(app, client, as_role):
    token = as_role("editor")
    cases = {
        b"": "Choose an .ics file",
        b"Name,Email\nAna,ana@x\n": "not an iCalendar file",
        bytes(range(256)) * 10: "not an iCalendar file",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n": "no event",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n": "Event 1",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:no uid\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n": "no UID",
    }
    for data, message in cases.items():
        response = (
            _upload(client, token, data)
            if data
            else client.post("/engagements/import", data={"csrf_token": token}, content_type="multipart/form-data")
        )
        assert response.status_code == 400, data[:40]
        assert message in response.get_data(as_text=True), message
    response = client.post("/engagements/import", data={"csrf_token": token, "ics": "%%%not-base64", "confirm": "1"})
    assert response.status_code == 400
    assert _count(app) == 0
