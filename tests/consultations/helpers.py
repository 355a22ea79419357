"""A small world for the consultation and policy tests: a policy with two versions, consultations
of each confidentiality, inputs aimed at a clause and decisions that changed it."""

from datetime import date

from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from tests.factories import (
    make_consultation,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_user,
    make_version,
)


def build_world(app, users) -> dict:
    with app.app_context():
        by_email = {u.email: u for u in db.session.execute(select(User)).scalars()}
        editor_a = by_email[users["editor"]]
        editor_b = make_user(role="editor", name="Editor B")
        policy = make_policy(code="MH-SSH", title="Suicide and self-harm")
        v1 = make_version(
            policy,
            "v1",
            {"MH-SSH 1.1": "We remove content that promotes self-harm.", "MH-SSH 1.2": "Old clause."},
            effective_on=date(2025, 1, 1),
        )
        v2 = make_version(
            policy,
            "v2",
            {
                "MH-SSH 1.1": "We remove content that promotes or glorifies self-harm.",
                "MH-SSH 2.1": "Recovery stories stay up <b>with</b> a resource banner.",
            },
            # After the normal roundtable (1 Mar 2026), whose adopted point went into it.
            effective_on=date(2026, 4, 1),
            public_release_on=date(2026, 5, 1),
        )
        clause_v1 = v1.clauses[0]
        clause_v2 = v2.clauses[0]
        expert = make_person(name="Dr Ada Expert")
        ngo = make_organisation(name="Hope NGO")
        normal = make_consultation(
            title="Normal roundtable",
            staff=[editor_a],
            people=[expert],
            organisations=[ngo],
            held_on=date(2026, 3, 1),
        )
        confidential = make_consultation(
            title="Confidential call", staff=[editor_a], people=[expert], confidentiality="confidential"
        )
        restricted = make_consultation(
            title="Restricted meeting",
            staff=[editor_a],
            people=[expert],
            confidentiality="restricted",
            held_on=date(2026, 9, 9),
            created_by_id=editor_a.id,
        )
        decided = {"decided_by_id": editor_a.id}
        points = {  # name: (consultation, text, clause aimed at, decision)
            "normal": (
                normal,
                "Say glorifies, not only promotes.",
                clause_v1,
                {"outcome": "adopted", "rationale": "Clearer.", "decided_on": date(2025, 12, 1)}
                | {"policy_version_id": v2.id, "clause_id": clause_v2.id},
            ),
            "confidential": (
                confidential,
                "Confidential point on the clause.",
                clause_v1,
                {"outcome": "declined", "rationale": "Out of scope."},
            ),
            "restricted": (
                restricted,
                "SECRET restricted point.",
                clause_v2,
                {"outcome": "parked", "rationale": "Later.", "policy_version_id": v2.id},
            ),
        }
        inputs = {
            name: make_input(consultation, text, person=expert, clause=clause, decision=decided | decision)
            for name, (consultation, text, clause, decision) in points.items()
        }
        db.session.commit()
        return {
            "editor_a": editor_a.email,
            "editor_b": editor_b.email,
            "editor_a_id": editor_a.id,
            "policy": policy.id,
            "v1": v1.id,
            "v2": v2.id,
            "clause_v1": clause_v1.id,
            "clause_v2": clause_v2.id,
            "expert": expert.id,
            "ngo": ngo.id,
            "normal": normal.id,
            "confidential": confidential.id,
            "restricted": restricted.id,
            "inputs": {k: v.id for k, v in inputs.items()},
        }
