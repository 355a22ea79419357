"""The relationship network: people, organisations and forums linked by current affiliations,
forum seats and consultations shared, for a topic and a region, in a fixed number of statements.
Co-participation edges count only consultations the reader may see (`visible_consultations`,
inside the query): a restricted consultation never links two people for someone who may not open
it. The filters are the stakeholder grid's (engage/reports/maps.py)."""

from dataclasses import dataclass
from datetime import date
from itertools import combinations

from flask import url_for
from sqlalchemy import and_, func, or_, select

from engage import choices, regions
from engage.affiliations.services import current_affiliation_clause
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import Consultation, consultation_people, consultation_topics
from engage.extensions import db
from engage.forums.models import Forum, ForumMember
from engage.organizations.models import Affiliation, Organisation, organisation_topics
from engage.people.models import Person
from engage.reports.maps import Filters, _person_filter, filters

MAX_NODES = 150  # the network draws the most connected nodes

# --- 2. the relationship network ---------------------------------------------------------------------

PERSON, ORGANISATION, FORUM = "person", "organisation", "forum"
RELATIONS = {"affiliation": "works at", "forum": "sits on", "consultation": "consulted with"}


@dataclass
class Node:
    key: str  # "p12", "o3", "f2"
    kind: str
    id: int
    degree: int
    name: str = ""
    href: str = ""


@dataclass
class Edge:
    source: str
    target: str
    relation: str  # a RELATIONS key
    weight: int = 1  # consultations shared, for co-participation


@dataclass
class Network:
    filters: Filters
    nodes: list[Node]
    edges: list[Edge]
    total_nodes: int  # around the pool of people, before the cap
    total_edges: int
    pooled: bool = False  # more people took part in consultations than the pool holds

    @property
    def capped(self) -> bool:
        return self.pooled or self.total_nodes > len(self.nodes)

    def node(self, key: str) -> Node:
        return self._by_key[key]

    def __post_init__(self):
        self._by_key = {n.key: n for n in self.nodes}

    def graph(self) -> dict:
        """What static/js/network.js draws (the page's data-graph attribute)."""
        return {
            "nodes": [
                {"id": n.key, "label": n.name, "kind": n.kind, "degree": n.degree, "href": n.href} for n in self.nodes
            ],
            "edges": [
                {"source": e.source, "target": e.target, "relation": e.relation, "weight": e.weight} for e in self.edges
            ],
        }


def _most_consulted(user: User, f: Filters) -> list[int]:
    """The ids of the POOL people (in the filters) who took part in most consultations the reader may
    see (on the topic, when given): the network is drawn around them, so that no query reads every
    pair of participants of every consultation (half a million pairs at 100,000 people)."""
    stmt = (
        select(consultation_people.c.person_id)
        .join(Consultation, Consultation.id == consultation_people.c.consultation_id)
        .join(Person, Person.id == consultation_people.c.person_id)
        .where(visible_consultations(user, scan=True), *_person_filter(f, tagged=False))
        .group_by(consultation_people.c.person_id)
        .order_by(func.count().desc(), consultation_people.c.person_id)
        .limit(POOL)
    )
    if f.topic_id is not None:  # a join, not IN (SELECT …): SQLite otherwise reads every participant first
        on_topic = and_(
            consultation_topics.c.consultation_id == Consultation.id, consultation_topics.c.topic_id == f.topic_id
        )
        stmt = stmt.join(consultation_topics, on_topic)
    return list(db.session.execute(stmt).scalars())


def _affiliation_edges(f: Filters, today: date, people: list[int]) -> list[Edge]:
    stmt = (
        select(Affiliation.person_id, Affiliation.organisation_id)
        .join(Person, Person.id == Affiliation.person_id)
        .join(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(
            current_affiliation_clause(today),
            choices.active(Organisation),
            Affiliation.person_id.in_(people),
            *_person_filter(f),
        )
        .distinct()
    )
    return [Edge(f"p{p}", f"o{o}", "affiliation") for p, o in db.session.execute(stmt)]


def _organisation_filter(f: Filters) -> list:
    where = [choices.active(Organisation)]
    if f.topic_id is not None:
        tagged = select(organisation_topics.c.organisation_id).where(organisation_topics.c.topic_id == f.topic_id)
        where.append(Organisation.id.in_(tagged))
    if f.region:
        where.append(Organisation.country.in_(regions.countries_in(f.region)))
    return where


def _forum_edges(f: Filters, today: date, people: list[int]) -> list[Edge]:
    stmt = (
        select(ForumMember.forum_id, ForumMember.person_id, ForumMember.organisation_id)
        .join(Forum, Forum.id == ForumMember.forum_id)
        .outerjoin(Person, Person.id == ForumMember.person_id)
        .outerjoin(Organisation, Organisation.id == ForumMember.organisation_id)
        .where(
            choices.active(Forum),
            or_(ForumMember.term_end.is_(None), ForumMember.term_end >= today),
            or_(and_(ForumMember.person_id.in_(people), *_person_filter(f)), and_(*_organisation_filter(f))),
        )
        .distinct()
    )
    return [
        Edge(f"p{person}" if person else f"o{organisation}", f"f{forum}", "forum")
        for forum, person, organisation in db.session.execute(stmt)
    ]


def _co_participation_edges(user: User, f: Filters, people: list[int]) -> list[Edge]:
    """Two of `people` in the same consultation, one the reader may see (on the topic, when given);
    weight: how many they shared. Two statements: the pool's participations, then which of those
    consultations count, looked up by id (a pairwise join let SQLite start from every consultation on
    the topic: seconds at 100,000 people)."""
    taken = db.session.execute(
        select(consultation_people.c.consultation_id, consultation_people.c.person_id).where(
            consultation_people.c.person_id.in_(people)
        )
    ).all()
    counted = select(Consultation.id).where(
        Consultation.id.in_(sorted({c for c, _ in taken})), visible_consultations(user, scan=True)
    )
    if f.topic_id is not None:
        tagged = select(consultation_topics.c.consultation_id).where(consultation_topics.c.topic_id == f.topic_id)
        counted = counted.where(Consultation.id.in_(tagged))
    seen = set(db.session.execute(counted).scalars())
    members: dict[int, list[int]] = {}
    for consultation_id, person_id in taken:
        if consultation_id in seen:
            members.setdefault(consultation_id, []).append(person_id)
    shared: dict[tuple[int, int], int] = {}
    for group in members.values():
        group.sort()
        for x, y in combinations(group, 2):
            shared[(x, y)] = shared.get((x, y), 0) + 1
    return [Edge(f"p{x}", f"p{y}", "consultation", n) for (x, y), n in sorted(shared.items())]


def _names(nodes: list[Node]) -> None:
    """Each node's name and page: one statement per kind of node (drawn or not: a constant count)."""
    for kind, model, endpoint, arg in (
        (PERSON, Person, "people.detail", "person_id"),
        (ORGANISATION, Organisation, "organizations.detail", "organisation_id"),
        (FORUM, Forum, "forums.detail", "forum_id"),
    ):
        of_kind = {n.id: n for n in nodes if n.kind == kind}
        for record_id, name in db.session.execute(select(model.id, model.name).where(model.id.in_(sorted(of_kind)))):
            of_kind[record_id].name = name
            of_kind[record_id].href = url_for(endpoint, **{arg: record_id})


KINDS = {"p": PERSON, "o": ORGANISATION, "f": FORUM}
# At most this many organisations and forums among the MAX_NODES drawn: people share consultations
# with dozens of others, so by links alone the drawing would hold people only.
QUOTA = {"o": 40, "f": 15}
POOL = 2 * MAX_NODES  # the people the network is drawn around (see _most_consulted)


def _most_connected(order: list[str]) -> set[str]:
    """The keys drawn, from `order` (most connected first): the organisations and forums within their
    quota, then people up to MAX_NODES in all."""
    kept: list[str] = []
    for prefix, most in QUOTA.items():
        kept += [k for k in order if k[0] == prefix][:most]
    room = MAX_NODES - len(kept)
    return {*kept, *[k for k in order if k[0] == "p"][:room]}


def network(user: User, topic: str | None, region: str | None, today: date) -> Network:
    f = filters(topic, region)
    people = _most_consulted(user, f)
    edges = [
        *_affiliation_edges(f, today, people),
        *_forum_edges(f, today, people),
        *_co_participation_edges(user, f, people),
    ]
    degree: dict[str, int] = {}
    for e in edges:
        degree[e.source] = degree.get(e.source, 0) + 1
        degree[e.target] = degree.get(e.target, 0) + 1
    order = sorted(degree, key=lambda k: (-degree[k], "pof".index(k[0]), int(k[1:])))
    kept = _most_connected(order)
    drawn = [e for e in edges if e.source in kept and e.target in kept]
    linked = {k for e in drawn for k in (e.source, e.target)}  # a node with no link drawn tells nothing
    nodes = [Node(k, KINDS[k[0]], int(k[1:]), degree[k]) for k in order if k in linked]
    _names(nodes)
    name = {n.key: (n.name.casefold(), n.key) for n in nodes}
    drawn.sort(key=lambda e: (list(RELATIONS).index(e.relation), -e.weight, name[e.source], name[e.target]))
    return Network(f, nodes, drawn, len(degree), len(edges), len(people) >= POOL)
