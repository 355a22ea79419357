"""`flask engage send-reminders --digest`: each policy owner their policy-cycle alerts, once a week,
counted as the owner may see them."""

import email
import email.policy
import os
import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from engage.engagements.models import ReminderSent
from engage.extensions import db
from tests.factories import (
    make_consultation,
    make_input,
    make_person,
    make_policy,
    make_topic,
    make_user,
    make_version,
)


def _mails(app) -> list:
    folder = os.path.join(app.instance_path, "outbox")
    found = []
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), "rb") as handle:
            found.append(email.message_from_bytes(handle.read(), policy=email.policy.default))
    return found


def test_digest_mails_each_owner_their_alerts_once_a_week(app):
    today = date.today()
    review_on = today + timedelta(days=45)
    with app.app_context():
        owner = make_user(role="viewer", email="owner@test.example", name="Olu Owner")
        other_owner = make_user(role="editor", email="other@test.example")
        staffer = make_user(role="editor", email="staffer@test.example")
        make_user(role="editor", email="bystander@test.example")
        topic = make_topic(name="Disordered eating")
        policy = make_policy(code="MH-ED", owner_id=owner.id, topic_id=topic.id, next_review_on=review_on)
        version = make_version(policy, label="v3.0", effective_on=today - timedelta(days=200))
        make_policy(code="MH-LATER", owner_id=other_owner.id, next_review_on=today + timedelta(days=200))
        long_ago = today - timedelta(days=400)
        lapsed = [make_person(country="GB", last_interaction_on=long_ago) for _ in range(3)]
        recent = make_person(country="GB", last_interaction_on=today - timedelta(days=10))
        brazil = make_person(country="BR", topics=[topic])  # in the directory on the topic, never consulted on it
        old = make_consultation(people=[*lapsed, recent], topics=[topic], held_on=today - timedelta(days=300))
        for person in [*lapsed, recent]:
            make_input(old, person=person, decision={"outcome": "adopted", "policy_version_id": version.id})
        # A restricted consultation the owner (a viewer) may not see: its expert must not be counted.
        secret = make_consultation(
            confidentiality="restricted", staff=[staffer], people=[brazil], topics=[topic], held_on=today
        )
        make_input(
            secret, person=make_person(country="GB"), decision={"outcome": "adopted", "policy_version_id": version.id}
        )
        make_consultation(people=[recent], topics=[topic], held_on=today - timedelta(days=10))
        db.session.commit()
        version_id = version.id
    runner = app.test_cli_runner()
    first = runner.invoke(args=["engage", "send-reminders", "--digest"])
    assert first.exit_code == 0, first.output
    assert "1 digest sent." in first.output
    (mail,) = _mails(app)
    assert mail["To"] == "owner@test.example"
    assert abs(mail["Date"].datetime - datetime.now(UTC)) < timedelta(minutes=5)
    assert re.fullmatch(r"<[^@>]+@[^>]+>", mail["Message-ID"])
    assert "1 policy due for review" in mail["Subject"]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert f"MH-ED review in 45 days ({review_on:%-d %b %Y})" in body
    assert "3 of the 4 experts consulted for v3.0 not contacted in 6 months" in body  # not 5: one is restricted
    assert "no expert from Latin America and the Caribbean consulted on Disordered eating" in body
    assert "MH-LATER" not in body
    assert f"/people?consulted_for={version_id}&cooling=6" in body
    again = runner.invoke(args=["engage", "send-reminders", "--digest"])
    assert again.exit_code == 0 and "0 digests sent." in again.output
    assert len(_mails(app)) == 1
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(ReminderSent)).scalar_one() == 1
