"""Webhook delivery as a task: run by a worker once a commit has written outbox rows (so a receiver
hears of a change within seconds) and every minute for retries and commitments falling due.

Like `engage deliver-webhooks`, which calls `deliver_pass` too, it commits after each attempt, so a
crash never sends a message twice for an attempt already logged. One pass at a time: a pass that
finds another running leaves the messages to it (huey's task lock, shared by every worker).
"""

from collections.abc import Callable

from huey import crontab
from huey.exceptions import TaskLockedException

from engage import tasks
from engage.extensions import db
from engage.webhooks import delivery

LOCK = "deliver-webhooks"


def deliver_pass(on_attempt: Callable | None = None) -> int:
    """One pass over the due messages, committing after each attempt; the number of attempts."""

    def logged(attempt):
        db.session.commit()  # one commit per attempt: its log row and the message's new state
        if on_attempt:
            on_attempt(attempt)

    made = delivery.deliver_due(on_attempt=logged)
    db.session.commit()
    return made


def _locked_pass() -> None:
    try:
        with tasks.queue.lock_task(LOCK):
            deliver_pass()
    except TaskLockedException:
        pass  # another worker is delivering; what it has not reached waits for the next pass


@tasks.task()
def deliver_webhooks() -> None:
    _locked_pass()


@tasks.periodic(crontab(minute="*"))
def deliver_webhooks_every_minute() -> None:
    _locked_pass()
