"""Engagements: creating and editing them (times in their own zone), following, and the one
starting point of every query that finds them (`visible`, `scoped`)."""

from sqlalchemy import Select, exists, or_, select

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_engagements
from engage.engagements import records
from engage.engagements.models import Engagement, engagement_followers, engagement_speakers
from engage.errors import NotFoundError
from engage.extensions import db
from engage.queries import check_version

FEED_SCOPES = {
    "mine": "Engagements I speak at",
    "following": "Engagements I speak at or follow",
    "team": "All the team's engagements",
}


def create(actor: Actor, data: records.EngagementData, uid: str | None = None) -> Engagement:
    """Add an engagement; times are resolved from local time in its zone to UTC."""
    clean = records.validate(data)
    engagement = Engagement(created_by_id=actor.user.id if actor.user else None, sequence=0)
    if uid:
        engagement.uid = uid
    records.apply(engagement, clean)
    audit.record_create(actor, engagement, f"Engagement {engagement.title}")
    return engagement


def update(actor: Actor, engagement: Engagement, version: int | None, data: records.EngagementData) -> Engagement:
    """Save an edit; a stale `version` is refused, and SEQUENCE grows so calendars update."""
    check_version(
        engagement,
        version,
        message="Someone else saved this engagement while you were editing it. Their changes stand; "
        "reload the page and make your change again.",
    )
    clean = records.validate(data, frozenset(p.person_id for p in engagement.participants))
    records.apply(engagement, clean)
    engagement.sequence = (engagement.sequence or 0) + 1
    audit.record_change(actor, "update", engagement, f"Engagement {engagement.title}")
    return engagement


def _follower(user: User, engagement_id: int):
    return (engagement_followers.c.engagement_id == engagement_id, engagement_followers.c.user_id == user.id)


def is_following(user: User, engagement_id: int) -> bool:
    return db.session.execute(select(exists().where(*_follower(user, engagement_id)))).scalar_one()


def follow(actor: Actor, engagement_id: int, following: bool) -> Engagement:
    """Follow or unfollow an engagement `actor` may see (it then appears in a 'following' feed)."""
    engagement = get_visible(actor.user, engagement_id)
    user = actor.user
    now_following = is_following(user, engagement.id)
    if following == now_following:
        return engagement
    if following:
        db.session.execute(engagement_followers.insert().values(engagement_id=engagement.id, user_id=user.id))
    else:
        db.session.execute(engagement_followers.delete().where(*_follower(user, engagement.id)))
    audit.record(
        actor,
        "follow" if following else "unfollow",
        Engagement,
        engagement.id,
        f"{'Follows' if following else 'Stopped following'} {engagement.title}",
    )
    return engagement


# --- Finding engagements. Every query starts from `visible(user)`. ---


def visible(user: User | None) -> Select:
    """Engagements `user` may see: the single starting point of every list, calendar and feed."""
    return select(Engagement).where(visible_engagements(user))


def get_visible(user: User | None, engagement_id: int) -> Engagement:
    """One engagement `user` may see; NotFoundError when it does not exist or is not theirs to see."""
    engagement = db.session.execute(visible(user).where(Engagement.id == engagement_id)).scalar_one_or_none()
    if engagement is None:
        raise NotFoundError()
    return engagement


def speaks_at(user: User):
    return Engagement.id.in_(
        select(engagement_speakers.c.engagement_id).where(engagement_speakers.c.user_id == user.id)
    )


def follows(user: User):
    return Engagement.id.in_(
        select(engagement_followers.c.engagement_id).where(engagement_followers.c.user_id == user.id)
    )


def scoped(user: User, scope: str) -> Select:
    """`visible(user)` narrowed to a feed or calendar scope: mine, following or team."""
    stmt = visible(user)
    if scope == "mine":
        return stmt.where(speaks_at(user))
    if scope == "following":
        return stmt.where(or_(speaks_at(user), follows(user)))
    return stmt
