"""Reading policies: the list, the records a page shows, and the version and clause choice lists."""

from datetime import date, timedelta

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from engage.errors import NotFoundError
from engage.extensions import db
from engage.fulltext.query import list_filter
from engage.policies.models import Clause, Policy, PolicyVersion, version_order_key

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
        stmt = stmt.where(list_filter("policies", q, Policy.id))
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
    return stmt.order_by(column.desc() if sort.startswith("-") else column, Policy.id)


# --- One record ------------------------------------------------------------------------------------


def get_policy(policy_id: int) -> Policy:
    """The policy with its topic, owner and versions; NotFoundError when there is none."""
    policy = db.session.execute(
        select(Policy)
        .where(Policy.id == policy_id)
        .options(selectinload(Policy.topic), selectinload(Policy.owner), selectinload(Policy.versions))
    ).scalar_one_or_none()
    if policy is None:
        raise NotFoundError()
    return policy


def version_of(policy: Policy, version_id: int) -> PolicyVersion:
    """One of the policy's (loaded) versions; NotFoundError when it is not one of them."""
    found = next((v for v in policy.versions if v.id == version_id), None)
    if found is None:
        raise NotFoundError()
    return found


def clauses_of(*versions: PolicyVersion | None) -> list[list[Clause]]:
    """The clauses of each version given (None gives none), in their order, in one statement."""
    wanted = [v.id for v in versions if v is not None]
    rows = (
        db.session.execute(select(Clause).where(Clause.version_id.in_(wanted)).order_by(Clause.position, Clause.id))
        .scalars()
        .all()
        if wanted
        else []
    )
    return [[c for c in rows if v is not None and c.version_id == v.id] for v in versions]


def get_clause(clause_id: int) -> Clause:
    """The clause with its version and policy; NotFoundError when there is none."""
    clause = db.session.get(
        Clause, clause_id, options=[selectinload(Clause.version).selectinload(PolicyVersion.policy)]
    )
    if clause is None:
        raise NotFoundError()
    return clause


def clause_history(clause: Clause) -> list[Clause]:
    """The same clause key in every version of its policy, oldest version first."""
    return _with_key(clause.version.policy_id, clause.key)


def latest_clause_with_key(policy: Policy, key: str) -> Clause:
    """The clause with this stable key in the policy's latest version that has it; NotFoundError if none."""
    found = _with_key(policy.id, key)
    if not found:
        raise NotFoundError()
    return found[-1]


def _with_key(policy_id: int, key: str) -> list[Clause]:
    stmt = (
        select(Clause)
        .join(PolicyVersion, PolicyVersion.id == Clause.version_id)
        .where(PolicyVersion.policy_id == policy_id, Clause.key == key)
        .options(selectinload(Clause.version))
    )
    return sorted(db.session.execute(stmt).scalars(), key=lambda c: version_order_key(c.version))


# --- Choice lists for the forms that point at a policy ---------------------------------------------


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


def clause_label(clause: Clause) -> str:
    label = f"{clause.key} ({clause.version.label})" + (f" — {clause.heading}" if clause.heading else "")
    return label[:120]


def clause_choices(also: Clause | None = None) -> list[tuple[int, str]]:
    """(id, label) of the current clauses, and `also` (a clause already chosen) when it is not one of them."""
    rows = current_clauses()
    if also is not None and all(c.id != also.id for c in rows):
        rows.append(also)
    return [(c.id, clause_label(c)) for c in rows]


def version_choices() -> list[tuple[int, str]]:
    """(id, "CODE label") of every version of the policies not retired, newest first within a policy."""
    rows = db.session.execute(
        select(PolicyVersion)
        .join(PolicyVersion.policy)
        .where(Policy.status != "retired")
        .options(contains_eager(PolicyVersion.policy))
        .order_by(Policy.code, PolicyVersion.id.desc())
    ).scalars()
    return [(v.id, f"{v.policy.code} {v.label}") for v in rows]
