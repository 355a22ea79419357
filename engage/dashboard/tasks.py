"""The weekly digest of policy-cycle alerts as a task a worker runs on Monday mornings, and the
loop `engage send-reminders --digest` shares. A digest is claimed per owner and week and committed
as soon as it is sent, so a worker's run and a cron job's never send one twice."""

from collections.abc import Callable

from flask import current_app
from huey import crontab

from engage import tasks
from engage.dashboard.digest import send_digests
from engage.extensions import db


def send_weekly_digests(on_sent: Callable | None = None) -> int:
    """Mail each policy owner with alerts their digest for this week, unless already sent."""
    config = current_app.config

    def sent_one(user, where):
        db.session.commit()  # one commit per digest: a later failure never resends this one
        if on_sent:
            on_sent(user, where)

    count = send_digests(config["BASE_URL"] or config["CLI_BASE_URL"], on_sent=sent_one)
    db.session.commit()
    return count


@tasks.periodic(crontab(day_of_week="1", hour="7", minute="5"))
def send_digests_on_monday() -> None:
    send_weekly_digests()
