"""What the home page shows a user: their next engagements, what they owe, reviews coming up."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, select

from engage.auth.models import User
from engage.auth.permissions import linked_consultation_visible
from engage.consultations.models import Commitment
from engage.engagements import services as engagements
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.policies.models import Policy

SHOWN = 6


@dataclass
class Home:
    engagements: list
    commitments: list
    reviews: list
    today: object


def home(user: User, now: datetime | None = None) -> Home:
    """Three short lists, one statement each, whatever the data size."""
    now = now or datetime.now(UTC)
    today = now.date()
    upcoming = (
        db.session.execute(
            engagements.scoped(user, "following")
            .where(Engagement.ends_at >= now, Engagement.status != "cancelled")
            .order_by(Engagement.starts_at)
            .limit(SHOWN)
        )
        .scalars()
        .all()
    )
    # Commitments tied to a consultation the user may not see stay hidden, like everywhere else.
    allowed = linked_consultation_visible(Commitment.consultation_id, user)
    owed = (
        db.session.execute(
            select(Commitment)
            .where(Commitment.assignee_id == user.id, Commitment.status == "open", allowed)
            .order_by(case((Commitment.due_on < today, 0), else_=1), Commitment.due_on.is_(None), Commitment.due_on)
            .limit(SHOWN)
        )
        .scalars()
        .all()
    )
    reviews = (
        db.session.execute(
            select(Policy)
            .where(
                Policy.next_review_on.is_not(None),
                Policy.next_review_on <= today + timedelta(days=90),
                Policy.status != "retired",
            )
            .order_by(Policy.next_review_on)
            .limit(SHOWN)
        )
        .scalars()
        .all()
    )
    return Home(engagements=list(upcoming), commitments=list(owed), reviews=list(reviews), today=today)
