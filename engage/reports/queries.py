"""The four reports: what each counts, for its reader, in a fixed number of statements.

Every count over consultations goes through `visible_consultations`, so a reader's figures are the
figures over the consultations they may see (a restricted one is never counted for someone who may
not open it). Each builder returns a `Report`: the rows of its table (the CSV has the same rows)
and the series of its chart. Grouping is done by the database; Python only lays the groups out.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import and_, case, func, or_, select

from engage import choices, regions
from engage.auth.models import User
from engage.consultations.models import (
    OUTCOMES,
)
from engage.extensions import db
from engage.organizations.models import ORGANISATION_KINDS
from engage.people.models import Person
from engage.policies import outcomes
from engage.policies.models import Policy
from engage.reports import counts, coverage_counts
from engage.reports.models import ALL_TOPICS
from engage.reports.models import NO_TOPIC as NO_TOPIC_ID
from engage.topics.models import Topic

QUARTERS = 8
COVERAGE_DAYS = coverage_counts.WINDOW_DAYS  # "engaged in the last 12 months", as the policy alerts count it
MAX_MONTHS = 120
UNDECIDED = outcomes.UNDECIDED
OUTCOME_LABELS = {**OUTCOMES, UNDECIDED: "No decision yet"}
INDIVIDUAL = "individual"  # a person with no current affiliation
STAKEHOLDER_TYPES = {**ORGANISATION_KINDS, INDIVIDUAL: "Independent expert"}
NO_REGION = "Region not recorded"
NO_TOPIC = "No topic"


@dataclass
class Row:
    headers: list[str]  # the row's header cells (th scope="row")
    values: list[int]
    links: dict[int, str] = field(default_factory=dict)  # value index -> the list behind the number


@dataclass
class Report:
    key: str
    title: str
    lead: str  # what is counted, in a sentence or two
    caption: str
    row_headers: list[str]  # the column headings over the row headers
    columns: list[str]  # the column headings over the values
    rows: list[Row]
    chart: dict  # {"type", "labels", "datasets": [{"label", "data"}], "stacked", "horizontal", "title"}
    empty: str = "Nothing to count yet."
    filters: dict = field(default_factory=dict)
    grouped: bool = False  # the first row header heads a group of rows (a tbody) rather than a column

    def groups(self) -> list[tuple[str, list[Row]]]:
        """The rows in runs of the same first header: (that header, its rows)."""
        runs: list[tuple[str, list[Row]]] = []
        for row in self.rows:
            if not runs or runs[-1][0] != row.headers[0]:
                runs.append((row.headers[0], []))
            runs[-1][1].append(row)
        return runs

    def csv_rows(self) -> list[list]:
        """The table as CSV rows: the headings, then each row's headers and numbers."""
        return [[*self.row_headers, *self.columns], *([*r.headers, *r.values] for r in self.rows)]


# --- quarters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quarter:
    label: str  # "2026 Q3"
    start: date
    end: date  # exclusive


def quarters(today: date, n: int = QUARTERS) -> list[Quarter]:
    """The last `n` calendar quarters, oldest first, the last one being today's."""
    index = today.year * 4 + (today.month - 1) // 3
    found = []
    for i in range(index - n + 1, index + 1):
        year, q = divmod(i, 4)
        start = date(year, q * 3 + 1, 1)
        end = date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
        found.append(Quarter(f"{year} Q{q + 1}", start, end))
    return found


def _quarter_of(column, spans: list[Quarter]):
    """SQL: the index in `spans` of the quarter `column` (a date) falls in, else NULL."""
    return case(*((and_(column >= q.start, column < q.end), i) for i, q in enumerate(spans)), else_=None)


def _topics(ids) -> list[Topic]:
    """Active topics, and inactive ones that have figures (`ids`), by name: one statement."""
    stmt = select(Topic).where(or_(choices.active(Topic), Topic.id.in_(sorted(i for i in ids if i))))
    return list(db.session.execute(stmt.order_by(Topic.name)).scalars())


# --- 1. consultations per topic per quarter ---------------------------------------------------------


def consultations_by_topic(user: User, today: date) -> Report:
    spans = quarters(today)
    found = counts.month_counts(db.session, user, spans[0].start, spans[-1].end, lambda c: _quarter_of(c, spans))
    by_topic: dict[int | None, list[int]] = {}
    totals = [0] * len(spans)
    for (q, topic_id), n in found.items():
        if topic_id == ALL_TOPICS:
            totals[q] = n
        elif n:
            by_topic.setdefault(None if topic_id == NO_TOPIC_ID else topic_id, [0] * len(spans))[q] = n
    labels = [q.label for q in spans]
    rows = [Row([t.name], by_topic.get(t.id, [0] * len(spans))) for t in _topics(by_topic)]
    if None in by_topic:
        rows.append(Row([NO_TOPIC], by_topic[None]))
    rows.append(Row(["All consultations"], totals))
    return Report(
        key="consultations-by-topic",
        title="Consultations per topic per quarter",
        lead=f"Consultations held in each of the last eight quarters ({labels[-1]} so far), by topic. A "
        "consultation on two topics counts under each, and once in the last row.",
        caption=f"Consultations per topic, {labels[0]} to {labels[-1]} (so far)",
        row_headers=["Topic"],
        columns=labels,
        rows=rows,
        chart={
            "type": "line",
            "title": "Consultations per quarter, by topic",
            "labels": labels,
            "datasets": [{"label": r.headers[0], "data": r.values} for r in rows[:-1]],
        },
        empty="No consultation you may see was held in these quarters.",
    )


# --- 2. decision outcomes per policy over time --------------------------------------------------------


def decision_outcomes(user: User, today: date, policy_id: int | None = None) -> Report:
    spans = quarters(today)
    # The kept counts per policy and day (policies/outcomes.py: each point once per policy, as a
    # policy page counts it), with the reader's own restricted consultations added live.
    raised = outcomes.visible_outcomes(
        user, policy_ids=None if policy_id is None else [policy_id], since=spans[0].start, until=spans[-1].end
    )
    q = _quarter_of(raised.c.held_on, spans)
    keys = list(OUTCOME_LABELS)
    counts: dict[int, dict[int, list[int]]] = {}
    for pid, i, key, n in db.session.execute(
        select(raised.c.policy_id, q, raised.c.outcome, func.sum(raised.c.n)).group_by(
            raised.c.policy_id, q, raised.c.outcome
        )
    ):
        if key in OUTCOME_LABELS:
            counts.setdefault(pid, {}).setdefault(i, [0] * len(keys))[keys.index(key)] = int(n)
    policies = list(db.session.execute(select(Policy).order_by(Policy.code)).scalars())
    rows = []
    for policy in policies:
        if policy.id not in counts:
            continue
        for i, span in enumerate(spans):
            values = counts[policy.id].get(i, [0] * len(keys))
            rows.append(Row([policy.code, span.label], [*values, sum(values)]))
    by_quarter = [[0] * len(keys) for _ in spans]
    for quarters_of in counts.values():
        for i, values in quarters_of.items():
            by_quarter[i] = [a + b for a, b in zip(by_quarter[i], values, strict=True)]
    chosen = next((p for p in policies if p.id == policy_id), None)
    return Report(
        key="decision-outcomes",
        title="Decision outcomes per policy over time",
        lead="Points raised in consultations on each policy (aimed at its clauses, or decided into its "
        f"versions), by the quarter of the consultation ({spans[-1].label} so far), and the decision on each today.",
        caption=f"Decision outcomes {'on ' + chosen.code if chosen else 'per policy'} by quarter, "
        f"{spans[0].label} to {spans[-1].label}",
        row_headers=["Policy", "Quarter"],
        columns=[*OUTCOME_LABELS.values(), "Total"],
        rows=rows,
        chart={
            "type": "bar",
            "stacked": True,
            "title": f"Decision outcomes by quarter{', ' + chosen.code if chosen else ', all policies'}",
            "labels": [q.label for q in spans],
            "datasets": [
                {"label": label, "key": key, "data": [values[k] for values in by_quarter]}
                for k, (key, label) in enumerate(OUTCOME_LABELS.items())
            ],
        },
        empty="No point raised in a consultation you may see concerns a policy in these quarters.",
        grouped=True,
        filters={"policy": policy_id, "policies": [(p.id, f"{p.code} · {p.title}") for p in policies]},
    )


# --- 3. engagement coverage by region × topic × stakeholder type ---------------------------------------


def coverage(user: User, today: date) -> Report:
    since = today - timedelta(days=COVERAGE_DAYS)
    type_keys = list(STAKEHOLDER_TYPES)
    cells: dict[tuple[int, str], list[int]] = {}
    for (topic_id, region, stakeholder), n in coverage_counts.cells(db.session, user, today).items():
        region = region or NO_REGION
        key = stakeholder if stakeholder in STAKEHOLDER_TYPES else INDIVIDUAL if not stakeholder else "other"
        cells.setdefault((topic_id, region), [0] * len(type_keys))[type_keys.index(key)] += n
    region_names = [*regions.REGIONS, *([NO_REGION] if any(r == NO_REGION for _, r in cells) else [])]
    topics = _topics({t for t, _ in cells})
    rows = []
    for topic in topics:
        for region in region_names:
            values = cells.get((topic.id, region), [0] * len(type_keys))
            rows.append(Row([topic.name, region], [*values, sum(values)]))
    by_topic = {r.headers[0]: {} for r in rows}
    for r in rows:
        by_topic[r.headers[0]][r.headers[1]] = r.values[-1]
    return Report(
        key="coverage",
        title="Engagement coverage by region, topic and stakeholder type",
        lead="Experts we met in consultations or who took part in engagements in the last 12 months "
        f"(since {since:%-d %b %Y}), by the region of their country, the topic, and the kind of their current "
        "organisation (their stakeholder type). Each is counted once per topic; a 0 is a gap.",
        caption="Experts engaged in the last 12 months, by topic, region and stakeholder type",
        row_headers=["Topic", "Region"],
        columns=[*STAKEHOLDER_TYPES.values(), "Total"],
        rows=rows if cells else [],
        chart={
            "type": "bar",
            "stacked": True,
            "horizontal": True,
            "title": "Experts engaged per topic, by region",
            "labels": [t.name for t in topics],
            "datasets": [
                {"label": region, "data": [by_topic[t.name].get(region, 0) for t in topics]} for region in region_names
            ],
        },
        empty="No expert was met in a consultation you may see, or took part in an engagement, in the last 12 months.",
        grouped=True,
    )


# --- 4. cooling relationships by owner ---------------------------------------------------------------


def cooling(user: User, today: date, months: int = choices.COOLING_DEFAULT) -> Report:
    since = choices.months_before(today, months)
    stmt = (
        select(
            Person.owner_id,
            func.count(),
            func.sum(case((choices.not_contacted_since(since), 1), else_=0)),
            func.sum(case((Person.last_interaction_on.is_(None), 1), else_=0)),
        )
        .where(Person.owner_id.is_not(None), choices.active(Person))
        .group_by(Person.owner_id)
    )
    counts = {owner: (owned, cool or 0, never or 0) for owner, owned, cool, never in db.session.execute(stmt)}
    owners = db.session.execute(select(User).where(User.id.in_(sorted(counts))).order_by(User.name, User.id)).scalars()
    linked = months in choices.COOLING_MONTHS  # the people list filters by these only
    rows = []
    for owner in owners:
        owned, cool, never = counts[owner.id]
        links = {0: url_for("people.index", owner=owner.id)}
        if linked:
            links[1] = url_for("people.index", owner=owner.id, cooling=months)
        rows.append(Row([owner.name], [owned, cool, never, owned - cool], links))
    label = f"{months} month{'s' if months != 1 else ''}"
    return Report(
        key="cooling",
        title="Cooling relationships by owner",
        lead=f"The people each relationship owner looks after (not archived), and how many of them have not "
        f"been contacted for {label}, since {since:%-d %b %Y} (their last contact, as the people list shows it).",
        caption=f"People each owner looks after not contacted for {label}",
        row_headers=["Owner"],
        columns=["People looked after", f"Not contacted for {label}", "Never contacted", "Contacted since"],
        rows=rows,
        chart={
            "type": "bar",
            "stacked": True,
            "horizontal": True,
            "title": f"People looked after: contacted in the last {label} or not",
            "labels": [r.headers[0] for r in rows],
            "datasets": [
                {"label": f"Not contacted for {label}", "data": [r.values[1] for r in rows]},
                {"label": "Contacted since", "data": [r.values[3] for r in rows]},
            ],
        },
        empty="Nobody has a relationship owner yet.",
        filters={"months": months},
    )
