"""Policy-cycle alerts, computed from the data: a review coming up, the experts consulted for the
policy's current version who have not been contacted since, and the regions with no expert
consulted on its topic in the last 12 months.

e.g. "MH-ED review in 45 days (15 Jan 2027): 4 of the 7 experts consulted for v3.0 not contacted
in 6 months; no expert from Latin America and the Caribbean consulted on Disordered eating
in the last 12 months". Everything is read through `visible_consultations` for the reader (the
digest's reader is the policy owner), in a fixed number of statements whatever the data size.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage import choices, regions
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import Consultation, Decision, Input, consultation_people, consultation_topics
from engage.extensions import db
from engage.people.models import Person, person_topics
from engage.policies.models import Policy, PolicyVersion, current_version

HORIZON = timedelta(days=90)  # reviews this close are alerted
COVERAGE_WINDOW = timedelta(days=365)  # "consulted in the last 12 months"
SHOWN = 6


@dataclass
class Gap:
    region: str
    topic_id: int
    topic: str


@dataclass
class Alert:
    policy: Policy
    review_on: date
    days: int
    months: int = choices.COOLING_DEFAULT
    since: date | None = None  # `months` before today: the cooling relationships' cut-off
    version: PolicyVersion | None = None
    consulted: int = 0  # experts consulted for the current version
    not_contacted: int = 0  # of those, not contacted since `since` (choices.cooling)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The alert in one sentence (the home page's and the digest's words)."""
        when = f"in {self.days} days" if self.days > 0 else ("today" if self.days == 0 else f"{-self.days} days ago")
        parts = [f"{self.policy.code} review {when} ({self.review_on:%-d %b %Y})"]
        if self.version is not None:
            parts.append(
                f"{self.not_contacted} of the {self.consulted} experts consulted for {self.version.label} "
                f"not contacted in {self.months} months (since {self.since:%-d %b %Y})"
            )
        if self.gaps:
            named = ", ".join(g.region for g in self.gaps)
            parts.append(f"no expert from {named} consulted on {self.gaps[0].topic} in the last 12 months")
        return ": ".join(parts[:1]) + (": " + "; ".join(parts[1:]) if parts[1:] else "")


def due_policies(today: date, owner: User | None = None, limit: int | None = SHOWN) -> list[Policy]:
    """Policies not retired whose review is due within HORIZON (or overdue), soonest first; with
    `owner`, only theirs. One statement, and one for their versions."""
    stmt = (
        select(Policy)
        .where(Policy.next_review_on.is_not(None), Policy.next_review_on <= today + HORIZON, Policy.status != "retired")
        .options(selectinload(Policy.versions), selectinload(Policy.topic))
        .order_by(Policy.next_review_on, Policy.id)
    )
    if owner is not None:
        stmt = stmt.where(Policy.owner_id == owner.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.execute(stmt).scalars())


def _contact_counts(user: User, versions: list[int], since: date) -> dict[int, tuple[int, int]]:
    """{version id: (experts consulted for it, of those not contacted since `since`)}: the people
    the lists `/people?consulted_for=V` and `…&cooling=N` show (unarchived), in one statement."""
    if not versions:
        return {}
    consulted = (
        select(Decision.policy_version_id.label("version_id"), Input.person_id.label("person_id"))
        .join(Input, Input.id == Decision.input_id)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .where(Decision.policy_version_id.in_(versions), Input.person_id.is_not(None), visible_consultations(user))
        .distinct()
        .subquery()
    )
    rows = db.session.execute(
        select(consulted.c.version_id, Person.id, Person.last_interaction_on)
        .join(Person, Person.id == consulted.c.person_id)
        .where(Person.archived.is_(False))
    )
    counts: dict[int, list[int]] = {}
    for version_id, _, last in rows:
        tally = counts.setdefault(version_id, [0, 0])
        tally[0] += 1
        if last is None or last < since:  # the rule of choices.not_contacted_since
            tally[1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def _coverage(user: User, topic_ids: list[int], today: date) -> tuple[dict, dict]:
    """({topic: regions of experts consulted on it in the last 12 months},
    {topic: regions of the directory's experts on it}) in two grouped statements."""
    if not topic_ids:
        return {}, {}
    consulted = db.session.execute(
        select(consultation_topics.c.topic_id, Person.country)
        .join(Consultation, Consultation.id == consultation_topics.c.consultation_id)
        .join(consultation_people, consultation_people.c.consultation_id == Consultation.id)
        .join(Person, Person.id == consultation_people.c.person_id)
        .where(
            consultation_topics.c.topic_id.in_(topic_ids),
            Consultation.held_on >= today - COVERAGE_WINDOW,
            Consultation.held_on <= today,
            Person.country.is_not(None),
            visible_consultations(user),
        )
        .group_by(consultation_topics.c.topic_id, Person.country)
    )
    directory = db.session.execute(
        select(person_topics.c.topic_id, Person.country)
        .join(Person, Person.id == person_topics.c.person_id)
        .where(person_topics.c.topic_id.in_(topic_ids), Person.country.is_not(None), choices.active(Person))
        .group_by(person_topics.c.topic_id, Person.country)
    )

    def by_topic(rows) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for topic_id, country in rows:
            if region := regions.region_of(country):
                found.setdefault(topic_id, set()).add(region)
        return found

    return by_topic(consulted), by_topic(directory)


def alerts_for(
    user: User,
    today: date | None = None,
    owner: User | None = None,
    limit: int | None = SHOWN,
    months: int = choices.COOLING_DEFAULT,
):
    """The policy-cycle alerts `user` may read: policies due for review (with `owner`, theirs);
    experts count as not contacted after `months` months, as the home page's cooling relationships."""
    today = today or date.today()
    since = choices.months_before(today, months)
    policies = due_policies(today, owner, limit)
    result = []
    for policy in policies:
        days = (policy.next_review_on - today).days
        alert = Alert(policy=policy, review_on=policy.next_review_on, days=days, months=months, since=since)
        alert.version = current_version(policy.versions, today)
        result.append(alert)
    counts = _contact_counts(user, sorted({a.version.id for a in result if a.version is not None}), since)
    topic_ids = sorted({p.topic_id for p in policies if p.topic_id})
    consulted, directory = _coverage(user, topic_ids, today)
    for alert in result:
        if alert.version is not None:
            alert.consulted, alert.not_contacted = counts.get(alert.version.id, (0, 0))
        topic = alert.policy.topic
        if topic is not None:
            # A gap: a region with experts on the topic in the directory, none of them consulted on it lately.
            missing = sorted(directory.get(topic.id, set()) - consulted.get(topic.id, set()))
            alert.gaps = [Gap(region=r, topic_id=topic.id, topic=topic.name) for r in missing]
    return result


def policy_owners_with_alerts(today: date) -> list[User]:
    """The active owners of policies due for review: whom the weekly digest goes to."""
    owner_ids = select(Policy.owner_id).where(
        Policy.next_review_on.is_not(None), Policy.next_review_on <= today + HORIZON, Policy.status != "retired"
    )
    return list(
        db.session.execute(
            select(User).where(User.id.in_(owner_ids), User.active.is_(True)).order_by(User.id)
        ).scalars()
    )
