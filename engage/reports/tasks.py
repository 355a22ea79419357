"""The coverage counts moved on to today each night by a worker of the task queue (what
`flask --app wsgi engage recount --roll` does): without it, the people met since the counts' day
are counted live, and the coverage report slowly gets slower. An edge: it commits its own work."""

from huey import crontab

from engage import tasks
from engage.extensions import db
from engage.reports import coverage_counts


@tasks.periodic(crontab(minute="30", hour="2"))
def roll_coverage_counts_each_night() -> None:
    coverage_counts.roll(db.session)
    db.session.commit()
