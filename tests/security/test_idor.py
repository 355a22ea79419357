"""Insecure direct object references: an id that is not the reader's to use answers 404, with no content.

The matrix (test_matrix.py) tries every id route with a hidden consultation, point, commitment and
another user's document. Here: every route that takes a parent and a child id is tried with a
child of another parent (a hidden point through a visible consultation, another forum's member,
another person's affiliation, another policy's version or clause, a person erased before the merge
screen opens), even by an admin, who may see both: the pair does not exist, so the answer is 404 and
nothing is written.
"""

from sqlalchemy import select

from engage.audit.services import Actor
from engage.auth.models import User
from engage.extensions import db
from engage.forums.models import ForumMember
from engage.organizations.models import Affiliation
from engage.people.models import Person
from engage.people.privacy import erase_person
from engage.policies.models import Clause, PolicyVersion
from tests.security.world import MARK, body_text, planted_world, signed_in
from tests.test_routes import _fingerprint

planted = planted_world  # the module's world (a fixture)


def _first(stmt):
    return db.session.execute(stmt.order_by(stmt.selected_columns[0]).limit(1)).scalar_one()


def _erased(world) -> int:
    """A person erased (by the real erasure, as an admin) whom the walk does not use: nobody merges
    with them any more. Planted once per module (the tests share the world)."""
    done = db.session.execute(select(Person.id).where(Person.erased_at.is_not(None)).limit(1)).scalar()
    if done is not None:
        return done
    used = [v for k, v in world.ids.items() if k in ("person_id", "other_id")]
    used += [v["person_id"] for v in world.ids.values() if isinstance(v, dict) and "person_id" in v]
    person = db.session.execute(select(Person).where(Person.id.not_in(used)).order_by(Person.id).limit(1)).scalar_one()
    admin = db.session.execute(select(User).where(User.email == world.emails["admin"])).scalar_one()
    erase_person(Actor(admin), person, "Planted by the IDOR test")
    db.session.commit()
    return person.id


def _foreign_children(world) -> dict[str, dict]:
    """For each child argument: the walk's parent with a child that belongs to another parent."""
    ids, normal, restricted = world.ids, world.at("normal"), world.at("restricted")
    policy_id = ids["policy_id"]
    return {
        "input_id": {"consultation_id": normal["consultation_id"], "input_id": restricted["input_id"]},
        "commitment_id": {"consultation_id": normal["consultation_id"], "commitment_id": restricted["commitment_id"]},
        "member_id": {"member_id": _first(select(ForumMember.id).where(ForumMember.forum_id != ids["forum_id"]))},
        "affiliation_id": {
            "affiliation_id": _first(select(Affiliation.id).where(Affiliation.person_id != ids["person_id"]))
        },
        "version_id": {"version_id": _first(select(PolicyVersion.id).where(PolicyVersion.policy_id != policy_id))},
        "key": {
            "key": _first(
                select(Clause.key)
                .join(PolicyVersion)
                .where(PolicyVersion.policy_id != policy_id, Clause.key != ids["key"])
            )
        },
        "other_id": {"other_id": _erased(world)},  # merging the walked person with an erased one
    }


PARENTS = {"consultation_id", "forum_id", "person_id", "policy_id"}


def _nested(app):
    """(rule, child argument) for each rule that takes a parent and a child."""
    for rule in app.url_map.iter_rules():
        # The JSON API takes no session: its nested routes are walked with tokens in tests/api
        # (a hidden consultation's points are 404 there, test_api_items.py).
        if len(rule.arguments) >= 2 and not rule.rule.startswith("/api/"):
            yield rule, next(iter(rule.arguments - PARENTS), None)


def test_every_nested_route_has_a_foreign_child(planted):
    app, world = planted
    with app.app_context():
        children = _foreign_children(world)
    missing = {rule.rule for rule, child in _nested(app) if child not in children}
    assert not missing, f"no foreign child declared for {missing}"


def test_a_child_of_another_parent_is_not_found(planted):
    app, world = planted
    readers = {role: signed_in(app, world.emails[role]) for role in ("admin", "editor")}
    with app.app_context():
        children = _foreign_children(world)
        before = _fingerprint()
    wrong = []
    for reader, (client, token) in readers.items():
        for rule, child in _nested(app):
            path = rule.build(world.ids | children[child], append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method, data={"csrf_token": token, "text": "x", "name": "x"})
                if response.status_code != 404 or MARK["restricted"] in body_text(response).lower():
                    wrong.append(f"{reader} {method} {path}: {response.status_code}")
                response.close()
    with app.app_context():
        assert _fingerprint() == before, "a request on a foreign child wrote something"
    assert not wrong, "foreign children answered:\n" + "\n".join(wrong)
