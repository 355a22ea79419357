""" "You said, we did": a letter to one expert listing their points in a period and our decisions.

The letter leaves the organisation, so it is stricter than any screen:
- only consultations that are not restricted are used, whoever generates it;
- a decision tied to a policy version not yet publicly released reads "Under review", with no
  detail, until the release date (`PolicyVersion.is_released(today)`);
- a change names the version it went into and how that stands today (current, not yet in
  effect, superseded), by the one definition of a current version (`current_version`);
- other experts are never named; organisations only where the consultation is not
  confidential; the person's own consent scope is stated (quotable in public or not).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from engage.briefings.points import DECISION_OPTIONS, latest
from engage.briefings.policy_changes import day_label
from engage.consultations.models import CONSULTATION_KINDS, OUTCOMES, Consultation, Decision, Input
from engage.extensions import db
from engage.people.models import Person
from engage.policies.models import Policy, PolicyVersion, current_version, version_standing

UNDER_REVIEW = "Under review"


@dataclass
class LetterPoint:
    text: str
    topic: str
    outcome: str
    rationale: str = ""
    change: str = ""
    standing: str = ""  # how the version changed stands today: "current version since 1 Jan 2026" …
    embargoed_until_public: bool = False


@dataclass
class LetterMeeting:
    held_on: date
    title: str
    kind: str
    organisations: list[str]
    others: int  # other experts present, counted never named
    points: list[LetterPoint] = field(default_factory=list)


@dataclass
class LetterData:
    person_id: int
    name: str
    title: str
    date_from: date
    date_to: date
    today: date
    meetings: list[LetterMeeting]
    quotable: bool
    signed_by: str
    as_of: datetime  # the data's freeze time: the latest change to what the letter reads
    classification: str = "PERSONAL — FOR THE ADDRESSEE"

    @property
    def point_count(self) -> int:
        return sum(len(m.points) for m in self.meetings)


def _letter_point(item: Input, today: date) -> LetterPoint:
    decision = item.decision
    topic = item.topic.name if item.topic else ""
    if decision is None or decision.outcome == "under_review":
        return LetterPoint(item.text, topic, UNDER_REVIEW)
    version = decision.policy_version
    if version is not None and not version.is_released(today):
        # Embargo: say nothing about the outcome until the version is public.
        return LetterPoint(item.text, topic, UNDER_REVIEW, embargoed_until_public=True)
    change = standing = ""
    if decision.no_change:
        change = "No change to the policy"
    elif version is not None:
        change = f"{version.policy.code} {version.label}"
        if decision.clause is not None:
            change += f", clause {decision.clause.key}"
        standing = _standing(version, today)
    outcome = OUTCOMES.get(decision.outcome, decision.outcome)
    return LetterPoint(item.text, topic, outcome, decision.rationale, change, standing)


def _standing(version: PolicyVersion, today: date) -> str:
    current = current_version(version.policy.versions, today)
    standing = version_standing(version, current, today)
    if standing == "current":
        return f"The current version, in effect since {day_label(version.effective_on)}."
    if standing == "upcoming":
        return f"Takes effect on {day_label(version.effective_on)}." if version.effective_on else "Not yet in effect."
    # "embargoed" never reaches a letter (the point reads "Under review"): superseded.
    later = f" by {current.label}" if current is not None else ""
    return f"In effect from {day_label(version.effective_on)}, since replaced{later}."


def gather_letter(
    person: Person, date_from: date, date_to: date, today: date, signed_by: str, now: datetime | None = None
) -> LetterData:
    """The letter's content for `person` over [date_from, date_to], as of `today`."""
    consultations = list(
        db.session.execute(
            select(Consultation)
            .where(
                Consultation.confidentiality != "restricted",
                Consultation.held_on.between(date_from, date_to),
                Consultation.id.in_(select(Input.consultation_id).where(Input.person_id == person.id)),
            )
            .options(selectinload(Consultation.organisations), selectinload(Consultation.people))
            .order_by(Consultation.held_on, Consultation.id)
        ).scalars()
    )
    ids = [c.id for c in consultations]
    inputs = []
    if ids:
        inputs = list(
            db.session.execute(
                select(Input)
                .where(Input.person_id == person.id, Input.consultation_id.in_(ids))
                .options(
                    joinedload(Input.topic),
                    *DECISION_OPTIONS,
                    # Every version of each policy a decision changed: how that version stands today.
                    joinedload(Input.decision)
                    .joinedload(Decision.policy_version)
                    .joinedload(PolicyVersion.policy)
                    .selectinload(Policy.versions),
                )
                .order_by(Input.id)
            ).scalars()
        )
    meetings = {}
    for c in consultations:
        meetings[c.id] = LetterMeeting(
            held_on=c.held_on,
            title=c.title,
            kind=CONSULTATION_KINDS.get(c.kind, c.kind),
            organisations=[o.name for o in c.organisations] if c.confidentiality == "normal" else [],
            others=sum(1 for p in c.people if p.id != person.id),
        )
    for item in inputs:
        meetings[item.consultation_id].points.append(_letter_point(item, today))
    return LetterData(
        person_id=person.id,
        name=person.name,
        title=person.title,
        date_from=date_from,
        date_to=date_to,
        today=today,
        meetings=[m for m in meetings.values() if m.points],
        quotable=person.consent_public,
        signed_by=signed_by,
        as_of=latest(
            person.updated_at,
            *(c.updated_at for c in consultations),
            *(stamp for i in inputs for stamp in (i.updated_at, i.decision.updated_at if i.decision else None)),
        )
        or datetime.combine(today, time(), UTC),
    )
