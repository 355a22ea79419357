"""The regulator evidence pack: how outside expertise shaped policy on one topic over a period.

Participants are pseudonymised ("Expert A", "Organisation A") unless the person consented to
being named to regulators; pseudonyms are stable within a pack (by record id, so the same
data always gives the same letters). Only consultations the generating user may see are
included, and the pack is marked RESTRICTED when any restricted one is.
"""

import string
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from engage.auth.models import User
from engage.briefings import evidence_reads as reads
from engage.briefings.policy_changes import current_label, policies_on
from engage.consultations.models import CONFIDENTIALITY, CONSULTATION_KINDS, OUTCOMES
from engage.organizations.models import ORGANISATION_KINDS
from engage.policies.models import (
    VERSION_STANDINGS,
    PolicyVersion,
    clause_statuses,
    current_version,
    version_order_key,
    version_standing,
)
from engage.topics.models import Topic

CLASSIFICATION_DEFAULT = "CONFIDENTIAL — PREPARED FOR A REGULATOR"
CLASSIFICATION_RESTRICTED = "RESTRICTED"

# What the PDF lists one by one; each list says how many more there are, and the CSV frozen with
# it holds every point. WeasyPrint lays out ~40 table rows a second on the shared machine, and a
# regulator reads the counts and the clause changes on paper, the points in the spreadsheet.
PDF_CONSULTATIONS = 20  # the first consultations of the period, in date order
PDF_POINTS_EACH = 3  # points listed per consultation
PDF_PARTICIPANTS = 8  # participants named per consultation
PDF_CLAUSE_CHANGES = 40  # rows of the clause-change table

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
    more_participants: int = 0  # beyond those the PDF names (the CSV names them all)
    more_inputs: int = 0  # points beyond those the PDF lists


@dataclass
class EvidenceData:
    topic: str
    topic_id: int
    date_from: date
    date_to: date
    consultations: list[EvidenceConsultation]  # the first PDF_CONSULTATIONS, as the PDF lists them
    consultation_count: int
    input_count: int
    outcomes: list[tuple[str, int]]  # (outcome label, points), in the order of OUTCOMES
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
    labels: "Labels" = field(repr=False, compare=False, default=None)

    @property
    def listed_inputs(self) -> int:
        return sum(len(c.inputs) for c in self.consultations)

    def shown_changes(self) -> tuple[list[tuple[str, str, int]], int]:
        """The clause-change rows the PDF prints and how many more there are."""
        return self.clause_changes[:PDF_CLAUSE_CHANGES], max(0, len(self.clause_changes) - PDF_CLAUSE_CHANGES)

    def csv_rows(self):
        """Every consultation of the pack and each of its points, as CSV rows (streamed)."""
        return self.labels.csv_rows()


class Labels:
    """How the pack names people, organisations, versions and clauses, and its scope: shared by the
    PDF's few consultations and the CSV's every row, so both say the same."""

    def __init__(self, scope, topic_id: int, today: date):
        self.scope, self.topic_id, self.today = scope, topic_id, today
        people = reads.people(scope, topic_id)
        self.org_kinds = reads.organisation_kinds(scope, topic_id)
        self.names = _pseudonyms(people, self.org_kinds)
        self.named = sum(1 for name in people.values() if name is not None)
        self.hidden = len(people) - self.named
        self.policies = reads.policies()
        self.versions = {v.id: (p, v) for p in self.policies for v in p.versions}
        self.currents = {p.id: current_version(p.versions, today) for p in self.policies}
        self.clauses = reads.clauses()
        self.clause_keys = {c.id: c.key for c in self.clauses}

    def participants(self, people_pairs, org_pairs) -> dict[int, list[str]]:
        found: dict[int, list[str]] = defaultdict(list)
        for consultation_id, person_id in people_pairs:
            found[consultation_id].append(self.names[("p", person_id)])
        for consultation_id, org_id in org_pairs:
            found[consultation_id].append(self.names[("o", org_id)])
        return found

    def point(self, r) -> EvidenceInput:
        policy, version = self.versions.get(r.policy_version_id, (None, None))
        if r.person_id:
            raised_by = self.names[("p", r.person_id)]
        elif r.organisation_id:
            raised_by = self.names[("o", r.organisation_id)]
        else:
            raised_by = "Not recorded"
        return EvidenceInput(
            raised_by=raised_by,
            text=r.text,
            outcome=OUTCOMES.get(r.outcome, r.outcome) if r.outcome else "No decision yet",
            rationale=r.rationale or "",
            decided_on=r.decided_on,
            version=f"{policy.code} {version.label}" if version else "",
            clause=self.clause_keys.get(r.clause_id, ""),
            no_change=bool(r.no_change),
            public_release_on=version.public_release_on if version else None,
            standing=_standing(version, self.currents.get(policy.id) if policy else None, self.today),
        )

    def changed_clauses(self, policy_ids: set[int]) -> set[int]:
        """The clauses of these policies whose version added or changed them (policies.models.clause_statuses,
        the clause page's one definition): a decision against an unchanged clause changed nothing."""
        by_key: dict[tuple[int, str], list] = defaultdict(list)
        for clause in self.clauses:
            policy, _ = self.versions.get(clause.version_id, (None, None))
            if policy is not None and policy.id in policy_ids:
                by_key[(policy.id, clause.key)].append(clause)
        ordered = {p.id: sorted(p.versions, key=version_order_key) for p in self.policies if p.id in policy_ids}
        changed = set()
        for (policy_id, _), history in by_key.items():
            statuses = clause_statuses(history, ordered[policy_id])
            changed |= {cid for cid, status in statuses.items() if status in ("added", "changed")}
        return changed

    def csv_rows(self):
        people_pairs, org_pairs = reads.participants(lambda column: column.in_(self.scope))
        participants = self.participants(people_pairs, org_pairs)
        for c, r in reads.every_row(self.scope, self.topic_id):
            base = [c.held_on.isoformat(), c.title, _kind(c), _confidentiality(c), "; ".join(participants[c.id])]
            if r is None:
                yield [*base, "", "", "", "", "", "", "", "", ""]
                continue
            i = self.point(r)
            yield [
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


def _kind(row) -> str:
    return CONSULTATION_KINDS.get(row.kind, row.kind)


def _confidentiality(row) -> str:
    return CONFIDENTIALITY.get(row.confidentiality, row.confidentiality)


def scope_of(topic: Topic, date_from: date, date_to: date, user: User):
    return reads.consultations_in_scope(topic.id, date_from, date_to, user)


def gather_evidence(
    topic: Topic,
    date_from: date,
    date_to: date,
    user: User,
    now: datetime | None = None,
    stats: dict | None = None,
) -> EvidenceData:
    """The harm area's points raised in [date_from, date_to] in consultations `user` may see,
    their decisions, and the clause changes of the harm area's policies they drove.

    Counts and the clause-change table are aggregates; only the consultations the PDF lists are
    read row by row (the CSV streams the rest: `csv_rows`). `now` is only "today" for a version's
    standing; the pack's date is the data's freeze time (`as_of`, from `stats`: evidence_reads.
    scope_stats), so the same data gives the same bytes.
    """
    now = now or datetime.now(UTC)
    today = now.date()
    scope = scope_of(topic, date_from, date_to, user)
    stats = stats or reads.scope_stats(scope, topic.id)
    labels = Labels(scope, topic.id, today)

    listed = reads.first_consultations(scope, PDF_CONSULTATIONS)
    ids = [c.id for c in listed]
    people_pairs, org_pairs = reads.participants(lambda column: column.in_(ids))
    participants = labels.participants(people_pairs, org_pairs)
    points: dict[int, list] = defaultdict(list)
    for r in reads.points_of(ids, topic.id):
        points[r.consultation_id].append(r)
    consultations = [
        EvidenceConsultation(
            held_on=c.held_on,
            title=c.title,
            kind=_kind(c),
            confidentiality=_confidentiality(c),
            participants=participants[c.id][:PDF_PARTICIPANTS],
            inputs=[labels.point(r) for r in points[c.id][:PDF_POINTS_EACH]],
            more_participants=max(0, len(participants[c.id]) - PDF_PARTICIPANTS),
            more_inputs=max(0, len(points[c.id]) - PDF_POINTS_EACH),
        )
        for c in listed
    ]

    own_policies = policies_on([topic.id])
    changed = labels.changed_clauses({p.id for p in labels.policies if p.topic_id == topic.id})
    changes = []
    for version_id, clause_id, n in reads.clause_decisions(scope, topic.id, topic.id):
        if clause_id is not None and clause_id not in changed:
            continue  # recorded against a clause its version did not change
        policy, version = labels.versions[version_id]
        changes.append((f"{policy.code} {version.label}", labels.clause_keys.get(clause_id, ""), n))
    outcomes = reads.outcome_counts(scope, topic.id)
    order = [*OUTCOMES, None]
    outcome_rows = [(OUTCOMES.get(o, "No decision yet"), outcomes[o]) for o in order if outcomes.get(o)]

    count, _, _, restricted = stats["consultations"]
    stamps = [stats["consultations"][2], stats["points"][2], stats["points"][5], stats["people"][1]]
    stamps += [stats["organisations"][1], stats["policies"][1], stats["versions"][1]]
    as_of = max((s for s in stamps if s is not None), default=None) or datetime.combine(date_to, time(), UTC)
    includes_restricted = bool(restricted)
    return EvidenceData(
        topic=topic.name,
        topic_id=topic.id,
        date_from=date_from,
        date_to=date_to,
        consultations=consultations,
        consultation_count=count,
        input_count=stats["points"][0],
        outcomes=outcome_rows,
        named_people=labels.named,
        pseudonymised_people=labels.hidden,
        pseudonymised_organisations=len(labels.org_kinds),
        clause_changes=sorted(changes),
        policies=[(p.code, p.title, current_label(p, today)) for p in own_policies],
        classification=CLASSIFICATION_RESTRICTED if includes_restricted else CLASSIFICATION_DEFAULT,
        includes_restricted=includes_restricted,
        generated_by=user.name,
        as_of=as_of,
        as_of_label=f"{as_of:%d %b %Y %H:%M} UTC",
        labels=labels,
    )


def _pseudonyms(people: dict[int, str | None], org_kinds: dict[int, str]) -> dict[tuple[str, int], str]:
    """("p"|"o", id) → what the pack calls them: a name only with consent to be named to regulators.

    Letters follow record ids, so the same data always gives the same pseudonyms."""
    names: dict[tuple[str, int], str] = {}
    hidden = [pid for pid in sorted(people) if people[pid] is None]
    for n, pid in enumerate(hidden):
        names[("p", pid)] = f"Expert {letter_code(n)}"
    for pid, name in people.items():
        if name is not None:
            names[("p", pid)] = name
    # Organisations have no consent record of their own: never named to a regulator here.
    for n, oid in enumerate(sorted(org_kinds)):
        names[("o", oid)] = f"Organisation {letter_code(n)} ({ORGANISATION_KINDS.get(org_kinds[oid], org_kinds[oid])})"
    return names


def _standing(version: PolicyVersion | None, current: PolicyVersion | None, today: date) -> str:
    if version is None:
        return ""
    return VERSION_STANDINGS[version_standing(version, current, today)]
