"""Reminder mails as a task a worker runs each morning, and the loop `engage send-reminders` shares.

Each reminder is claimed in `ReminderSent` and committed right after it is sent (this is an edge,
like the CLI), so a second run — the worker's and a cron job's on the same day — sends nothing twice.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app
from huey import crontab

from engage import tasks
from engage.engagements import reminders
from engage.extensions import db


def send_due_reminders(days: int | None = None, on_sent: Callable | None = None) -> int:
    """Mail the reminders not yet sent; `on_sent(reminder, where)` after each. How many were sent."""
    config = current_app.config
    days = days if days is not None else int(config.get("REMINDER_DAYS", 2))
    now = datetime.now(UTC)
    sent = 0
    for reminder in reminders.due(now, days):
        where = reminders.send_one(
            reminder, config["BASE_URL"] or config["CLI_BASE_URL"], ("Engage", config["MAIL_FROM"]), now
        )
        db.session.commit()  # one commit per reminder: a later failure never resends this one
        sent += 1
        if on_sent:
            on_sent(reminder, where)
    return sent


@tasks.periodic(crontab(minute="0", hour="7"))
def send_reminders_each_morning() -> None:
    send_due_reminders()
