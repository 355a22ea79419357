"""Policies, their versions and clauses, and the influence trail that points at them."""

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations.models import OUTCOMES, Consultation, Decision, Input
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.policies.models import POLICY_STATUSES, Clause, Policy, PolicyVersion
from engage.queries import like_pattern
from engage.topics.models import Topic

MAX_CLAUSES = 500


# --- Lists -------------------------------------------------------------------------------------

SORTS = {
    "code": Policy.code,
    "title": Policy.title,
    "status": Policy.status,
    "review": Policy.next_review_on,
}


def policy_query(
    q: str = "",
    topic_id: int | None = None,
    status: str = "",
    owner_id: int | None = None,
    review_within: int | None = None,
    sort: str = "code",
    today: date | None = None,
) -> Select:
    """The policies matching the list filters, with what the list shows loaded alongside."""
    stmt = select(Policy).options(selectinload(Policy.topic), selectinload(Policy.owner))
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(Policy.code.ilike(pattern, escape="\\"), Policy.title.ilike(pattern, escape="\\")))
    if topic_id:
        stmt = stmt.where(Policy.topic_id == topic_id)
    if status:
        stmt = stmt.where(Policy.status == status)
    if owner_id:
        stmt = stmt.where(Policy.owner_id == owner_id)
    if review_within is not None:
        limit = (today or date.today()) + timedelta(days=review_within)
        stmt = stmt.where(Policy.next_review_on.is_not(None), Policy.next_review_on <= limit)
    column = SORTS.get(sort.lstrip("-"), Policy.code)
    stmt = stmt.order_by(column.desc() if sort.startswith("-") else column, Policy.id)
    return stmt


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
    topic_id = data.get("topic_id") or None
    if topic_id and db.session.get(Topic, topic_id) is None:
        errors["topic_id"] = "Choose a topic from the list."
    owner_id = data.get("owner_id") or None
    if owner_id and db.session.get(User, owner_id) is None:
        errors["owner_id"] = "Choose an owner from the list."
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
    db.session.add(policy)
    audit.record_change(actor, "create", policy, f"Policy {policy.code}")
    return policy


def update_policy(actor: Actor, policy: Policy, version: int | None, data: dict) -> Policy:
    """Change a policy's fields; a stale `version` means someone else saved first."""
    if version != policy.version:
        raise ConflictError("Someone else changed this policy while you were editing it. Reload to see it.")
    for key, value in _check_policy(data, policy).items():
        setattr(policy, key, value)
    audit.record_change(actor, "update", policy, f"Policy {policy.code}")
    return policy


# --- Versions and clauses ------------------------------------------------------------------------


def version_order_key(version: PolicyVersion):
    """Versions in time order: by effective date (undated drafts last), then creation order."""
    return (version.effective_on or date.max, version.id or 0)


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
    db.session.add(version)
    audit.record_change(actor, "create", version, f"{policy.code} {label} ({len(clauses)} clauses)")
    return version


def current_clauses() -> list[Clause]:
    """The clauses of each non-retired policy's latest version (for 'which clause' pickers), 2 statements."""
    ranked = (
        select(
            PolicyVersion.id,
            func.row_number()
            .over(
                partition_by=PolicyVersion.policy_id,
                order_by=(
                    case((PolicyVersion.effective_on.is_(None), 1), else_=0).desc(),
                    PolicyVersion.effective_on.desc(),
                    PolicyVersion.id.desc(),
                ),
            )
            .label("rank"),
        )
        .join(Policy, Policy.id == PolicyVersion.policy_id)
        .where(Policy.status != "retired")
        .subquery()
    )
    stmt = (
        select(Clause)
        .join(ranked, ranked.c.id == Clause.version_id)
        .where(ranked.c.rank == 1)
        .options(selectinload(Clause.version).selectinload(PolicyVersion.policy))
        .join(PolicyVersion, PolicyVersion.id == Clause.version_id)
        .join(Policy, Policy.id == PolicyVersion.policy_id)
        .order_by(Policy.code, Clause.position, Clause.id)
    )
    return list(db.session.execute(stmt).scalars())


# --- The influence trail -------------------------------------------------------------------------


def _visible_input_ids(user):
    return (
        select(Input.id)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .where(visible_consultations(user, scan=True))
    )


def outcome_counts(user, policy: Policy) -> dict[str, int]:
    """Decision outcomes over inputs aimed at the policy's clauses or decided into its versions.

    Only inputs of consultations `user` may see are counted; undecided inputs count as "undecided".
    """
    version_ids = select(PolicyVersion.id).where(PolicyVersion.policy_id == policy.id)
    clause_ids = select(Clause.id).where(Clause.version_id.in_(version_ids))
    outcome = func.coalesce(Decision.outcome, "undecided")
    stmt = (
        select(outcome, func.count(Input.id))
        .select_from(Input)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .where(
            visible_consultations(user, scan=True),
            or_(
                Input.clause_id.in_(clause_ids),
                Decision.clause_id.in_(clause_ids),
                Decision.policy_version_id.in_(version_ids),
            ),
        )
        .group_by(outcome)
    )
    counts = Counter(dict(db.session.execute(stmt).all()))
    return {key: counts.get(key, 0) for key in [*OUTCOMES, "undecided"]}


def _trail_options():
    return (
        selectinload(Input.consultation),
        selectinload(Input.person),
        selectinload(Input.organisation),
        selectinload(Input.clause).selectinload(Clause.version),
        selectinload(Input.decision).selectinload(Decision.decided_by),
        selectinload(Input.decision).selectinload(Decision.policy_version),
        selectinload(Input.decision).selectinload(Decision.clause),
    )


def clause_trail_query(user, clause_ids) -> Select:
    """Every visible input that targeted one of `clause_ids` or whose decision changed one of them."""
    changed = select(Decision.input_id).where(Decision.clause_id.in_(clause_ids))
    return (
        select(Input)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .where(visible_consultations(user, scan=True), or_(Input.clause_id.in_(clause_ids), Input.id.in_(changed)))
        .options(*_trail_options())
        .order_by(Consultation.held_on.desc(), Input.id.desc())
    )


def version_drivers_query(user, version: PolicyVersion) -> Select:
    """The visible inputs whose decision names this version as the one it produced."""
    return (
        select(Input)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .join(Decision, Decision.input_id == Input.id)
        .where(visible_consultations(user, scan=True), Decision.policy_version_id == version.id)
        .options(*_trail_options())
        .order_by(Consultation.held_on.desc(), Input.id.desc())
    )


def clause_history(clause: Clause) -> list[Clause]:
    """The same clause key in every version of its policy, oldest version first."""
    stmt = (
        select(Clause)
        .join(PolicyVersion, PolicyVersion.id == Clause.version_id)
        .where(PolicyVersion.policy_id == clause.version.policy_id, Clause.key == clause.key)
        .options(selectinload(Clause.version))
    )
    return sorted(db.session.execute(stmt).scalars(), key=lambda c: version_order_key(c.version))
