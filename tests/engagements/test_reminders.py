"""`flask engage send-reminders`: each reminder once, with the .ics attached."""

import email
import os
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from engage.consultations.models import Commitment
from engage.engagements.models import ReminderSent
from engage.extensions import db
from tests.engagements.helpers import read_icaljs
from tests.factories import make_engagement, make_user


def _outbox(app) -> list[str]:
    folder = os.path.join(app.instance_path, "outbox")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_send_reminders_twice_sends_each_once(app):
    now = datetime.now(UTC)
    with app.app_context():
        speaker = make_user(role="editor", email="speaker@test.example")
        second = make_user(role="viewer", email="second@test.example")
        gone = make_user(role="viewer", active=False)
        soon = make_engagement(
            title="Soon, panel; 🎤",
            speakers=[speaker, second, gone],
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=2),
            timezone="Asia/Kolkata",
        )
        make_engagement(
            title="Later",
            speakers=[speaker],
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=10, hours=1),
        )
        make_engagement(
            title="Cancelled",
            status="cancelled",
            speakers=[speaker],
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=1),
        )
        db.session.add_all(
            [
                Commitment(
                    description="Send the report",
                    assignee_id=speaker.id,
                    due_on=date.today() + timedelta(days=1),
                ),
                Commitment(description="Done already", assignee_id=speaker.id, due_on=date.today(), status="done"),
                Commitment(description="Far away", assignee_id=speaker.id, due_on=date.today() + timedelta(days=30)),
            ]
        )
        db.session.commit()
        soon_id, soon_uid = soon.id, soon.uid
    runner = app.test_cli_runner()
    first = runner.invoke(args=["engage", "send-reminders"])
    assert first.exit_code == 0, first.output
    assert "3 reminders sent." in first.output
    files = _outbox(app)
    assert len(files) == 3
    second_run = runner.invoke(args=["engage", "send-reminders"])
    assert second_run.exit_code == 0 and "0 reminders sent." in second_run.output
    assert _outbox(app) == files
    with app.app_context():
        assert db.session.execute(select(func.count(ReminderSent.id))).scalar_one() == 3
    messages = []
    for name in files:
        with open(os.path.join(app.instance_path, "outbox", name), "rb") as handle:
            messages.append(email.message_from_bytes(handle.read(), policy=email.policy.default))
    for m in messages:  # what a mail client sorts and threads by
        assert abs(m["Date"].datetime - now) < timedelta(minutes=5)
        assert re.fullmatch(r"<[^@>]+@example\.org>", m["Message-ID"])
    engagement_mails = [m for m in messages if "Soon" in m["Subject"]]
    assert sorted(m["To"] for m in engagement_mails) == ["second@test.example", "speaker@test.example"]
    mail = engagement_mails[0]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"/engagements/{soon_id}/briefing.pdf" in body and "Asia/Kolkata" in body
    assert f"/engagements/{soon_id}/briefing\n" in body  # the phone briefing too
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    (event,) = read_icaljs(attachment.get_payload(decode=True))
    assert event["uid"] == soon_uid and event["summary"] == "Soon, panel; 🎤"
    assert any("Send the report" in m.get_body().get_content() for m in messages)
