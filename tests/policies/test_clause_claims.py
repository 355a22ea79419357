"""The clause and version pages say a decision "changed" a clause only when the version diff
shows a change to that clause's text (issue 10)."""

from datetime import date

from engage.extensions import db
from tests import factories


def _world():
    policy = factories.make_policy(code="MH-TST")
    factories.make_version(
        policy, "v1", {"MH-TST 1": "Old words.", "MH-TST 2": "Same words."}, effective_on=date(2025, 1, 1)
    )
    v2 = factories.make_version(
        policy, "v2", {"MH-TST 1": "New words.", "MH-TST 2": "Same words."}, effective_on=date(2025, 6, 1)
    )
    changed, same = v2.clauses
    meeting = factories.make_consultation("Clause meeting", held_on=date(2025, 3, 1))
    for text, clause in (("POINTONCHANGED", changed), ("POINTONSAME", same)):
        factories.make_input(
            meeting,
            text,
            decision={"outcome": "adopted", "policy_version_id": v2.id, "clause_id": clause.id},
        )
    return policy.id, v2.id, changed.id, same.id


def _trail(html: str, point: str) -> str:
    return html.split(point, 1)[1].split("</li>", 1)[0]


def test_a_clause_whose_text_did_not_change_is_not_claimed_changed(app, client, users, as_role):
    with app.app_context():
        policy_id, v2_id, changed_id, same_id = _world()
        db.session.commit()
    as_role("viewer")
    same = _trail(client.get(f"/clauses/{same_id}").get_data(as_text=True), "POINTONSAME")
    assert "changed" not in same.replace("did not change", "")
    assert "recorded against" in same and "its text did not change in that version" in same
    changed = _trail(client.get(f"/clauses/{changed_id}").get_data(as_text=True), "POINTONCHANGED")
    assert "· changed" in changed and "did not change" not in changed

    version = client.get(f"/policies/{policy_id}/versions/{v2_id}").get_data(as_text=True)
    assert "its text did not change" in _trail(version, "POINTONSAME")
    assert "· changed" in _trail(version, "POINTONCHANGED")
