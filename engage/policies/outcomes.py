"""Decision-outcome counts per policy and day (issue 19), kept in `outcome_counts` by the session.

A point raised counts for a policy when it is aimed at one of its clauses, or decided into one of
its clauses or versions; once per policy, under the day of its consultation, the decision on it
today ("undecided" when none) and the consultation's confidentiality. Every flush that changes what
a count depends on (an input's consultation or clause; a decision's outcome, clause or version; a
consultation's date or confidentiality; a clause or version moved or deleted) has the counts of the
(policy, day) buckets it touched, before and after, recomputed from the tables in the same
transaction: no +1/−1, so an error cannot accumulate. Statements that bypass the ORM (the demo
seeder) call `rebuild`; `flask --app wsgi engage recount` rebuilds, `--check` compares.

Readers add, live, what the counts do not give them: `visible_levels` splits the visibility rule into
the confidentiality levels a reader sees entirely and their own consultations beyond those.
"""

from datetime import date
from functools import cache

from sqlalchemy import and_, bindparam, delete, false, func, insert, inspect, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from engage import transaction
from engage.auth.permissions import can_read, can_write, is_admin
from engage.consultations.models import CONFIDENTIALITY, OUTCOMES, Consultation, Decision, Input, consultation_staff
from engage.policies.models import Clause, OutcomeCount, PolicyVersion

UNDECIDED = "undecided"
KEYS = (*OUTCOMES, UNDECIDED)
DAYS_AT_ONCE = 200  # more days touched in one flush (a bulk change): recompute those policies whole

OFF = "outcome_counts_off"  # session.info: set while a bulk load rebuilds the counts itself
_BUCKETS = "outcome_counts_buckets"  # session.info: (policy, day) pairs to recompute
_POLICIES = "outcome_counts_policies"  # session.info: policies to recompute whole
_TOUCHED = "outcome_counts_touched"  # session.info: records whose buckets after the flush count too

# What a count depends on, per record kind: the attributes (columns, and the relationships that set
# them) that move a point between buckets, and those that only change how it counts in them.
MOVING = {
    Input: ("consultation_id", "consultation", "clause_id", "clause"),
    Decision: ("input_id", "input", "clause_id", "clause", "policy_version_id", "policy_version"),
    Consultation: ("held_on",),
    Clause: ("version_id", "version"),
    PolicyVersion: ("policy_id", "policy"),
}
RECOUNTING = {Decision: ("outcome",), Consultation: ("confidentiality",)}
MOVES = (Clause, PolicyVersion)  # a change recounts their policies whole


def links(*where, policy_ids=None):
    """SELECT (input_id, policy_id, held_on, confidentiality, outcome): each point raised once per policy
    it counts for, with its consultation's date and confidentiality and its outcome, where `where`
    (on Input, Consultation and the outer-joined Decision) holds.

    The points are read once, into a CTE, with the policy of the clause they were aimed at, of the
    clause their decision changed and of the version it produced; each (point, policy) is then
    taken from the first of the three that names that policy."""
    aimed_clause, changed_clause = aliased(Clause), aliased(Clause)
    aimed, changed, produced = aliased(PolicyVersion), aliased(PolicyVersion), aliased(PolicyVersion)
    points = (
        select(
            Input.id.label("input_id"),
            Consultation.held_on.label("held_on"),
            Consultation.confidentiality.label("confidentiality"),
            func.coalesce(Decision.outcome, UNDECIDED).label("outcome"),
            aimed.policy_id.label("aimed"),
            changed.policy_id.label("changed"),
            produced.policy_id.label("produced"),
        )
        .select_from(Input)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .outerjoin(Decision, Decision.input_id == Input.id)
        .outerjoin(aimed_clause, aimed_clause.id == Input.clause_id)
        .outerjoin(aimed, aimed.id == aimed_clause.version_id)
        .outerjoin(changed_clause, changed_clause.id == Decision.clause_id)
        .outerjoin(changed, changed.id == changed_clause.version_id)
        .outerjoin(produced, produced.id == Decision.policy_version_id)
        .where(*where)
        .cte("points")
    )
    c = points.c

    def part(policy, *not_before):
        stmt = select(c.input_id, policy.label("policy_id"), c.held_on, c.confidentiality, c.outcome)
        stmt = stmt.where(policy.is_not(None), *(or_(other.is_(None), other != policy) for other in not_before))
        return stmt if policy_ids is None else stmt.where(policy.in_(sorted(policy_ids)))

    return union_all(part(c.aimed), part(c.changed, c.aimed), part(c.produced, c.aimed, c.changed)).subquery()


def _counting_for(policy_ids) -> object:
    """SQL on Input and Decision: the point counts for one of `policy_ids` (a whole policy's recount)."""
    versions = select(PolicyVersion.id).where(PolicyVersion.policy_id.in_(sorted(policy_ids)))
    clauses = select(Clause.id).where(Clause.version_id.in_(versions))
    return or_(Input.clause_id.in_(clauses), Decision.clause_id.in_(clauses), Decision.policy_version_id.in_(versions))


COLUMNS = ["policy_id", "held_on", "outcome", "confidentiality", "n"]


def _grouped(found):
    keys = (found.c.policy_id, found.c.held_on, found.c.outcome, found.c.confidentiality)
    return select(*keys, func.count()).group_by(*keys)


def recompute(session, buckets: set[tuple[int, date]] = frozenset(), policies: set[int] = frozenset()) -> None:
    """Recount the (policy, day) `buckets` and every day of `policies` from the tables."""
    days = {d for _, d in buckets}
    whole = set(policies) | ({p for p, _ in buckets} if len(days) > DAYS_AT_ONCE else set())
    some = {p for p, _ in buckets} - whole
    if whole:
        session.execute(delete(OutcomeCount).where(OutcomeCount.policy_id.in_(sorted(whole))))
        found = links(_counting_for(whole), policy_ids=whole)
        session.execute(insert(OutcomeCount).from_select(COLUMNS, _grouped(found)))
    if some:
        kept = OutcomeCount.policy_id.in_(sorted(some)), OutcomeCount.held_on.in_(sorted(days))
        session.execute(delete(OutcomeCount).where(*kept))
        found = links(Consultation.held_on.in_(sorted(days)), policy_ids=some)
        session.execute(insert(OutcomeCount).from_select(COLUMNS, _grouped(found)))


def rebuild(session) -> int:
    """Every count from the tables (after a bulk load or a restore); returns the number of rows."""
    session.execute(delete(OutcomeCount))
    session.execute(insert(OutcomeCount).from_select(COLUMNS, _grouped(links())))
    return session.execute(select(func.count()).select_from(OutcomeCount)).scalar()


def differences(session) -> list[tuple]:
    """(policy, day, outcome, confidentiality, kept, recounted) of every count that is wrong."""
    kept = {tuple(r[:4]): r[4] for r in session.execute(select(*(getattr(OutcomeCount, c) for c in COLUMNS)))}
    fresh = {tuple(r[:4]): r[4] for r in session.execute(_grouped(links()))}
    return sorted(
        (*key, kept.get(key, 0), fresh.get(key, 0))
        for key in kept.keys() | fresh.keys()
        if kept.get(key, 0) != fresh.get(key, 0)
    )


# --- reading --------------------------------------------------------------------------------------


def visible_levels(user):
    """`visible_consultations(user)` in two parts, for counts kept per confidentiality:
    (the levels of which `user` sees every consultation, the SQL condition on Consultation for the
    others they see, their own as staff, or None). Counts of the levels plus a live count under the
    condition are exactly the counts over `visible_consultations(user)`."""
    if not can_read(user):
        return (), None
    if is_admin(user):
        return tuple(CONFIDENTIALITY), None
    own = Consultation.id.in_(
        select(consultation_staff.c.consultation_id).where(consultation_staff.c.user_id == user.id)
    )
    if can_write(user):
        return ("normal", "confidential"), and_(Consultation.confidentiality == "restricted", own)
    return ("normal",), and_(Consultation.confidentiality != "normal", own)


def visible_outcomes(user, policy_ids=None, since: date | None = None, until: date | None = None):
    """SELECT (policy_id, held_on, outcome, n) over the consultations `user` may see, held in
    [since, until): the kept counts of the levels they see entirely, and a live count of their own
    consultations beyond those. Sum `n` over what you group by."""
    levels, own = visible_levels(user)
    kept = select(OutcomeCount.policy_id, OutcomeCount.held_on, OutcomeCount.outcome, OutcomeCount.n).where(
        OutcomeCount.confidentiality.in_(levels) if levels else false()
    )
    window = []
    if since is not None:
        window.append(Consultation.held_on >= since)
        kept = kept.where(OutcomeCount.held_on >= since)
    if until is not None:
        window.append(Consultation.held_on < until)
        kept = kept.where(OutcomeCount.held_on < until)
    if policy_ids is not None:
        kept = kept.where(OutcomeCount.policy_id.in_(sorted(policy_ids)))
    if own is None:
        return kept.subquery()
    found = links(own, *window, policy_ids=policy_ids)
    live = select(found.c.policy_id, found.c.held_on, found.c.outcome, literal(1))
    return union_all(kept, live).subquery()


def policy_outcomes(session, user, policy_id: int) -> dict[str, int]:
    """Outcome → number of the points raised that count for the policy, over what `user` may see."""
    found = visible_outcomes(user, policy_ids=[policy_id])
    rows = session.execute(select(found.c.outcome, func.sum(found.c.n)).group_by(found.c.outcome))
    counts = {key: int(n) for key, n in rows}
    return {key: counts.get(key, 0) for key in KEYS}


# --- keeping the counts ---------------------------------------------------------------------------


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _ids(objects, kind) -> list[int]:
    return sorted({o.id for o in objects if isinstance(o, kind) and o.id is not None})


def _buckets_of(session, objects) -> set[tuple[int, date]]:
    """The (policy, day) buckets the inputs of these records count in, as the database has them now:
    a statement for the inputs (and decisions', also the one they left) and one for consultations'."""
    inputs = set(_ids(objects, Input))
    for decision in (o for o in objects if isinstance(o, Decision)):
        inputs |= {decision.input_id, *inspect(decision).attrs.input_id.history.deleted} - {None}
    consultations = _ids(objects, Consultation)
    found = set()
    for column, ids in (("input", inputs), ("consultation", consultations)):
        if ids:
            found |= {tuple(r) for r in session.execute(_buckets_statement(column), {"ids": sorted(ids)})}
    return found


@cache
def _buckets_statement(column: str):
    """SELECT DISTINCT (policy_id, held_on) of the points of the inputs or consultations bound as `ids`:
    built once per column (links() costs more to build than to run on a few ids)."""
    ids = bindparam("ids", expanding=True)
    rows = links(Input.id.in_(ids) if column == "input" else Input.consultation_id.in_(ids))
    return select(rows.c.policy_id, rows.c.held_on).distinct()


def _policies_of(session, objects) -> set[int]:
    """The policies of these clauses and versions, as the database has them now."""
    clauses, versions = _ids(objects, Clause), _ids(objects, PolicyVersion)
    found = set()
    if clauses:
        stmt = select(PolicyVersion.policy_id).join(Clause, Clause.version_id == PolicyVersion.id)
        found |= set(session.execute(stmt.where(Clause.id.in_(clauses))).scalars())
    if versions:
        found |= set(session.execute(select(PolicyVersion.policy_id).where(PolicyVersion.id.in_(versions))).scalars())
    return found


def _before_flush(session, flush_context, instances) -> None:
    if session.info.get(OFF):
        return
    touched = session.info.setdefault(_TOUCHED, [])
    before = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        moving = MOVING.get(type(obj))
        if moving is None:
            continue
        new, deleted = obj in session.new, obj in session.deleted
        if new and isinstance(obj, MOVES):
            continue  # nothing counts under a clause or version before it exists
        moved = not new and _changed(obj, moving)
        if new or deleted or moved or _changed(obj, RECOUNTING.get(type(obj), ())):
            touched.append(obj)
        # Its buckets as they were, when the change may take it out of them (a new decision only adds
        # policies to its point's buckets; an outcome or a confidentiality keeps the same buckets).
        if deleted or moved:
            before.append(obj)
    if before:
        with session.no_autoflush:
            session.info.setdefault(_BUCKETS, set()).update(_buckets_of(session, before))
            session.info.setdefault(_POLICIES, set()).update(_policies_of(session, before))


def _after_flush_postexec(session, flush_context) -> None:
    if session.info.get(OFF):
        return
    touched = session.info.pop(_TOUCHED, [])
    buckets = session.info.pop(_BUCKETS, set())
    policies = session.info.pop(_POLICIES, set())
    if not touched and not buckets and not policies:
        return
    with session.no_autoflush:
        kept = [o for o in touched if not _gone(o)]
        buckets |= _buckets_of(session, kept)
        policies |= _policies_of(session, kept)
        recompute(session, buckets, policies)


def _gone(obj) -> bool:
    return inspect(obj).deleted or inspect(obj).detached


def _after_soft_rollback(session, previous_transaction) -> None:
    for key in (_TOUCHED, _BUCKETS, _POLICIES):
        session.info.pop(key, None)


def install() -> None:
    transaction.listen(
        ("before_flush", _before_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_soft_rollback", _after_soft_rollback),
    )
