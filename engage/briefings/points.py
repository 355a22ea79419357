"""Points raised and what we decided: loading them with their decisions, and the pack's
"what they told us" rows and likely questions."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from engage.consultations.models import OUTCOMES, Consultation, Decision, Input
from engage.extensions import db
from engage.policies.models import PolicyVersion

LIKELY_QUESTIONS = 20  # read; the pack shows fewer and says how many more there are


# An input's decision with its policy version, policy and clause: what every document says about it.
DECISION_OPTIONS = (
    joinedload(Input.decision).joinedload(Decision.policy_version).joinedload(PolicyVersion.policy),
    joinedload(Input.decision).joinedload(Decision.clause),
)
INPUT_OPTIONS = (joinedload(Input.consultation), joinedload(Input.topic), *DECISION_OPTIONS)


@dataclass
class Point:
    held_on: date
    consultation: str
    text: str
    topic: str
    outcome: str
    rationale: str
    change: str  # "MH-SSH v3 · MH-SSH 3.2", "No change" or ""
    raised_by: str = ""
    as_of: datetime | None = None  # the latest change to the point, its decision or its consultation
    restricted: bool = False  # raised in a restricted consultation
    count: int = 1  # how many times they made this point (repeats are collapsed into one row)


def to_point(item: Input, raised_by: str = "") -> Point:
    decision = item.decision
    change = ""
    if decision is not None:
        if decision.no_change:
            change = "No change"
        elif decision.policy_version is not None:
            version = decision.policy_version
            change = f"{version.policy.code} {version.label}"
            if decision.clause is not None:
                change += f" · {decision.clause.key}"
        elif decision.clause is not None:
            change = decision.clause.key
    return Point(
        held_on=item.consultation.held_on,
        consultation=item.consultation.title,
        text=item.text,
        topic=item.topic.name if item.topic else "",
        outcome=OUTCOMES.get(decision.outcome, decision.outcome) if decision else "No decision yet",
        rationale=decision.rationale if decision else "",
        change=change,
        raised_by=raised_by,
        restricted=item.consultation.confidentiality == "restricted",
        as_of=latest(item.updated_at, item.consultation.updated_at, decision.updated_at if decision else None),
    )


def _same(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".!?")


def collapse(points: list[Point]) -> list[Point]:
    """The points with repeats of the same words by the same person (case and spacing aside)
    folded into the first one, which counts them; the order is kept."""
    kept: dict[str, Point] = {}
    for point in points:
        first = kept.setdefault(_same(f"{point.raised_by}\0{point.text}"), point)
        if first is not point:
            first.count += 1
            first.restricted |= point.restricted
    return list(kept.values())


def latest(*stamps: datetime | None) -> datetime | None:
    """The latest of the given instants that are known."""
    return max((s for s in stamps if s is not None), default=None)


def likely_questions(names: dict[int, str], visible) -> tuple[list[Point], int]:
    """What we declined or parked for the people in `names` (id → name), newest first, in
    consultations matching `visible` (repeats folded); and how many such points there are in all.

    Only ever for people we may name: their own words could identify them.
    """
    if not names:
        return [], 0
    where = (Input.person_id.in_(list(names)), Decision.outcome.in_(("declined", "parked")), visible)
    joined = select(Input).join(Consultation, Input.consultation_id == Consultation.id)
    joined = joined.join(Decision, Decision.input_id == Input.id).where(*where)
    inputs = db.session.execute(
        joined.options(*INPUT_OPTIONS).order_by(Consultation.held_on.desc(), Input.id.desc()).limit(LIKELY_QUESTIONS)
    ).scalars()
    total = db.session.execute(select(func.count()).select_from(joined.subquery())).scalar_one()
    return collapse([to_point(i, names[i.person_id]) for i in inputs]), total
