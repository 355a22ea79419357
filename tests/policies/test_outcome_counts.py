"""The decision-outcome counts kept per policy and month (issue 19): after every kind of write they
equal a recount from the tables, and for every reader the policy page shows what the old live query
over `visible_consultations` counted, so a restricted or confidential point never counts for
someone who may not see it."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, or_, select, update

from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import visible_consultations
from engage.consultations import inputs as input_services
from engage.consultations import services as consultation_services
from engage.consultations.models import OUTCOMES, Consultation, Decision, Input
from engage.extensions import db
from engage.policies import outcomes, trail
from engage.policies.models import Clause, OutcomeCount, Policy, PolicyVersion
from engage.policies.outcomes import visible_levels
from tests.conftest import login
from tests.factories import make_consultation, make_input, make_person, make_policy, make_user, make_version
from tests.sqlcount import statements_for

READERS = ("viewer", "staffed_viewer", "editor", "staffed_editor", "admin")


def old_outcome_counts(user, policy_id: int) -> dict[str, int]:
    """The policy page's counts as they were computed before the kept counts: live, over every input."""
    version_ids = select(PolicyVersion.id).where(PolicyVersion.policy_id == policy_id)
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


def _world() -> dict:
    """Two policies; points in normal, confidential and restricted consultations over three months,
    aimed at clauses, decided into clauses and versions, one counting for both policies."""
    readers = {
        "viewer": make_user(role="viewer"),
        "staffed_viewer": make_user(role="viewer"),
        "editor": make_user(role="editor"),
        "staffed_editor": make_user(role="editor"),
        "admin": make_user(role="admin"),
    }
    p, q = make_policy(code="MH-CNT"), make_policy(code="MH-OTH")
    p1 = make_version(p, "v1", {"MH-CNT 1": "One.", "MH-CNT 2": "Two."}, effective_on=date(2026, 1, 1))
    p2 = make_version(p, "v2", {"MH-CNT 1": "One, changed."}, effective_on=date(2026, 12, 1))
    q1 = make_version(q, "v1", {"MH-OTH 1": "Other."})
    a, b = p1.clauses
    (a2,) = p2.clauses
    (c,) = q1.clauses
    person = make_person()
    staff = [readers["staffed_viewer"], readers["staffed_editor"]]
    normal = make_consultation(held_on=date(2026, 10, 5), people=[person])
    earlier = make_consultation(held_on=date(2026, 9, 20), people=[person])
    confidential = make_consultation(held_on=date(2026, 11, 2), confidentiality="confidential", staff=staff[:1])
    restricted = make_consultation(held_on=date(2026, 11, 9), confidentiality="restricted", staff=staff)
    points = {
        "undecided": make_input(normal, clause=a),
        "adopted": make_input(normal, clause=a, decision={"outcome": "adopted", "clause_id": a2.id}),
        "both": make_input(earlier, clause=c, decision={"outcome": "adapted", "policy_version_id": p2.id}),
        "produced": make_input(earlier, decision={"outcome": "adopted", "policy_version_id": p2.id}),
        "confidential": make_input(confidential, clause=b, decision={"outcome": "parked", "rationale": "Later."}),
        "restricted": make_input(restricted, clause=b, decision={"outcome": "declined", "rationale": "No."}),
        "elsewhere": make_input(normal),  # counts for no policy
    }
    db.session.flush()
    return {
        "readers": readers,
        "policies": [p, q],
        "versions": {"p1": p1, "p2": p2, "q1": q1},
        "clauses": {"a": a, "b": b, "a2": a2, "c": c},
        "consultations": {"normal": normal, "earlier": earlier, "confidential": confidential, "restricted": restricted},
        "points": points,
        "person": person,
    }


def _assert_kept(world) -> None:
    """The kept counts equal a recount, and every reader's figures equal the old live query's."""
    assert outcomes.differences(db.session) == []
    for policy in world["policies"]:
        for role, reader in world["readers"].items():
            assert trail.outcome_counts(reader, policy) == old_outcome_counts(reader, policy.id), (policy.code, role)


@pytest.fixture
def world(app):
    with app.app_context():
        yield _world()
        db.session.rollback()


def test_the_counts_are_filled_and_split_by_reader(app, world):
    p, q = world["policies"]
    _assert_kept(world)
    readers = world["readers"]
    assert trail.outcome_counts(readers["admin"], p) == {
        **dict.fromkeys(OUTCOMES, 0),
        "adopted": 2,
        "adapted": 1,
        "parked": 1,
        "declined": 1,
        "undecided": 1,
    }
    assert trail.outcome_counts(readers["admin"], q)["adapted"] == 1  # the same point counts for both
    # Restricted: its staff and admins; confidential: editors, admins and its own staff.
    assert trail.outcome_counts(readers["editor"], p)["declined"] == 0
    assert trail.outcome_counts(readers["staffed_editor"], p)["declined"] == 1
    assert trail.outcome_counts(readers["viewer"], p)["parked"] == 0
    assert trail.outcome_counts(readers["viewer"], p)["declined"] == 0
    assert trail.outcome_counts(readers["staffed_viewer"], p)["parked"] == 1
    assert trail.outcome_counts(readers["staffed_viewer"], p)["declined"] == 1
    days = set(db.session.execute(select(OutcomeCount.held_on).where(OutcomeCount.policy_id == p.id)).scalars())
    assert days == {date(2026, 9, 20), date(2026, 10, 5), date(2026, 11, 2), date(2026, 11, 9)}


def test_the_services_write_paths_keep_the_counts(app, world):
    actor = Actor(world["readers"]["admin"])
    clauses, points, consultations = world["clauses"], world["points"], world["consultations"]
    normal = consultations["normal"]
    raised_by = f"person:{world['person'].id}"
    added = input_services.add_input(
        actor, normal, {"text": "New.", "raised_by": raised_by, "clause_id": clauses["c"].id}
    )
    db.session.flush()
    _assert_kept(world)
    input_services.update_input(
        actor, added, added.version, {"text": "New.", "raised_by": raised_by, "clause_id": clauses["b"].id}
    )
    db.session.flush()
    _assert_kept(world)
    decision = input_services.decide(actor, added, None, {"outcome": "declined", "rationale": "No."})
    db.session.flush()
    _assert_kept(world)
    input_services.decide(actor, added, decision.version, {"outcome": "adopted", "clause_id": clauses["a2"].id})
    db.session.flush()
    _assert_kept(world)
    # A consultation moved to another month, then made restricted, then confidential.
    for change in (
        {"held_on": date(2026, 8, 14)},
        {"confidentiality": "restricted"},
        {"confidentiality": "confidential"},
    ):
        data = {
            "title": normal.title,
            "held_on": normal.held_on,
            "kind": normal.kind,
            "confidentiality": normal.confidentiality,
            "person_ids": [p.id for p in normal.people],
            "staff_ids": [u.id for u in normal.staff],
            **change,
        }
        consultation_services.update_consultation(actor, normal, normal.version, data)
        db.session.flush()
        _assert_kept(world)
    assert db.session.execute(select(func.min(OutcomeCount.held_on))).scalar() == date(2026, 8, 14)
    assert points["undecided"].consultation_id == normal.id


def test_orm_moves_and_deletions_keep_the_counts(app, world):
    points, clauses, versions, consultations = (
        world["points"],
        world["clauses"],
        world["versions"],
        world["consultations"],
    )
    steps = [
        lambda: setattr(points["undecided"], "consultation", consultations["restricted"]),  # moved by relationship
        lambda: setattr(points["elsewhere"], "clause_id", clauses["c"].id),  # now aimed at a clause
        lambda: setattr(points["adopted"].decision, "policy_version", versions["q1"]),
        lambda: setattr(points["both"].decision, "clause_id", clauses["c"].id),
        lambda: db.session.delete(points["produced"].decision),  # undecided now, and for no policy
        lambda: db.session.delete(points["confidential"]),
        lambda: setattr(clauses["b"], "version_id", versions["q1"].id),  # a clause moved to another policy
        lambda: setattr(versions["p2"], "policy_id", world["policies"][1].id),  # a version moved
        lambda: setattr(consultations["earlier"], "held_on", date(2026, 11, 30)),
        lambda: db.session.delete(consultations["restricted"]),  # its points go with it
    ]
    for step in steps:
        step()
        db.session.flush()
        _assert_kept(world)


def test_a_point_whose_policies_and_month_both_change_leaves_no_count_behind(app, world):
    point = world["points"]["restricted"]
    point.clause_id = world["clauses"]["c"].id
    point.consultation_id = world["consultations"]["earlier"].id
    point.decision.outcome = "parked"
    db.session.flush()
    _assert_kept(world)
    p = world["policies"][0]
    old = {"policy_id": p.id, "held_on": date(2026, 11, 9), "outcome": "declined", "confidentiality": "restricted"}
    assert db.session.execute(select(OutcomeCount).filter_by(**old)).scalar() is None


def test_a_rolled_back_change_leaves_nothing_pending(app, world):
    db.session.commit()
    world["points"]["undecided"].clause_id = world["clauses"]["c"].id
    db.session.rollback()
    db.session.flush()
    assert outcomes.differences(db.session) == []


def test_visible_levels_is_visible_consultations_in_two_parts(app, world):
    everyone = select(Consultation.id)
    for role, reader in [*world["readers"].items(), ("nobody", None)]:
        wanted = set(db.session.execute(everyone.where(visible_consultations(reader))).scalars())
        levels, own = visible_levels(reader)
        split = Consultation.confidentiality.in_(levels)
        if own is not None:
            split = or_(split, own)
        assert set(db.session.execute(everyone.where(split)).scalars()) == wanted, role


def test_the_policy_page_shows_each_reader_their_own_figures(app):
    with app.app_context():
        world = _world()
        emails = {role: u.email for role, u in world["readers"].items()}
        policy_id = world["policies"][0].id
        expected = {role: old_outcome_counts(u, policy_id) for role, u in world["readers"].items()}
        db.session.commit()
    for role, email in emails.items():
        reader = app.test_client()
        login(reader, email)
        html = reader.get(f"/policies/{policy_id}").get_data(as_text=True)
        for key in OUTCOMES:
            assert f'data-outcome="{key}">{expected[role][key]}<' in html, (role, key)


def test_the_policy_page_runs_the_same_statements_whatever_the_data_size(app, client, users):
    with app.app_context():
        world = _world()
        policy_id, clause_id = world["policies"][0].id, world["clauses"]["a"].id
        db.session.commit()
    login(client, users["editor"])
    before = statements_for(app, client, f"/policies/{policy_id}")
    with app.app_context():
        clause = db.session.get(Clause, clause_id)
        for i in range(30):
            consultation = make_consultation(held_on=date(2025, 1 + i % 12, 3), confidentiality="restricted")
            make_input(consultation, clause=clause, decision={"outcome": "declined", "rationale": "No."})
        db.session.commit()
    assert statements_for(app, client, f"/policies/{policy_id}") == before


def test_recount_checks_and_rebuilds(app, world):
    runner = app.test_cli_runner()
    db.session.commit()
    assert runner.invoke(args=["engage", "recount", "--check"]).exit_code == 0
    db.session.execute(update(OutcomeCount).values(n=OutcomeCount.n + 1))
    db.session.commit()
    result = runner.invoke(args=["engage", "recount", "--check"])
    assert result.exit_code == 1 and "out of date" in result.output
    result = runner.invoke(args=["engage", "recount"])
    assert result.exit_code == 0 and "Counted" in result.output
    assert runner.invoke(args=["engage", "recount", "--check"]).exit_code == 0


def test_counts_follow_a_policy_deleted_with_its_versions(app, world):
    q = world["policies"][1]
    for point in world["points"].values():
        decision = point.decision
        if decision is not None and decision.policy_version_id == world["versions"]["q1"].id:
            decision.policy_version_id = None
        if point.clause_id == world["clauses"]["c"].id:
            point.clause_id = None
        if decision is not None and decision.clause_id == world["clauses"]["c"].id:
            decision.clause_id = None
    db.session.flush()
    db.session.delete(q)
    db.session.flush()
    assert db.session.get(Policy, q.id) is None
    assert outcomes.differences(db.session) == []
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == len(READERS)
