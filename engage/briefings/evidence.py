"""The regulator evidence pack: how outside expertise shaped policy on one topic over a period.

Participants are pseudonymised ("Expert A", "Organisation A") unless the person consented to
being named to regulators; pseudonyms are stable within a pack (by record id, so the same
data always gives the same letters). Only consultations the generating user may see are
included, and the pack is marked RESTRICTED when any restricted one is.
"""

import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from engage.auth.models import User
from engage.briefings import evidence_reads as reads
from engage.briefings.policy_changes import current_label, policies_on
from engage.consultations.models import CONFIDENTIALITY, CONSULTATION_KINDS, OUTCOMES
from engage.organizations.models import ORGANISATION_KINDS
from engage.policies.models import VERSION_STANDINGS, PolicyVersion, current_version, version_standing
from engage.topics.models import Topic

CLASSIFICATION_DEFAULT = "CONFIDENTIAL — PREPARED FOR A REGULATOR"
CLASSIFICATION_RESTRICTED = "RESTRICTED"

PDF_POINTS = 150  # points listed one by one in the PDF; the CSV lists them all

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
    as_of: datetime  # the data's freeze time: the latest change to anything the pack reads
    as_of_label: str

    @property
    def input_count(self) -> int:
        return sum(len(c.inputs) for c in self.consultations)

    def outcome_counts(self) -> list[tuple[str, int]]:
        """How many points ended how, in the order of OUTCOMES (then "No decision yet")."""
        counts: dict[str, int] = {}
        for c in self.consultations:
            for i in c.inputs:
                counts[i.outcome] = counts.get(i.outcome, 0) + 1
        order = [*OUTCOMES.values(), "No decision yet"]
        return [(label, counts[label]) for label in order if label in counts]

    def printed(self, limit: int = PDF_POINTS) -> tuple[list["EvidenceConsultation"], int]:
        """The consultations the PDF lists point by point (in date order, whole consultations, up to
        about `limit` points) and how many points that is. The CSV always holds every point: laying
        out tens of thousands of table rows took WeasyPrint minutes, and nobody reads them on paper."""
        shown, points = [], 0
        for c in self.consultations:
            if points >= limit:
                break
            shown.append(c)
            points += len(c.inputs)
        return shown, points

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
    """The harm area's points raised in [date_from, date_to] in consultations `user` may see,
    their decisions, and the clause changes of the harm area's policies they drove.

    Reads plain rows (evidence_reads) in a fixed number of statements. `now` is only "today" for
    a version's standing; the pack's date is the data's freeze time (`as_of`), so the same data
    gives the same bytes.
    """
    now = now or datetime.now(UTC)
    today = now.date()
    scope = reads.consultations_in_scope(topic.id, date_from, date_to, user)
    consultations = reads.consultations(scope)
    point_rows = reads.points(scope, topic.id)
    people_pairs, org_pairs = reads.participants(scope)

    person_ids = {p for _, p in people_pairs} | {r.person_id for r in point_rows if r.person_id}
    org_ids = {o for _, o in org_pairs} | {r.organisation_id for r in point_rows if r.organisation_id}
    people = reads.people(person_ids)
    names = _pseudonyms(people, reads.organisation_kinds(org_ids))

    policies = reads.policies()
    versions = {v.id: (p, v) for p in policies for v in p.versions}
    currents = {p.id: current_version(p.versions, today) for p in policies}
    clauses = reads.clause_keys({r.clause_id for r in point_rows if r.clause_id})
    stamps = [c.updated_at for c in consultations] + [stamp for _, stamp in people.values()]

    by_consultation: dict[int, EvidenceConsultation] = {}
    includes_restricted = False
    for c in consultations:
        includes_restricted |= c.confidentiality == "restricted"
        by_consultation[c.id] = EvidenceConsultation(
            held_on=c.held_on,
            title=c.title,
            kind=CONSULTATION_KINDS.get(c.kind, c.kind),
            confidentiality=CONFIDENTIALITY.get(c.confidentiality, c.confidentiality),
            participants=[],
        )
    for consultation_id, person_id in people_pairs:
        by_consultation[consultation_id].participants.append(names[("p", person_id)])
    for consultation_id, org_id in org_pairs:
        by_consultation[consultation_id].participants.append(names[("o", org_id)])

    changes: dict[tuple[str, str], int] = {}
    for r in point_rows:
        stamps += [r.updated_at, r.decision_updated_at]
        policy, version = versions.get(r.policy_version_id, (None, None))
        version_label = f"{policy.code} {version.label}" if version else ""
        clause = clauses.get(r.clause_id, "")
        # The pack's "resulting clause changes" are those of the harm area's own policies.
        if r.outcome and not r.no_change and version and policy.topic_id == topic.id:
            changes[(version_label, clause)] = changes.get((version_label, clause), 0) + 1
        if r.person_id:
            raised_by = names[("p", r.person_id)]
        elif r.organisation_id:
            raised_by = names[("o", r.organisation_id)]
        else:
            raised_by = "Not recorded"
        by_consultation[r.consultation_id].inputs.append(
            EvidenceInput(
                raised_by=raised_by,
                text=r.text,
                outcome=OUTCOMES.get(r.outcome, r.outcome) if r.outcome else "No decision yet",
                rationale=r.rationale or "",
                decided_on=r.decided_on,
                version=version_label,
                clause=clause,
                no_change=bool(r.no_change),
                public_release_on=version.public_release_on if version else None,
                standing=_standing(version, currents.get(policy.id) if policy else None, today),
            )
        )

    own_policies = [p for p in policies_on([topic.id])]
    stamps += [p.updated_at for p in own_policies] + [v.updated_at for p in own_policies for v in p.versions]
    as_of = max((s for s in stamps if s is not None), default=None) or datetime.combine(date_to, time(), UTC)
    return EvidenceData(
        topic=topic.name,
        topic_id=topic.id,
        date_from=date_from,
        date_to=date_to,
        consultations=list(by_consultation.values()),
        named_people=sum(1 for named, _ in people.values() if named),
        pseudonymised_people=sum(1 for named, _ in people.values() if not named),
        pseudonymised_organisations=len(org_ids),
        clause_changes=sorted((v, k, n) for (v, k), n in changes.items()),
        policies=[(p.code, p.title, current_label(p, today)) for p in own_policies],
        classification=CLASSIFICATION_RESTRICTED if includes_restricted else CLASSIFICATION_DEFAULT,
        includes_restricted=includes_restricted,
        generated_by=user.name,
        as_of=as_of,
        as_of_label=f"{as_of:%d %b %Y %H:%M} UTC",
    )


def _pseudonyms(people: dict[int, tuple], org_kinds: dict[int, str]) -> dict[tuple[str, int], str]:
    """("p"|"o", id) → what the pack calls them: a name only with consent to be named to regulators.

    Letters follow record ids, so the same data always gives the same pseudonyms."""
    names: dict[tuple[str, int], str] = {}
    hidden = [pid for pid in sorted(people) if not people[pid][0]]
    for n, pid in enumerate(hidden):
        names[("p", pid)] = f"Expert {letter_code(n)}"
    for pid, name in reads.named_people(set(people) - set(hidden)).items():
        names[("p", pid)] = name
    # Organisations have no consent record of their own: never named to a regulator here.
    for n, oid in enumerate(sorted(org_kinds)):
        names[("o", oid)] = f"Organisation {letter_code(n)} ({ORGANISATION_KINDS.get(org_kinds[oid], org_kinds[oid])})"
    return names


def _standing(version: PolicyVersion | None, current: PolicyVersion | None, today: date) -> str:
    if version is None:
        return ""
    return VERSION_STANDINGS[version_standing(version, current, today)]
