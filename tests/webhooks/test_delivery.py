"""Deliveries to a real receiver on 127.0.0.1 (its host allowed explicitly): one signed POST per
change, retried with back-off, a subscription disabled after repeated failures, nothing for a
change that rolled back."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from engage import transaction
from engage.extensions import db
from engage.mixins import utcnow
from engage.people.models import Person
from engage.webhooks import delivery
from engage.webhooks.models import WebhookAttempt, WebhookMessage, WebhookSubscription
from tests.affiliations.helpers import form_version
from tests.conftest import login
from tests.factories import make_person
from tests.webhooks.conftest import subscribe


@pytest.fixture
def world(app, users, receiver):
    receiver.answer(204)
    with app.app_context():
        person_id = make_person(name="Amara Okafor").id
        db.session.commit()
        subscription = subscribe(receiver.url, events=["person.updated", "person.created"])
        return {"person_id": person_id, "subscription_id": subscription.id, "secret": subscription.secret}


def _edit_person(client, token, person_id, name):
    data = {"csrf_token": token, "version": form_version(client, f"/people/{person_id}/edit"), "name": name}
    return client.post(f"/people/{person_id}/edit", data=data)


def _deliver(app, now=None):
    with app.app_context():
        made = delivery.deliver_due(now=now, on_attempt=lambda _: db.session.commit())
        db.session.commit()
        return made


def _admin_page(app, users, world) -> str:
    admin = app.test_client()
    login(admin, users["admin"])
    return admin.get(f"/admin/webhooks/{world['subscription_id']}").get_data(as_text=True)


def _messages(app):
    with app.app_context():
        return db.session.execute(select(WebhookMessage).order_by(WebhookMessage.id)).scalars().all()


def test_a_change_to_a_person_is_one_delivery_whose_signature_verifies(app, client, users, world, receiver):
    token = login(client, users["editor"])
    assert _edit_person(client, token, world["person_id"], "Amara N. Okafor").status_code == 302
    assert _deliver(app) == 1
    assert _deliver(app) == 0  # delivered: never sent again
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/hook"
    payload = Webhook(world["secret"]).verify(got.body, got.headers)  # raises unless the signature holds
    assert payload["type"] == "person.updated"
    assert payload["data"]["id"] == world["person_id"]
    assert "name" in payload["data"]["fields"]
    assert payload["data"]["values"]["name"] == "Amara N. Okafor"
    assert re.fullmatch(r"msg_[0-9a-f]{32}", got.headers["webhook-id"])
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 43 + "=").verify(got.body, got.headers)  # another secret does not verify
    with app.app_context():
        attempt = db.session.execute(select(WebhookAttempt)).scalar_one()
        assert attempt.ok and attempt.status_code == 204
    page = _admin_page(app, users, world)
    assert got.headers["webhook-id"] in page and "person.updated" in page


def test_a_failing_receiver_is_retried_with_back_off_and_each_attempt_is_logged(app, client, users, world, receiver):
    app.config.update(WEBHOOK_BACKOFF_SECONDS=30, WEBHOOK_DISABLE_AFTER=10)
    receiver.answer(500, 500, 204)
    token = login(client, users["editor"])
    _edit_person(client, token, world["person_id"], "Amara Okafor-Reyes")
    start = utcnow()
    assert _deliver(app, start) == 1  # 500
    (message,) = _messages(app)
    assert message.status == "pending" and message.attempts == 1
    assert message.next_attempt_at == pytest.approx(start + timedelta(seconds=30), abs=timedelta(seconds=1))
    assert _deliver(app, start + timedelta(seconds=29)) == 0  # not yet due
    assert _deliver(app, start + timedelta(seconds=30)) == 1  # 500 again: the wait doubles
    (message,) = _messages(app)
    assert message.attempts == 2
    assert message.next_attempt_at == pytest.approx(start + timedelta(seconds=90), abs=timedelta(seconds=1))
    assert _deliver(app, start + timedelta(seconds=90)) == 1  # 204
    (message,) = _messages(app)
    assert message.status == "delivered" and message.attempts == 3
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # the same message each time
    page = _admin_page(app, users, world)
    assert page.count("HTTP 500") == 2 and page.count(">204<") == 1
    with app.app_context():
        assert db.session.get(WebhookSubscription, world["subscription_id"]).consecutive_failures == 0


def test_after_n_failures_in_a_row_the_subscription_is_disabled(app, client, users, world, receiver):
    app.config.update(WEBHOOK_BACKOFF_SECONDS=1, WEBHOOK_DISABLE_AFTER=3)
    receiver.answer(503)
    token = login(client, users["editor"])
    _edit_person(client, token, world["person_id"], "Amara Okafor-Reyes")
    now = utcnow()
    for step in range(3):
        assert _deliver(app, now + timedelta(minutes=step)) == 1
    with app.app_context():
        subscription = db.session.get(WebhookSubscription, world["subscription_id"])
        assert not subscription.active
        assert "3 failed deliveries in a row" in subscription.disabled_reason
        assert "HTTP 503" in subscription.disabled_reason
    assert _deliver(app, now + timedelta(hours=1)) == 0  # disabled: nothing more is sent
    assert len(receiver.received) == 3
    page = _admin_page(app, users, world)
    assert "Disabled automatically after 3 failed deliveries in a row" in page


def test_a_refused_form_sends_nothing(app, client, users, world, receiver):
    token = login(client, users["editor"])
    data = {"csrf_token": token, "version": form_version(client, f"/people/{world['person_id']}/edit"), "name": ""}
    assert client.post(f"/people/{world['person_id']}/edit", data=data).status_code == 400
    assert _messages(app) == []
    assert _deliver(app) == 0
    assert receiver.received == []


def test_a_change_rolled_back_at_the_edge_sends_nothing(app, client, users, world, receiver):
    """The person is changed and flushed by the view, then the request fails at the edge: the
    outbox rows go with the rolled-back transaction, and its notes do not reach the next one."""
    fail = {"on": False}

    @app.after_request
    def _fail(response):  # runs before transaction.end, as a late failure would
        if fail["on"]:
            transaction.abandon()
        return response

    token = login(client, users["editor"])

    version = form_version(client, f"/people/{world['person_id']}/edit")
    fail["on"] = True
    data = {"csrf_token": token, "version": version, "name": "Never Saved"}
    assert client.post(f"/people/{world['person_id']}/edit", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Person, world["person_id"]).name == "Amara Okafor"
    assert _messages(app) == []
    with app.app_context():  # in one session: a change flushed, rolled back, then another commit
        db.session.get(Person, world["person_id"]).name = "Flushed, then rolled back"
        db.session.flush()
        db.session.rollback()
        db.session.execute(select(func.count()).select_from(Person))
        db.session.commit()  # carries no leftover notes of the rolled-back change
    assert _messages(app) == []
    assert _deliver(app) == 0
    assert receiver.received == []


def test_created_then_changed_in_one_transaction_is_one_message(app, world, receiver):
    with app.app_context():
        person = make_person(name="Temi Adeyemi")
        person.title = "Researcher"
        db.session.flush()
        db.session.commit()
        (message,) = db.session.execute(select(WebhookMessage)).scalars().all()
        data = json.loads(message.payload)
        assert data["type"] == "person.created"
        assert {"name", "title"} <= set(data["data"]["fields"])
