"""The two maps: the stakeholder grid (influence × stance, Mendelow's matrix) and the relationship
network (people, organisations and forums), each for a topic and a region, in a fixed number of
statements whatever the data size.

A person's place on the grid is their current assessment for the topic, as the people list reads
it (`people.queries.current_assessment_select`). The network's co-participation edges count only
consultations the reader may see (`visible_consultations`, inside the query): a restricted
consultation never links two people for someone who may not open it.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from sqlalchemy import and_, case, func, literal, or_, select

from engage import choices, regions
from engage.affiliations.services import current_affiliations
from engage.auth.models import User
from engage.extensions import db
from engage.ids import as_id
from engage.people.forms import INFLUENCE
from engage.people.models import Person, StakeholderAssessment, person_topics
from engage.people.queries import current_assessment_select

# (endpoint, title, one line for the reports index)
MAPS = [
    (
        "reports.stakeholder_grid",
        "Stakeholder grid",
        "Influence × stance on a topic (Mendelow's matrix): whom to manage closely, keep satisfied, keep "
        "informed, or monitor.",
    ),
    (
        "reports.network",
        "Relationship network",
        "People, organisations and forums linked by affiliations, forum seats and consultations shared.",
    ),
]
HIGH_INFLUENCE = 4  # 4 "high" and 5 "very high" on the assessment's scale (people/forms.py INFLUENCE)
SUPPORTIVE = "supportive"
STANCE_ORDER = ("unknown", "critical", "neutral", SUPPORTIVE)  # left to right: supportive is the "high" side
CAP = 25  # people listed per quadrant; the rest are counted and linked to the people list

# key -> (name, who is in it, what to do), Mendelow's names for the four quadrants
QUADRANTS = {
    "satisfy": ("Keep satisfied", "High influence, not (yet) supportive", "Meet their needs; engage and consult."),
    "manage": ("Manage closely", "High influence, supportive: key players", "Involve them fully; work together."),
    "monitor": ("Monitor", "Lower influence, not (yet) supportive", "Keep an eye on them; minimum effort."),
    "inform": ("Keep informed", "Lower influence, supportive", "Keep them informed; they can help on detail."),
}


def quadrant_of(influence: int, stance: str) -> str:
    high, supportive = influence >= HIGH_INFLUENCE, stance == SUPPORTIVE
    return ("manage" if supportive else "satisfy") if high else ("inform" if supportive else "monitor")


def _quadrant_sql(influence, stance):
    high, supportive = influence >= HIGH_INFLUENCE, stance == SUPPORTIVE
    return case((and_(high, supportive), "manage"), (high, "satisfy"), (supportive, "inform"), else_=literal("monitor"))


# --- the filters ----------------------------------------------------------------------------------


@dataclass
class Filters:
    topic_id: int | None
    topic_name: str | None
    region: str | None
    topics: list[tuple[int, str]]
    regions: tuple[str, ...] = regions.REGIONS
    messages: list[str] = field(default_factory=list)  # filters ignored, and why

    def args(self) -> dict:
        return {k: v for k, v in (("topic", self.topic_id), ("region", self.region)) if v is not None}


def filters(topic: str | None, region: str | None) -> Filters:
    """The topic (an id) and region asked for; one that names nothing is ignored, and said (one statement)."""
    pairs = choices.topics(include_inactive=True)
    names = dict(pairs)
    found = Filters(None, None, None, [(i, n) for i, n in pairs])
    topic, region = (topic or "").strip(), (region or "").strip()
    if topic:
        topic_id = as_id(topic)
        if topic_id in names:
            found.topic_id, found.topic_name = topic_id, names[topic_id]
        else:
            found.messages.append(f"No topic has the id “{topic[:40]}”: showing all topics.")
    if region:
        if region in regions.REGIONS:
            found.region = region
        else:
            found.messages.append(f"“{region[:40]}” is not a region: showing every region.")
    return found


def _person_filter(f: Filters, tagged: bool = True) -> list:
    """Conditions on Person: not archived, in the region, and (when `tagged`) tagged with the topic."""
    where = [choices.active(Person)]
    if tagged and f.topic_id is not None:
        where.append(Person.id.in_(select(person_topics.c.person_id).where(person_topics.c.topic_id == f.topic_id)))
    if f.region:
        where.append(Person.country.in_(regions.countries_in(f.region)))
    return where


# --- 1. the stakeholder grid ------------------------------------------------------------------------


@dataclass
class Placed:
    person_id: int
    name: str
    influence: int
    stance: str
    assessed_on: date
    region: str | None
    organisation: str | None = None
    organisation_id: int | None = None


@dataclass
class Quadrant:
    key: str
    name: str
    who: str
    advice: str
    total: int = 0
    people: list[Placed] = field(default_factory=list)
    more_links: list[tuple[str, str]] = field(default_factory=list)  # (stance, people list address)

    @property
    def more(self) -> int:
        return self.total - len(self.people)


@dataclass
class Grid:
    filters: Filters
    cells: dict[tuple[int, str], int]  # (influence, stance) -> people
    quadrants: dict[str, Quadrant]
    influence_labels: dict[int, str] = field(default_factory=lambda: dict(INFLUENCE))
    stances: tuple[str, ...] = STANCE_ORDER
    cap: int = CAP

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def grid(user: User, topic: str | None, region: str | None) -> Grid:
    f = filters(topic, region)
    current = current_assessment_select(f.topic_id).subquery()
    where = _person_filter(f, tagged=False)
    if f.topic_id is not None:  # the topic's stakeholders: tagged with it, or assessed on it in particular
        named = select(StakeholderAssessment.person_id).where(StakeholderAssessment.topic_id == f.topic_id)
        tagged = select(person_topics.c.person_id).where(person_topics.c.topic_id == f.topic_id)
        where.append(or_(Person.id.in_(tagged), Person.id.in_(named)))
    placed = select(current).join(Person, Person.id == current.c.person_id).where(*where).subquery()
    cells = {
        (influence, stance): n
        for influence, stance, n in db.session.execute(
            select(placed.c.influence, placed.c.stance, func.count()).group_by(placed.c.influence, placed.c.stance)
        )
    }
    quadrant = _quadrant_sql(placed.c.influence, placed.c.stance)
    ranked = (
        select(
            Person.id,
            Person.name,
            Person.country,
            placed.c.influence,
            placed.c.stance,
            placed.c.assessed_on,
            quadrant.label("quadrant"),
            func.row_number()
            .over(partition_by=quadrant, order_by=(placed.c.influence.desc(), Person.name, Person.id))
            .label("rank"),
        )
        .join(Person, Person.id == placed.c.person_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked).where(ranked.c.rank <= CAP).order_by(ranked.c.quadrant, ranked.c.rank)
    ).all()
    quadrants = {key: Quadrant(key, *text) for key, text in QUADRANTS.items()}
    for (influence, stance), n in cells.items():
        quadrants[quadrant_of(influence, stance)].total += n
    shown = [Placed(r.id, r.name, r.influence, r.stance, r.assessed_on, regions.region_of(r.country)) for r in rows]
    affiliations = current_affiliations([p.person_id for p in shown])
    for p, row in zip(shown, rows, strict=True):
        if (a := affiliations.get(p.person_id)) is not None:
            p.organisation, p.organisation_id = a.organisation.name, a.organisation_id
        quadrants[row.quadrant].people.append(p)
    for q in quadrants.values():
        if q.more > 0:
            stances = [SUPPORTIVE] if q.key in ("manage", "inform") else [s for s in STANCE_ORDER if s != SUPPORTIVE]
            q.more_links = [
                (s, url_for("people.index", stance=s, stance_topic=f.topic_id, region=f.region)) for s in stances
            ]
    return Grid(f, cells, quadrants)
