"""Invitation updates in order (RFC 5546): older ones and revivals of a cancellation are refused."""

import io
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.engagements.invites import parse
from engage.engagements.models import Engagement
from engage.extensions import db

SAMPLES = os.path.join(os.path.dirname(__file__), "samples")
TITLE = "Youth Safety Council – spring session"
OLDER = "older than the one already imported"
REVIVES_THE_CANCEL = "has been cancelled, and this invitation is not a newer one"


def _sample(name: str) -> bytes:
    with open(os.path.join(SAMPLES, name), "rb") as handle:
        return handle.read()


def _version(name: str, sequence: int, stamp: str = "", start: str = "") -> bytes:
    """The sample as the organiser's client would have sent it at another SEQUENCE (and DTSTAMP)."""
    data = _sample(name)
    for line in data.splitlines():
        if line.startswith((b"SEQUENCE:", b"X-MICROSOFT-CDO-APPT-SEQUENCE:")):
            data = data.replace(line, line.split(b":")[0] + b":" + str(sequence).encode())
        elif line.startswith(b"DTSTAMP:") and stamp:
            data = data.replace(line, b"DTSTAMP:" + stamp.encode())
        elif line.startswith(b"DTSTART;TZID=W. Europe Standard Time:") and start:
            data = data.replace(line, b"DTSTART;TZID=W. Europe Standard Time:" + start.encode())
    return data


def _upload(client, token, data: bytes, **extra):
    return client.post(
        "/engagements/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "invite.ics"), **extra},
        content_type="multipart/form-data",
    )


def _state(app) -> tuple:
    """Everything an import may write: the engagement's fields and the audit log's size."""
    with app.app_context():
        e = db.session.execute(select(Engagement)).scalar_one()
        audit = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
        return (e.title, e.status, e.starts_at, e.logistics, e.sequence, e.invite_sequence, e.version, audit)


def _refused(app, client, token, data: bytes, message: str) -> None:
    """Refused on the import page, previewed or straight away, with `message`, and nothing written."""
    before = _state(app)
    for extra in ({}, {"direct": "1"}):
        response = _upload(client, token, data, **extra)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert message in html and "Nothing was imported." in html
        assert "Import an invitation" in html  # the import page, not an error page
    assert _state(app) == before


def test_an_older_invitation_over_a_newer_one_is_refused(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302  # SEQUENCE:2
    older = _version("outlook.ics", 1, stamp="20260220T080000Z", start="20260330T090000")
    _refused(app, client, token, older, f"This invitation for “{TITLE}” is {OLDER}")
    # The same SEQUENCE sent earlier (DTSTAMP before the one applied) is older too.
    _refused(app, client, token, _version("outlook.ics", 2, stamp="20260228T080000Z"), OLDER)


def test_edits_in_engage_do_not_make_the_organisers_next_update_look_old(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302  # re-imported
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert engagement.sequence > 3  # Engage's own SEQUENCE has moved past the organiser's
    newer = _version("outlook.ics", 3, stamp="20260305T080000Z", start="20260330T110000")
    assert _upload(client, token, newer, direct="1").status_code == 302
    with app.app_context():
        assert db.session.execute(select(Engagement.starts_at)).scalar_one() == datetime(2026, 3, 30, 9, tzinfo=UTC)


@pytest.mark.parametrize("prefix", ["Canceled: ", "Cancelled: ", "Abgesagt: ", "Annulé : "])
def test_a_cancellation_keeps_the_title_and_sets_the_status(app, client, as_role, prefix):
    token = as_role("editor")
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302
    cancel = _sample("outlook_cancel.ics").replace(b"Canceled: ", prefix.encode())
    assert parse(cancel)[0].title == TITLE
    preview = _upload(client, token, cancel)
    assert preview.status_code == 200 and prefix.strip() not in preview.get_data(as_text=True)
    assert ">Cancellation</span>" in preview.get_data(as_text=True)
    assert _upload(client, token, cancel, direct="1").status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert (engagement.title, engagement.status) == (TITLE, "cancelled")
        assert engagement.logistics.startswith("Dear all, please find the agenda below.")  # not the cancel note
        assert engagement.starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
        assert engagement.invite_sequence == 3


def test_status_cancelled_without_method_cancel_is_a_cancellation_too(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("google.ics"), direct="1").status_code == 302
    cancel = (
        _sample("google.ics")
        .replace(b"METHOD:REQUEST", b"METHOD:PUBLISH")
        .replace(b"STATUS:CONFIRMED", b"STATUS:CANCELLED")
        .replace(b"SUMMARY:ED", b"SUMMARY:Cancelled event: ED")
        .replace(b"SEQUENCE:0", b"SEQUENCE:1")
    )
    assert _upload(client, token, cancel, direct="1").status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert (engagement.title, engagement.status) == ("ED roundtable (NYC partners)", "cancelled")


def test_an_update_over_a_cancellation_is_refused(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302
    assert _upload(client, token, _sample("outlook_cancel.ics"), direct="1").status_code == 302  # SEQUENCE:3
    # The invitation from before the cancellation, imported again.
    _refused(app, client, token, _sample("outlook.ics"), OLDER)
    # Same SEQUENCE as the cancellation, even sent after it: not a re-invitation.
    same = _version("outlook.ics", 3, stamp="20260321T090000Z")
    _refused(app, client, token, same, f"“{TITLE}” {REVIVES_THE_CANCEL}")
    # The cancellation itself again is harmless.
    assert _upload(client, token, _sample("outlook_cancel.ics"), direct="1").status_code == 302


def test_reimporting_the_invitation_does_not_undo_a_cancellation_made_in_engage(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302
    with app.app_context():
        db.session.execute(select(Engagement)).scalar_one().status = "cancelled"
        db.session.commit()
    _refused(app, client, token, _sample("outlook.ics"), REVIVES_THE_CANCEL)


def test_a_newer_update_applies(app, client, as_role):
    token = as_role("editor")
    assert _upload(client, token, _sample("outlook.ics"), direct="1").status_code == 302
    # Same SEQUENCE, later DTSTAMP: may apply.
    later = _version("outlook.ics", 2, stamp="20260302T080000Z", start="20260330T103000")
    assert _upload(client, token, later, direct="1").status_code == 302
    with app.app_context():
        assert db.session.execute(select(Engagement.starts_at)).scalar_one() == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert _upload(client, token, _sample("outlook_cancel.ics"), direct="1").status_code == 302
    # The organiser re-invites after cancelling, with a higher SEQUENCE: the engagement comes back.
    again = _version("outlook.ics", 4, stamp="20260325T080000Z", start="20260331T100000")
    assert _upload(client, token, again, direct="1").status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert (engagement.title, engagement.status) == (TITLE, "confirmed")
        assert engagement.starts_at == datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
        assert (engagement.invite_sequence, engagement.invite_stamp) == (4, datetime(2026, 3, 25, 8, tzinfo=UTC))


def test_a_cancellation_of_an_unknown_engagement_is_refused(app, client, as_role):
    token = as_role("editor")
    response = _upload(client, token, _sample("outlook_cancel.ics"), direct="1")
    assert response.status_code == 400
    assert f"“{TITLE}” is a cancellation of an engagement that is not in Engage" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(Engagement.id))).scalar_one() == 0
