"""The regulator evidence pack: how outside expertise shaped policy on one topic over a period.

Participants are pseudonymised ("Expert A", "Organisation A") unless the person consented to
being named to regulators; pseudonyms are stable within a pack (by record id, so the same
data always gives the same letters). Only consultations the generating user may see are
included, and the pack is marked RESTRICTED when any restricted one is.
"""

import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from engage.auth.models import User
from engage.auth.permissions import may_name, visible_consultations
from engage.briefings.points import DECISION_OPTIONS
from engage.briefings.policy_changes import current_label, policies_on
from engage.consultations.models import (
    CONFIDENTIALITY,
    CONSULTATION_KINDS,
    OUTCOMES,
    Consultation,
    Decision,
    Input,
    consultation_topics,
)
from engage.extensions import db
from engage.policies.models import VERSION_STANDINGS, Policy, PolicyVersion, current_version, version_standing
from engage.topics.models import Topic

CLASSIFICATION_DEFAULT = "CONFIDENTIAL — PREPARED FOR A REGULATOR"
CLASSIFICATION_RESTRICTED = "RESTRICTED"

CSV_HEADER = [
    "consultation_date",
    "consultation",
    "kind",
    "confidentiality",
    "participants",
    "raised_by",
    "input",
    "outcome",
    "rationale",
    "decided_on",
    "policy_version",
    "clause_key",
    "no_change",
    "public_release_on",
]


def letter_code(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA: spreadsheet-style labels for pseudonyms."""
    label = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        label = string.ascii_uppercase[rest] + label
    return label


@dataclass
class EvidenceInput:
    raised_by: str
    text: str
    outcome: str
    rationale: str
    decided_on: date | None
    version: str
    clause: str
    no_change: bool
    public_release_on: date | None
    standing: str = ""  # the version against its policy's current one: "current", "superseded" …


@dataclass
class EvidenceConsultation:
    held_on: date
    title: str
    kind: str
    confidentiality: str
    participants: list[str]
    inputs: list[EvidenceInput] = field(default_factory=list)


@dataclass
class EvidenceData:
    topic: str
    topic_id: int
    date_from: date
    date_to: date
    consultations: list[EvidenceConsultation]
    named_people: int
    pseudonymised_people: int
    pseudonymised_organisations: int
    clause_changes: list[tuple[str, str, int]]  # (version, clause key, inputs that drove it)
    policies: list[tuple[str, str, str]]  # (code, title, current version) of the topic's policies
    classification: str
    includes_restricted: bool
    generated_by: str
    generated_at: datetime
    generated_label: str

    @property
    def input_count(self) -> int:
        return sum(len(c.inputs) for c in self.consultations)

    def csv_rows(self) -> list[list]:
        rows = []
        for c in self.consultations:
            base = [c.held_on.isoformat(), c.title, c.kind, c.confidentiality, "; ".join(c.participants)]
            if not c.inputs:
                rows.append([*base, "", "", "", "", "", "", "", "", ""])
            for i in c.inputs:
                rows.append(
                    [
                        *base,
                        i.raised_by,
                        i.text,
                        i.outcome,
                        i.rationale,
                        i.decided_on.isoformat() if i.decided_on else "",
                        i.version,
                        i.clause,
                        "yes" if i.no_change else "",
                        i.public_release_on.isoformat() if i.public_release_on else "",
                    ]
                )
        return rows


def gather_evidence(
    topic: Topic, date_from: date, date_to: date, user: User, now: datetime | None = None
) -> EvidenceData:
    """Consultations on `topic` held in [date_from, date_to] that `user` may see, with their inputs."""
    now = now or datetime.now(UTC)
    consultations = list(
        db.session.execute(
            select(Consultation)
            .where(
                Consultation.held_on.between(date_from, date_to),
                Consultation.id.in_(
                    select(consultation_topics.c.consultation_id).where(consultation_topics.c.topic_id == topic.id)
                ),
                visible_consultations(user),
            )
            .options(
                selectinload(Consultation.people),
                selectinload(Consultation.organisations),
                selectinload(Consultation.inputs).options(
                    joinedload(Input.person),
                    joinedload(Input.organisation),
                    *DECISION_OPTIONS,
                    joinedload(Input.decision)
                    .joinedload(Decision.policy_version)
                    .joinedload(PolicyVersion.policy)
                    .selectinload(Policy.versions),
                ),
            )
            .order_by(Consultation.held_on, Consultation.id)
        ).scalars()
    )

    people, orgs = {}, {}
    for c in consultations:
        for p in c.people:
            people[p.id] = p
        for o in c.organisations:
            orgs[o.id] = o
        for i in c.inputs:
            if i.person is not None:
                people[i.person.id] = i.person
            if i.organisation is not None:
                orgs[i.organisation.id] = i.organisation
    names: dict[tuple[str, int], str] = {}
    # Named only with a recorded basis and date and the regulator scope (never once erased).
    hidden = [pid for pid in sorted(people) if not may_name(people[pid], "consent_regulator")]
    for n, pid in enumerate(hidden):
        names[("p", pid)] = f"Expert {letter_code(n)}"
    for pid in sorted(set(people) - set(hidden)):
        names[("p", pid)] = people[pid].name
    # Organisations have no consent record of their own: never named to a regulator here.
    for n, oid in enumerate(sorted(orgs)):
        names[("o", oid)] = f"Organisation {letter_code(n)} ({orgs[oid].kind_label})"

    today = now.date()
    rows, changes = [], {}
    includes_restricted = False
    for c in consultations:
        includes_restricted |= c.confidentiality == "restricted"
        row = EvidenceConsultation(
            held_on=c.held_on,
            title=c.title,
            kind=CONSULTATION_KINDS.get(c.kind, c.kind),
            confidentiality=CONFIDENTIALITY.get(c.confidentiality, c.confidentiality),
            participants=[names[("p", p.id)] for p in c.people] + [names[("o", o.id)] for o in c.organisations],
        )
        for i in c.inputs:
            d = i.decision
            version = d.policy_version if d else None
            version_label = f"{version.policy.code} {version.label}" if version else ""
            clause = d.clause.key if d and d.clause else ""
            if d and not d.no_change and (version_label or clause):
                key = (version_label, clause)
                changes[key] = changes.get(key, 0) + 1
            if i.person_id:
                raised_by = names[("p", i.person_id)]
            elif i.organisation_id:
                raised_by = names[("o", i.organisation_id)]
            else:
                raised_by = "Not recorded"
            row.inputs.append(
                EvidenceInput(
                    raised_by=raised_by,
                    text=i.text,
                    outcome=OUTCOMES.get(d.outcome, d.outcome) if d else "No decision yet",
                    rationale=d.rationale if d else "",
                    decided_on=d.decided_on if d else None,
                    version=version_label,
                    clause=clause,
                    no_change=bool(d and d.no_change),
                    public_release_on=version.public_release_on if version else None,
                    standing=_standing(version, today),
                )
            )
        rows.append(row)

    return EvidenceData(
        topic=topic.name,
        topic_id=topic.id,
        date_from=date_from,
        date_to=date_to,
        consultations=rows,
        named_people=len(people) - len(hidden),
        pseudonymised_people=len(hidden),
        pseudonymised_organisations=len(orgs),
        clause_changes=sorted((v, k, n) for (v, k), n in changes.items()),
        policies=[(p.code, p.title, current_label(p, today)) for p in policies_on([topic.id])],
        classification=CLASSIFICATION_RESTRICTED if includes_restricted else CLASSIFICATION_DEFAULT,
        includes_restricted=includes_restricted,
        generated_by=user.name,
        generated_at=now,
        generated_label=f"{now:%d %b %Y %H:%M} UTC",
    )


def _standing(version: PolicyVersion | None, today: date) -> str:
    if version is None:
        return ""
    return VERSION_STANDINGS[version_standing(version, current_version(version.policy.versions, today), today)]
