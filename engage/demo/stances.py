"""Stances on a topic (issue 14): every third person is also assessed on one of their topics, on
top of the all-topics assessments of the directory step. Drawn without the random source, so the
rest of the demo data stays as it was."""

from datetime import timedelta

from sqlalchemy import func, select

from engage.demo.base import Context, bulk_insert
from engage.extensions import db
from engage.people.models import STANCES, StakeholderAssessment, person_topics


def seed_topic_stances(ctx: Context) -> None:
    editors = ctx.ids["editors"]
    first_topics = db.session.execute(
        select(person_topics.c.person_id, func.min(person_topics.c.topic_id))
        .where(person_topics.c.person_id % 3 == 0)
        .group_by(person_topics.c.person_id)
        .order_by(person_topics.c.person_id)
    )
    rows = [
        dict(
            person_id=person_id,
            topic_id=topic_id,
            influence=person_id % 5 + 1,
            stance=STANCES[person_id % len(STANCES)],
            assessed_on=ctx.today - timedelta(days=person_id % 90),
            assessed_by_id=editors[person_id % len(editors)],
            note="On this topic in particular.",
        )
        for person_id, topic_id in first_topics
    ]
    bulk_insert(StakeholderAssessment, rows)
    ctx.counts["topic stances"] = len(rows)
