"""The factories build valid records on both databases (they are what every other test stands on)."""

from engage.extensions import db
from tests import factories
from tests.sqlcount import count_statements


def test_every_factory_builds_a_record(app):
    with app.app_context():
        user = factories.make_user()
        person = factories.make_person(name="Zoë Ångström")
        org = factories.make_organisation()
        factories.make_affiliation(person, org)
        factories.make_forum()
        factories.make_helpline()
        policy = factories.make_policy(code="MH-SSH")
        version = factories.make_version(policy, clauses={"MH-SSH 1.1": "One.", "MH-SSH 1.2": "Two."})
        topic = factories.topic_by_slug("suicide-self-harm")
        consultation = factories.make_consultation(staff=[user], people=[person], topics=[topic])
        factories.make_input(
            consultation,
            person=person,
            clause=version.clauses[0],
            decision={"outcome": "adopted", "policy_version_id": version.id},
        )
        factories.make_engagement(speakers=[user], participants=[person], topics=[topic])
        db.session.commit()
        assert factories.topic_by_slug("suicide-self-harm").id == topic.id


def test_statement_counter_counts(app, client, users):
    with count_statements(app) as counter:
        client.get("/healthz")
    assert counter.n == 1
