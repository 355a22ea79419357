"""One search over everything the user may see."""

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from engage.auth.models import User
from engage.auth.permissions import visible_consultations, visible_engagements
from engage.consultations.models import Consultation
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.forums.models import Forum
from engage.helplines.models import Helpline
from engage.organizations.models import Organisation
from engage.people.models import Person, PersonEmail
from engage.policies.models import Policy
from engage.queries import like_pattern

MIN_LENGTH = 2


@dataclass
class Section:
    kind: str  # people, organisations, …: the list page that shows all matches
    label: str
    endpoint: str
    items: list = field(default_factory=list)
    more: bool = False


def _unindexed(column):
    """The same value, hidden from the planner: a search scans the table and sorts the few
    matches, rather than walking a date index over every row looking for matches."""
    return func.coalesce(column, column)


def _contains(column, pattern):
    return column.ilike(pattern, escape="\\")


def search(user: User, q: str, per_kind: int = 8) -> list[Section]:
    """Up to `per_kind` matches of each kind, newest or best-named first; one statement per kind.

    Lived-experience text is never searched, and consultations are filtered by what
    `user` may see in the query itself, so nothing restricted can surface or be counted.
    """
    q = (q or "").strip()
    if len(q) < MIN_LENGTH:
        return []
    pattern = like_pattern(q)
    limit = per_kind + 1  # one more than shown tells us whether there are more
    email_match = select(PersonEmail.person_id).where(_contains(PersonEmail.email, pattern))
    queries = [
        (
            "people",
            "People",
            "people.index",
            select(Person)
            .where(~Person.archived, or_(_contains(Person.name, pattern), Person.id.in_(email_match)))
            .order_by(Person.name),
        ),
        (
            "organisations",
            "Organisations",
            "organizations.index",
            select(Organisation)
            .where(~Organisation.archived, _contains(Organisation.name, pattern))
            .order_by(Organisation.name),
        ),
        (
            "forums",
            "Forums",
            "forums.index",
            select(Forum).where(~Forum.archived, _contains(Forum.name, pattern)).order_by(Forum.name),
        ),
        (
            "helplines",
            "Helplines",
            "helplines.index",
            select(Helpline).where(~Helpline.archived, _contains(Helpline.name, pattern)).order_by(Helpline.name),
        ),
        (
            "policies",
            "Policies",
            "policies.index",
            select(Policy)
            .where(or_(_contains(Policy.code, pattern), _contains(Policy.title, pattern)))
            .order_by(Policy.code),
        ),
        (
            "consultations",
            "Consultations",
            "consultations.index",
            select(Consultation)
            .where(visible_consultations(user, scan=True), _contains(Consultation.title, pattern))
            .order_by(_unindexed(Consultation.held_on).desc(), Consultation.id.desc()),
        ),
        (
            "engagements",
            "Engagements",
            "engagements.index",
            select(Engagement)
            .where(visible_engagements(user), _contains(Engagement.title, pattern))
            .order_by(_unindexed(Engagement.starts_at).desc()),
        ),
    ]
    sections = []
    for kind, label, endpoint, stmt in queries:
        rows = list(db.session.execute(stmt.limit(limit)).scalars())
        sections.append(Section(kind, label, endpoint, rows[:per_kind], len(rows) > per_kind))
    return sections
