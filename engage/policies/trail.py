"""The influence trail: which points raised in consultations aimed at a policy, and what became of them.

Every query here filters through `visible_consultations`, so a clause page and a version page see
the same inputs the user may see anywhere else; the outcome counts come from the counts kept in
`outcomes.py`, whose reader rule is tested equal to it.
"""

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from engage.auth.permissions import visible_consultations
from engage.consultations.models import Consultation, Decision, Input
from engage.extensions import db
from engage.policies import outcomes
from engage.policies.models import Clause, Policy, PolicyVersion


def decided_input_options(load=selectinload) -> tuple:
    """Loader options for showing inputs with their decisions: `selectinload` for lists, `joinedload` for one."""
    decision = load(Input.decision)
    return (
        load(Input.person),
        load(Input.organisation),
        load(Input.topic),
        load(Input.clause).options(load(Clause.version)),
        decision.options(
            load(Decision.decided_by),
            load(Decision.policy_version).options(load(PolicyVersion.policy)),
            load(Decision.clause),
        ),
    )


def outcome_counts(user, policy: Policy) -> dict[str, int]:
    """Decision outcomes over inputs aimed at the policy's clauses or decided into its clauses or versions.

    Only inputs of consultations `user` may see are counted (each once); undecided inputs count as
    "undecided". Read from the kept counts, with the reader's own restricted consultations added live.
    """
    return outcomes.policy_outcomes(db.session, user, policy.id)


def _visible_inputs(user, *where) -> Select:
    return (
        select(Input)
        .join(Consultation, Consultation.id == Input.consultation_id)
        .where(visible_consultations(user, scan=True), *where)
        .options(selectinload(Input.consultation), *decided_input_options())
        .order_by(Consultation.held_on.desc(), Input.id.desc())
    )


def clause_trail_query(user, clause_ids) -> Select:
    """Every visible input that targeted one of `clause_ids` or whose decision changed one of them."""
    changed = select(Decision.input_id).where(Decision.clause_id.in_(clause_ids))
    return _visible_inputs(user, or_(Input.clause_id.in_(clause_ids), Input.id.in_(changed)))


def version_drivers_query(user, version: PolicyVersion) -> Select:
    """The visible inputs whose decision names this version as the one it produced."""
    produced = select(Decision.input_id).where(Decision.policy_version_id == version.id)
    return _visible_inputs(user, Input.id.in_(produced))
