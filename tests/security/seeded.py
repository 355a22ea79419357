"""A seeded world for the security suite: the demo data, and a real id for every route argument."""

import pytest

from engage.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def world(app):
    """The demo data (30 people) and {route argument: an id that exists} (see tests/test_routes.py)."""
    from engage.demo.seed import seed
    from tests.test_routes import _world_ids

    with app.app_context():
        seed(people=30, password=PASSWORD)
        ids = _world_ids()
        db.session.commit()
    return ids


def build(rule, ids, **overrides) -> str:
    """`rule`'s path with the world's ids, `overrides` replacing some of them (as raw path text)."""
    own = ids.get(rule.endpoint, {})
    marks = {name: 7_777_777_000 + i for i, name in enumerate(overrides)}  # numbers no path holds
    values = {n: marks.get(n, own.get(n, ids.get(n))) for n in rule.arguments}
    path = rule.build(values, append_unknown=False)[1]
    for name, value in overrides.items():
        path = path.replace(str(marks[name]), str(value))
    return path
