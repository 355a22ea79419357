"""Stance and influence per topic (issue 14): an assessment names its topic or all topics; history
is kept per topic; the person page shows the latest per topic; the list filters by stance on a topic."""

from engage.extensions import db
from engage.people.models import StakeholderAssessment
from tests.affiliations.helpers import count, text
from tests.factories import make_person, make_topic
from tests.people.test_views import saved


def _post(client, token, person_id, **data):
    return client.post(f"/people/{person_id}/assessments", data={"csrf_token": token, **data})


def test_assessments_per_topic_history_and_list_filter(app, client, as_role):
    with app.app_context():
        eating, gaming = make_topic(name="Eating"), make_topic(name="Gaming")
        db.session.commit()
        eating_id, gaming_id = eating.id, gaming.id
    ada = saved(app, make_person, name="Ada Topical")
    bo = saved(app, make_person, name="Bo Overall")
    token = as_role("editor")
    for data in (
        {"influence": "2", "stance": "critical", "assessed_on": "2025-01-01", "topic_id": str(eating_id)},
        {"influence": "4", "stance": "supportive", "assessed_on": "2025-03-01", "topic_id": str(eating_id)},
        {"influence": "3", "stance": "neutral", "assessed_on": "2025-02-01", "topic_id": ""},  # all topics
        {"influence": "5", "stance": "critical", "assessed_on": "2025-04-01", "topic_id": str(gaming_id)},
    ):
        assert _post(client, token, ada, **data).status_code == 302
    assert _post(client, token, bo, influence="3", stance="critical", assessed_on="2025-05-01").status_code == 302
    page = text(client.get(f"/people/{ada}"))
    assert page.index("All topics") < page.index(">Eating<") < page.index(">Gaming<")
    eating_block = page[page.index(">Eating<") : page.index(">Gaming<")]
    assert "Supportive" in eating_block and "4/5" in eating_block and "History (1 earlier)" in eating_block

    def listed(query):
        return text(client.get(f"/people?{query}"))

    # Stance on Eating: Ada's newest that applies is the supportive one; Bo's all-topics critical applies.
    on_eating = listed(f"stance=supportive&stance_topic={eating_id}")
    assert "Ada Topical" in on_eating
    assert "4/5" in on_eating and "5/5" not in on_eating  # the column shows her stance on Eating
    assert "Bo Overall" in listed(f"stance=critical&stance_topic={eating_id}")
    assert "Ada Topical" not in listed(f"stance=critical&stance_topic={eating_id}")
    # On Gaming Ada is critical; on a topic nobody named, the all-topics assessment decides.
    assert "Ada Topical" in listed(f"stance=critical&stance_topic={gaming_id}")
    assert "Ada Topical" in listed("stance=neutral&stance_topic=999999")
    # Without a topic: the newest assessment overall (Gaming's critical for Ada).
    assert "Ada Topical" in listed("stance=critical") and "Ada Topical" not in listed("stance=supportive")


def test_an_unknown_topic_is_refused_next_to_the_field(app, client, as_role):
    ada = saved(app, make_person, name="Ada")
    token = as_role("editor")
    for bad in ("999999", "abc"):
        response = _post(client, token, ada, influence="3", stance="neutral", assessed_on="2025-01-01", topic_id=bad)
        assert response.status_code == 400
        assert "Choose a topic from the list, or all topics." in text(response)
    assert count(app, StakeholderAssessment) == 0
