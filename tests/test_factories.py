"""The factories build valid records on both databases (they are what every other test stands on)."""

from engage.extensions import db
from tests.factories import (
    make_affiliation,
    make_consultation,
    make_engagement,
    make_forum,
    make_helpline,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_user,
    make_version,
    topic_by_slug,
)
from tests.sqlcount import count_statements


def test_every_factory_builds_a_record(app):
    with app.app_context():
        user = make_user()
        person = make_person(name="Zoë Ångström")
        org = make_organisation()
        make_affiliation(person, org)
        make_forum()
        make_helpline()
        policy = make_policy(code="MH-SSH")
        version = make_version(policy, clauses={"MH-SSH 1.1": "One.", "MH-SSH 1.2": "Two."})
        topic = topic_by_slug("suicide-self-harm")
        consultation = make_consultation(staff=[user], people=[person], topics=[topic])
        make_input(
            consultation,
            person=person,
            clause=version.clauses[0],
            decision={"outcome": "adopted", "policy_version_id": version.id},
        )
        make_engagement(speakers=[user], participants=[person], topics=[topic])
        db.session.commit()
        assert topic_by_slug("suicide-self-harm").id == topic.id


def test_statement_counter_counts(app, client, users):
    with count_statements(app) as counter:
        client.get("/healthz")
    assert counter.n == 1
