"""Admins' subscription pages: the address rule (https, public addresses only, unless the host is
allowed explicitly), the secret shown once and on demand (audited), enabling and disabling."""

from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.webhooks import delivery, urls
from engage.webhooks.models import WebhookAttempt, WebhookSubscription
from tests.conftest import csrf_from, login
from tests.webhooks.conftest import subscribe


def _post_new(client, token, url, allowed_host="", events=("person.updated",), name="Legal matters"):
    data = {"csrf_token": token, "name": name, "url": url, "events": list(events), "allowed_host": allowed_host}
    return client.post("/admin/webhooks/new", data=data)


def _count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(WebhookSubscription)).scalar()


REFUSED = [
    ("http://127.0.0.1/hook", "Only https:// addresses are accepted"),
    ("https://10.0.0.1/hook", "resolves to 10.0.0.1, a loopback, private"),
    ("https://localhost/hook", "localhost resolves to 127.0.0.1"),  # a name (/etc/hosts) for a private address
    ("https://169.254.169.254/latest", "resolves to 169.254.169.254"),  # cloud metadata: link-local
    ("https://[::1]:8443/hook", "resolves to ::1"),
    ("https://192.168.1.20/hook", "private"),
    ("https://240.0.0.1/hook", "reserved"),
    ("ftp://hooks.example.org/x", "Enter a full https:// address"),
    ("https://user:pw@hooks.example.org/x", "no user name or password"),
    ("https://hooks.example.org:99999/x", "not a valid address"),
    ("https://no-such-host.invalid/x", "does not resolve"),
]


def test_addresses_outside_the_rule_are_refused_next_to_the_field(app, client, users):
    token = login(client, users["admin"])  # one sign-in for every case: the suite's time is short
    wrong = []
    for url, message in REFUSED:
        response = _post_new(client, token, url)
        page = response.get_data(as_text=True)
        if response.status_code != 400 or "invalid-feedback" not in page or message not in page:
            wrong.append(f"{url}: {response.status_code}")
    assert not wrong
    assert _count(app) == 0


def test_other_bad_input_is_refused_with_a_message(app, client, users):
    token = login(client, users["admin"])
    for data, message in (
        ({"events": []}, "Choose at least one event"),
        ({"events": ["person.deleted"]}, "is not a valid choice"),
        ({"allowed_host": "http://127.0.0.1/x"}, "Enter a host name or address alone"),
        ({"name": "  "}, "Name the receiver"),
    ):
        fields = {"url": "http://127.0.0.1:9/x", "allowed_host": "127.0.0.1", "events": ["person.updated"]} | data
        response = _post_new(client, token, **fields)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert _count(app) == 0


def test_an_allowed_host_may_use_http_and_loopback_and_the_secret_is_shown_once(app, client, users, receiver):
    receiver.answer(204)
    token = login(client, users["admin"])
    response = _post_new(client, token, receiver.url, allowed_host="127.0.0.1", events=["person.created"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    with app.app_context():
        subscription = db.session.execute(select(WebhookSubscription)).scalar_one()
        secret, subscription_id = subscription.secret, subscription.id
        assert secret.startswith("whsec_") and len(Webhook(secret)._whsecret) == 32
        audit = db.session.execute(select(AuditEvent).where(AuditEvent.record_type == "webhook_subscriptions"))
        assert all(secret not in repr(e.changes) for e in audit.scalars())  # never in the audit log
    assert secret in page and "Copy the signing secret" in page
    detail = client.get(f"/admin/webhooks/{subscription_id}").get_data(as_text=True)
    assert secret not in detail  # once; then only on demand
    token = csrf_from(detail)
    shown = client.post(f"/admin/webhooks/{subscription_id}/secret", data={"csrf_token": token})
    assert shown.status_code == 200 and secret in shown.get_data(as_text=True)
    rotated = client.post(f"/admin/webhooks/{subscription_id}/rotate", data={"csrf_token": token})
    with app.app_context():
        fresh = db.session.get(WebhookSubscription, subscription_id).secret
        actions = db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.record_type == "webhook_subscriptions", AuditEvent.record_id == subscription_id)
            .order_by(AuditEvent.id)
        ).scalars()
        assert list(actions) == ["create", "reveal-secret", "rotate-secret"]
    assert fresh != secret and fresh in rotated.get_data(as_text=True)


def test_non_admins_are_refused(app, client, users):
    for role in ("viewer", "editor"):
        token = login(client, users[role])
        assert client.get("/admin/webhooks").status_code == 403
        assert _post_new(client, token, "https://hooks.example.org/x").status_code == 403
        client.post("/logout", data={"csrf_token": token})
    assert _count(app) == 0


def test_the_address_is_checked_again_at_delivery(app, users, receiver):
    """Saved while its host resolved outside (as if DNS changed since: rebinding), a subscription
    whose host now resolves to loopback is refused at delivery, logged, and nothing is sent."""
    receiver.answer(204)
    port = receiver.server.server_address[1]
    with app.app_context():
        subscription = subscribe(f"https://localhost:{port}/hook", events=["person.created"], allowed_host="")
        from tests.factories import make_person

        make_person(name="Noor Haddad")
        db.session.commit()
        assert delivery.deliver_due(on_attempt=lambda _: db.session.commit()) == 1
        attempt = db.session.execute(select(WebhookAttempt)).scalar_one()
        assert not attempt.ok and attempt.status_code is None
        assert "Refused: localhost resolves to" in attempt.error
        assert db.session.get(WebhookSubscription, subscription.id).consecutive_failures == 1
    assert receiver.received == []


def test_enabling_checks_the_address_and_disabling_stops_new_messages(app, client, users):
    with app.app_context():
        subscription = subscribe("https://localhost/hook", allowed_host="")  # saved before the rule changed
        subscription_id = subscription.id
    token = login(client, users["admin"])
    path = f"/admin/webhooks/{subscription_id}"
    assert client.post(f"{path}/deactivate", data={"csrf_token": token}).status_code == 302
    response = client.post(f"{path}/activate", data={"csrf_token": token})
    assert response.status_code == 400 and "localhost resolves to" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(WebhookSubscription, subscription_id).active


def test_resolve_pins_the_checked_address():
    target = urls.resolve("http://127.0.0.1:8080/a?b=1", "127.0.0.1")
    assert (target.scheme, target.host, target.port, target.path) == ("http", "127.0.0.1", 8080, "/a?b=1")
    assert target.addresses == ("127.0.0.1",)
