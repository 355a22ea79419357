"""People: the list query and what each row shows, the person page's data, the edit form's values.

Every reading of lived experience goes through `can_see_lived_experience`; lists never load it.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from engage import choices, regions
from engage.affiliations import history, timeline
from engage.affiliations.services import current_affiliation_clause, current_affiliations, split_current, today
from engage.auth.models import User
from engage.auth.permissions import can_see_lived_experience
from engage.consultations.models import Consultation, Input
from engage.documents.pages import timeline as written_timeline
from engage.engagements.models import Engagement, EngagementParticipant
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.fulltext.query import list_filter
from engage.ids import as_id, id_arg
from engage.organizations.models import Affiliation, Organisation
from engage.people.models import CONSENT_SCOPES, STANCES, Person, StakeholderAssessment, person_topics
from engage.queries import first_per_group, like_pattern

FILTER_KEYS = (
    "q",
    "country",
    "topic",
    "organisation",
    "owner",
    "stance",
    "stance_topic",
    "forum",
    "not_contacted_since",
    "cooling",
    "consulted_for",
    "region",
    "dnc",
)
SORTS = {
    "name": (Person.name.asc(), Person.id.asc()),
    "-name": (Person.name.desc(), Person.id.desc()),
    "country": (Person.country.asc(), Person.name.asc(), Person.id.asc()),
    "-country": (Person.country.desc(), Person.name.asc(), Person.id.asc()),
    # Never-contacted people sort as the oldest.
    "last": (Person.last_interaction_on.is_(None).desc(), Person.last_interaction_on.asc(), Person.id.asc()),
    "-last": (Person.last_interaction_on.is_(None).asc(), Person.last_interaction_on.desc(), Person.id.asc()),
}


def parse_date(value: str | None) -> date | None:
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        return None


def current_stance_subquery(topic_id: int | None = None):
    """The newest assessment's stance for the outer Person row (correlated); with `topic_id`, the
    newest that applies to that topic: one naming it, or one on all topics."""
    return (
        select(StakeholderAssessment.stance)
        .where(StakeholderAssessment.person_id == Person.id, *applies_to(topic_id))
        .order_by(StakeholderAssessment.assessed_on.desc(), StakeholderAssessment.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def for_reader(args: dict, user: User) -> dict:
    """`args` with the reader's own words made ids: `owner=me` is the signed-in user."""
    if args.get("owner") == "me":
        return {**args, "owner": str(user.id)}
    return args


def _in(column, values):
    return Person.id.in_(select(column).where(*values))


def consulted_for(version_id: int, user: User | None):
    """SQL condition on Person: raised a point, in a consultation `user` may see, whose decision
    produced policy version `version_id` (the experts consulted for that version, as the policy's
    influence trail counts them)."""
    from engage.auth.permissions import visible_consultations
    from engage.consultations.models import Decision

    return Person.id.in_(
        select(Input.person_id)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .join(Decision, Decision.input_id == Input.id)
        .where(Decision.policy_version_id == version_id, visible_consultations(user))
    )


def list_query(args: dict, user: User | None = None):
    """The people list's SELECT for the filters in `args` (a dict of query-string values); filters
    that read consultations (`consulted_for`) see only what `user` may see.

    Lived experience is deferred with raiseload: no list can show it, for anyone.
    """
    stmt = select(Person).options(
        defer(Person.lived_experience, raiseload=True),
        selectinload(Person.topics),
        selectinload(Person.emails),
    )
    if not args.get("archived"):
        stmt = stmt.where(Person.archived.is_(False))
    if q := (args.get("q") or "").strip():
        stmt = stmt.where(list_filter("people", q, Person.id))
    if country := (args.get("country") or "").strip().upper():
        stmt = stmt.where(Person.country == country)
    if (topic := id_arg(args, "topic")) is not None:
        stmt = stmt.where(_in(person_topics.c.person_id, [person_topics.c.topic_id == topic]))
    if organisation := str(args.get("organisation") or "").strip():
        current = select(Affiliation.person_id).where(current_affiliation_clause(today()))
        if not organisation.isdigit():
            current = current.join(Organisation).where(Organisation.name.ilike(like_pattern(organisation), escape="\\"))
        elif (organisation_id := id_arg(args, "organisation")) is not None:  # out of range: ignored, said
            current = current.where(Affiliation.organisation_id == organisation_id)
        stmt = stmt.where(Person.id.in_(current))
    owner = str(args.get("owner") or "")
    if owner == "none":
        stmt = stmt.where(Person.owner_id.is_(None))
    elif (owner_id := id_arg(args, "owner")) is not None:
        stmt = stmt.where(Person.owner_id == owner_id)
    if (stance := args.get("stance")) in STANCES:
        on_topic = id_arg(args, "stance_topic")
        stmt = stmt.where(func.coalesce(current_stance_subquery(on_topic), "unknown") == stance)
    if (forum := id_arg(args, "forum")) is not None:
        open_term = or_(ForumMember.term_end.is_(None), ForumMember.term_end >= today())
        stmt = stmt.where(_in(ForumMember.person_id, [ForumMember.forum_id == forum, open_term]))
    if since := parse_date(args.get("not_contacted_since")):
        stmt = stmt.where(choices.not_contacted_since(since))
    if months := choices.cooling_months(args.get("cooling")):
        stmt = stmt.where(choices.cooling(months, today()))
    if (version_id := id_arg(args, "consulted_for")) is not None:
        stmt = stmt.where(consulted_for(version_id, user))
    if (region := args.get("region")) in regions.REGIONS:
        stmt = stmt.where(Person.country.in_(regions.countries_in(region)))
    dnc = args.get("dnc")
    if dnc in ("yes", "no"):
        stmt = stmt.where(Person.do_not_contact.is_(dnc == "yes"))
    return stmt.order_by(*SORTS.get(args.get("sort") or "name", SORTS["name"]))


def organisation_filter(args: dict) -> Organisation | None:
    """The organisation the list is filtered on by id, to show its name in the filter box."""
    value = as_id(args.get("organisation"))
    return db.session.get(Organisation, value) if value else None


def applies_to(topic_id: int | None) -> list:
    """Conditions on StakeholderAssessment: those that apply to a topic (naming it, or on all
    topics); none for no topic (every assessment counts)."""
    if topic_id is None:
        return []
    return [or_(StakeholderAssessment.topic_id == topic_id, StakeholderAssessment.topic_id.is_(None))]


def current_assessment_select(topic_id: int | None = None, *where):
    """SELECT each person's current assessment (on `topic_id`, when given: the newest that applies
    to it), among the assessments matching `where`: the one definition the list, its stance column
    and the stakeholder grid share."""
    newest = (StakeholderAssessment.assessed_on.desc(), StakeholderAssessment.id.desc())
    return first_per_group(
        StakeholderAssessment, StakeholderAssessment.person_id, newest, *where, *applies_to(topic_id)
    )


def current_assessments(person_ids: list[int], topic_id: int | None = None) -> dict[int, StakeholderAssessment]:
    """The newest assessment of each person (on `topic_id`, when given), in one statement."""
    if not person_ids:
        return {}
    stmt = current_assessment_select(topic_id, StakeholderAssessment.person_id.in_(person_ids))
    rows = db.session.execute(stmt).scalars()
    return {a.person_id: a for a in rows}


def visible_last_interactions(user: User, person_ids: list[int]) -> dict[int, date]:
    """The last interaction of each person that `user` may see: past visible consultations and
    past engagements. Two statements whatever the page size."""
    if not person_ids:
        return {}
    result = history.last_consultations(user, history.PERSON, person_ids, today())
    rows = db.session.execute(
        select(EngagementParticipant.person_id, func.max(Engagement.starts_at))
        .join(Engagement)
        .where(
            EngagementParticipant.person_id.in_(person_ids),
            Engagement.starts_at <= datetime.now(UTC),
            Engagement.status != "cancelled",
        )
        .group_by(EngagementParticipant.person_id)
    )
    for person_id, starts_at in rows:
        if starts_at is None:
            continue
        if isinstance(starts_at, str):  # SQLite returns MAX() of a datetime as text
            starts_at = datetime.fromisoformat(starts_at)
        day = starts_at.date()
        if person_id not in result or result[person_id] < day:
            result[person_id] = day
    return result


def list_rows(user: User, people: list[Person], stance_topic: int | None = None) -> dict:
    """What the people list shows beside each person on the page, in a fixed number of statements;
    the stance shown is the one on `stance_topic` when the list is filtered by it."""
    ids = [p.id for p in people]
    return {
        "assessments": current_assessments(ids, stance_topic),
        "affiliations": current_affiliations(ids),
        "last_interactions": visible_last_interactions(user, ids),
    }


@dataclass
class PersonDetail:
    person: Person
    lived_experience_visible: bool
    current_affiliations: list[Affiliation] = field(default_factory=list)
    past_affiliations: list[Affiliation] = field(default_factory=list)
    forums: list[ForumMember] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    engagements: list[EngagementParticipant] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    last_interaction: date | None = None
    lived_experience: str | None = None  # set only when the user may see it
    written: list = field(default_factory=list)  # documents and notes on the person (issue 12)

    @property
    def assessments_by_topic(self) -> list[tuple]:
        """(topic or None for all topics, newest assessment, the earlier ones) per topic assessed:
        all topics first, then by topic name. The history is kept per topic."""
        groups: dict = {}
        for assessment in self.person.assessments:  # newest first
            groups.setdefault(assessment.topic_id, []).append(assessment)
        rows = [(group[0].topic, group[0], group[1:]) for group in groups.values()]
        return sorted(rows, key=lambda row: (row[0] is not None, row[0].name if row[0] else ""))

    @property
    def timeline(self) -> list[dict]:
        """Consultations, engagements, documents and notes together, newest first."""
        return timeline.merge(self.consultations, self.engagements, self.written)


def get_person(person_id: int) -> Person | None:
    """One person; lived experience is loaded only if something reads it."""
    return db.session.execute(
        select(Person).where(Person.id == person_id).options(defer(Person.lived_experience))
    ).scalar_one_or_none()


def person_detail(user: User, person_id: int) -> PersonDetail | None:
    """Everything the person page shows, in a fixed number of statements, filtered for `user`."""
    person = db.session.execute(
        select(Person)
        .where(Person.id == person_id)
        .options(
            defer(Person.lived_experience, raiseload=True),
            selectinload(Person.emails),
            selectinload(Person.phones),
            selectinload(Person.topics),
            joinedload(Person.owner),
            selectinload(Person.assessments).options(
                joinedload(StakeholderAssessment.assessed_by), joinedload(StakeholderAssessment.topic)
            ),
            selectinload(Person.conflicts),
            selectinload(Person.honoraria),
        )
    ).scalar_one_or_none()
    if person is None:
        return None
    visible = can_see_lived_experience(user, person)
    detail = PersonDetail(person=person, lived_experience_visible=visible)
    if visible:
        # Loaded only for those who may see it; the template reads it from here.
        detail.lived_experience = db.session.execute(
            select(Person.lived_experience).where(Person.id == person.id)
        ).scalar_one()
    affiliations = db.session.execute(
        select(Affiliation)
        .where(Affiliation.person_id == person.id)
        .options(joinedload(Affiliation.organisation))
        .order_by(Affiliation.start_on.desc(), Affiliation.id.desc())
    ).scalars()
    detail.current_affiliations, detail.past_affiliations = split_current(affiliations)
    detail.forums = history.forum_memberships(history.PERSON, person.id)
    detail.consultations = history.consultations(user, history.PERSON, person.id)
    detail.engagements = timeline.person_engagements(person.id)
    detail.inputs = history.inputs(user, history.PERSON, person.id, Input.topic)
    detail.written = written_timeline(user, "people", person.id)
    detail.last_interaction = visible_last_interactions(user, [person.id]).get(person.id)
    return detail


def form_values(person: Person, include_lived_experience: bool) -> dict:
    """The edit form's initial values for `person`."""
    affiliation = current_affiliations([person.id]).get(person.id)
    values = {
        "name": person.name,
        "email": person.emails[0].email if person.emails else "",
        "other_emails": "\n".join(e.email for e in person.emails[1:]),
        "phones": "\n".join(p.number for p in person.phones),
        "pronouns": person.pronouns,
        "title": person.title,
        "country": person.country or "",
        "languages": ", ".join(person.languages or []),
        "time_zone": person.time_zone or "",
        "topics": [t.id for t in person.topics],
        "links": "\n".join(person.links or []),
        "bio": person.bio,
        "owner": str(person.owner_id or ""),
        "organisation": affiliation.organisation.name if affiliation else "",
        "nda_status": person.nda_status,
        "consent_basis": person.consent_basis or "",
        "consent_on": person.consent_on,
        "do_not_contact": person.do_not_contact,
        "version": person.version,
        **{k: getattr(person, k) for k in CONSENT_SCOPES},
    }
    if include_lived_experience:
        values["lived_experience"] = person.lived_experience
    return values
