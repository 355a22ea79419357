"""Policies, their versions and clauses: create, change, and the clause lines of the version form."""

from sqlalchemy import func, select

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.errors import ValidationError
from engage.extensions import db
from engage.policies.models import POLICY_STATUSES, Clause, Policy, PolicyVersion
from engage.policies.queries import version_order_key
from engage.queries import known_id
from engage.topics.models import Topic

MAX_CLAUSES = 500


# --- Policy create / update ----------------------------------------------------------------------


def _check_policy(data: dict, policy: Policy | None) -> dict:
    errors = {}
    code = (data.get("code") or "").strip().upper()
    title = (data.get("title") or "").strip()
    if not code:
        errors["code"] = "Enter the policy code, e.g. MH-SSH."
    elif len(code) > 30:
        errors["code"] = "Use at most 30 characters."
    else:
        clash = db.session.execute(select(Policy.id).where(func.upper(Policy.code) == code)).scalar()
        if clash and (policy is None or clash != policy.id):
            errors["code"] = f"Another policy already uses the code {code}."
    if not title:
        errors["title"] = "Enter the policy title."
    status = data.get("status") or "draft"
    if status not in POLICY_STATUSES:
        errors["status"] = f"Choose one of: {', '.join(POLICY_STATUSES.values())}."
    topic_id = known_id(Topic, data.get("topic_id"), errors, "topic_id", "Choose a topic from the list.")
    owner_id = known_id(User, data.get("owner_id"), errors, "owner_id", "Choose an owner from the list.")
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "title": title,
        "status": status,
        "topic_id": topic_id,
        "owner_id": owner_id,
        "next_review_on": data.get("next_review_on"),
        "description": (data.get("description") or "").strip(),
    }


def create_policy(actor: Actor, data: dict) -> Policy:
    """A new policy (no versions yet)."""
    policy = Policy(**_check_policy(data, None))
    audit.record_create(actor, policy, f"Policy {policy.code}")
    return policy


def update_policy(actor: Actor, policy: Policy, version: int | None, data: dict) -> Policy:
    """Change a policy's fields; a stale `version` means someone else saved first."""
    return audit.record_update(actor, policy, version, _check_policy(data, policy), "policy", f"Policy {policy.code}")


# --- Versions and clauses ------------------------------------------------------------------------


def ordered_versions(policy: Policy) -> list[PolicyVersion]:
    """The policy's versions, oldest first."""
    return sorted(policy.versions, key=version_order_key)


def previous_version(policy: Policy, version: PolicyVersion) -> PolicyVersion | None:
    versions = ordered_versions(policy)
    index = versions.index(version)
    return versions[index - 1] if index > 0 else None


def latest_version(policy: Policy) -> PolicyVersion | None:
    versions = ordered_versions(policy)
    return versions[-1] if versions else None


def clauses_to_text(clauses) -> str:
    """Clauses as the `KEY | heading | text` lines of the version form."""
    return "\n".join(f"{c.key} | {c.heading} | {' '.join(c.text.split())}" for c in clauses)


def parse_clauses(text: str) -> list[dict]:
    """`KEY | heading | text` (or `KEY | text`) per line into clause dicts; ValidationError on a bad line."""
    clauses: list[dict] = []
    seen: set[str] = set()
    problems: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) == 2:
            parts = [parts[0], "", parts[1]]
        if len(parts) < 3:
            problems.append(f"Line {number}: write KEY | heading | text.")
            continue
        key, heading, body = parts
        if not key or len(key) > 40:
            problems.append(f"Line {number}: the clause key must be 1 to 40 characters.")
        elif key in seen:
            problems.append(f"Line {number}: the key {key} appears twice.")
        elif not body:
            problems.append(f"Line {number}: clause {key} has no text.")
        elif len(heading) > 250:
            problems.append(f"Line {number}: the heading is longer than 250 characters.")
        else:
            seen.add(key)
            clauses.append({"key": key, "heading": heading, "text": body, "position": len(clauses)})
    if problems:
        raise ValidationError({"clauses": " ".join(problems[:5])})
    if len(clauses) > MAX_CLAUSES:
        raise ValidationError({"clauses": f"A version may have at most {MAX_CLAUSES} clauses."})
    return clauses


def create_version(actor: Actor, policy: Policy, data: dict) -> PolicyVersion:
    """A new version of `policy` with its clauses (from the form's clause lines)."""
    errors = {}
    label = (data.get("label") or "").strip()
    if not label:
        errors["label"] = "Enter a label, e.g. v3.1."
    elif len(label) > 40:
        errors["label"] = "Use at most 40 characters."
    elif db.session.execute(
        select(PolicyVersion.id).where(PolicyVersion.policy_id == policy.id, PolicyVersion.label == label)
    ).scalar():
        errors["label"] = f"{policy.code} already has a version {label}."
    effective, release = data.get("effective_on"), data.get("public_release_on")
    if effective and release and release < effective:
        errors["public_release_on"] = "The public release date cannot be before the effective date."
    try:
        clauses = parse_clauses(data.get("clauses", ""))
    except ValidationError as error:
        errors.update(error.errors)
        clauses = []
    if not clauses and "clauses" not in errors:
        errors["clauses"] = "Add at least one clause."
    if errors:
        raise ValidationError(errors)
    version = PolicyVersion(
        policy_id=policy.id,
        label=label,
        effective_on=effective,
        public_release_on=release,
        change_summary=(data.get("change_summary") or "").strip(),
    )
    version.clauses = [Clause(**c) for c in clauses]
    audit.record_create(actor, version, f"{policy.code} {label} ({len(clauses)} clauses)")
    return version
