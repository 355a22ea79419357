"""People imported in bulk (Core inserts, past the session events) are announced too: one
person.created each; an import refused for a bad row announces nothing."""

import json

from sqlalchemy import select

from engage.extensions import db
from engage.webhooks.models import WebhookMessage
from tests.transfer import samples
from tests.webhooks.conftest import subscribe


def test_imported_people_are_announced_and_a_refused_import_announces_nothing(app, users, tmp_path):
    with app.app_context():
        subscribe("http://127.0.0.1:9/hook", events=["person.created"])
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(samples.people_csv(3, {2: "not-an-email"}))
    good.write_bytes(samples.people_csv(3))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["engage", "import-people", str(bad)]).exit_code != 0
    with app.app_context():
        assert db.session.execute(select(WebhookMessage)).first() is None
    result = runner.invoke(args=["engage", "import-people", str(good)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        payloads = [json.loads(p) for p in db.session.execute(select(WebhookMessage.payload)).scalars()]
    assert [p["type"] for p in payloads] == ["person.created"] * 3
    assert len({p["data"]["id"] for p in payloads}) == 3
    assert all({"name", "emails"} <= set(p["data"]["fields"]) for p in payloads)
