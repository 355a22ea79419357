"""The policies on an engagement's topics, their versions, and what changed since we last met someone."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from engage.dateformats import for_reader
from engage.extensions import db
from engage.policies.models import POLICY_STATUSES, Policy, current_version


def day_label(value: date) -> str:
    """A date in the pack as its reader writes dates (their account setting)."""
    return for_reader(value)


@dataclass
class PolicyChange:
    code: str
    label: str
    effective_on: date | None
    summary: str
    new_to: list[str] = field(default_factory=list)  # named participants not met since it took effect


@dataclass
class PolicySummary:
    code: str
    title: str
    status: str
    topic: str
    current: str
    next_review_on: date | None
    versions: list[PolicyChange]


def policies_on(topic_ids: list[int]) -> list[Policy]:
    """The policies filed under these topics (not retired), with their versions, by code."""
    if not topic_ids:
        return []
    return list(
        db.session.execute(
            select(Policy)
            .where(Policy.topic_id.in_(topic_ids), Policy.status != "retired")
            .options(joinedload(Policy.topic), selectinload(Policy.versions))
            .order_by(Policy.code)
        ).scalars()
    )


def changes_since(policies: list[Policy], last_met: date) -> list[PolicyChange]:
    """The versions that took effect after `last_met`, oldest first."""
    changes = [
        PolicyChange(policy.code, version.label, version.effective_on, version.change_summary)
        for policy in policies
        for version in policy.versions
        if version.effective_on and version.effective_on > last_met
    ]
    return sorted(changes, key=lambda c: (c.effective_on, c.code))


def current_label(policy: Policy, today: date) -> str:
    """The policy's current version (`current_version`) as the documents print it."""
    current = current_version(policy.versions, today)
    if current is None:
        return "none in effect yet" if policy.versions else "no version yet"
    return f"{current.label} (effective {day_label(current.effective_on)})"


def summaries(policies: list[Policy], dossiers: list, topic_names: dict[int, str], today: date) -> list[PolicySummary]:
    """Each policy with its latest versions and, for each, the named participants it is new to."""
    rows = []
    for policy in policies:
        versions = [
            PolicyChange(
                policy.code,
                v.label,
                v.effective_on,
                v.change_summary,
                [
                    d.name
                    for d in dossiers
                    if d.named and any((c.code, c.label) == (policy.code, v.label) for c in d.changes_since)
                ],
            )
            for v in policy.versions[:4]
        ]
        rows.append(
            PolicySummary(
                code=policy.code,
                title=policy.title,
                status=POLICY_STATUSES.get(policy.status, policy.status),
                topic=policy.topic.name if policy.topic else topic_names.get(policy.topic_id, ""),
                current=current_label(policy, today),
                next_review_on=policy.next_review_on,
                versions=versions,
            )
        )
    return rows
