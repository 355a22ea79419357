"""Saved views for the demo users (issue 14): a few private and a few shared with the team, each
one's filters matching rows of the demo data (tests/savedviews/test_demo.py checks they do)."""

from sqlalchemy import select

from engage.auth.models import User
from engage.demo.base import Context
from engage.extensions import db
from engage.savedviews.lists import LISTS, normalise
from engage.savedviews.models import SavedView
from engage.topics.models import Topic

# (owner's email, list, name, filters, shared); "{self_harm}" is the topic's id.
DEMO_VIEWS = [
    ("editor@example.org", "people.index", "UK critics on self-harm",
     {"country": "GB", "stance": "critical", "stance_topic": "{self_harm}"}, True),
    ("editor@example.org", "commitments.index", "Overdue commitments of the team",
     {"scope": "team", "due": "overdue"}, True),
    ("editor@example.org", "consultations.index", "Awaiting a decision", {"awaiting": "1"}, False),
    ("editor@example.org", "people.index", "Cooling for 6 months", {"cooling": "6"}, False),
    ("admin@example.org", "helplines.index", "Stale helplines", {"stale": "1"}, True),
    ("admin@example.org", "policies.index", "Reviews in the next 90 days", {"review_within": "90"}, True),
    ("viewer@example.org", "people.index", "Self-harm experts in Europe",
     {"topic": "{self_harm}", "region": "Europe"}, False),
    ("viewer@example.org", "engagements.index", "Past engagements", {"when": "past"}, False),
]  # fmt: skip


def seed_views(ctx: Context) -> None:
    users = dict(db.session.execute(select(User.email, User.id)).all())
    self_harm = db.session.execute(select(Topic.id).where(Topic.slug == "suicide-self-harm")).scalar_one()
    for email, list_key, name, filters, shared in DEMO_VIEWS:
        pairs = [(key, value.format(self_harm=self_harm)) for key, value in filters.items()]
        db.session.add(
            SavedView(
                owner_id=users[email],
                list_key=list_key,
                name=name,
                query=normalise(LISTS[list_key], pairs),
                shared=shared,
                created_at=ctx.now,
            )
        )
    ctx.counts["saved views"] = len(DEMO_VIEWS)
