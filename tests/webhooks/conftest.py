import pytest

from engage.extensions import db
from engage.webhooks.events import EVENTS
from engage.webhooks.models import WebhookSubscription
from engage.webhooks.services import new_secret
from tests.webhooks import receiver as receiver_module


@pytest.fixture(scope="module")
def receiver():
    """One local receiver per module (a thread); each test says what it answers."""
    running = receiver_module.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def subscribe(url: str, events=tuple(EVENTS), **kw) -> WebhookSubscription:
    """An active subscription to `url`, its host (127.0.0.1) allowed explicitly, as an admin would."""
    subscription = WebhookSubscription(
        name=kw.pop("name", "Test receiver"),
        url=url,
        events=list(events),
        secret=new_secret(),
        allowed_host=kw.pop("allowed_host", "127.0.0.1"),
        active=True,
        **kw,
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription
