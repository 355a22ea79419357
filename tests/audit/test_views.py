import pytest

from engage.audit.services import Actor, record
from engage.extensions import db
from engage.people.models import Person
from tests.conftest import login


def test_audit_log_pages_and_filters(app, client, users):
    with app.app_context():
        for i in range(120):
            record(Actor(None, "127.0.0.1"), "update" if i % 2 else "create", Person, i, f"Event {i}")
        db.session.commit()
    login(client, users["admin"])
    first = client.get("/admin/audit")
    assert first.status_code == 200 and "Event 119" in first.get_data(as_text=True)
    second = client.get("/admin/audit?page=2")
    assert second.status_code == 200 and "Event 69" in second.get_data(as_text=True)
    filtered = client.get("/admin/audit?action=create&record_type=people&record_id=4").get_data(as_text=True)
    assert "Event 4<" in filtered and "Event 5<" not in filtered
    assert client.get("/admin/audit?since=not-a-date&user=x").status_code == 200


def test_one_record_type_name_per_model(app):
    # A record type is the model's table name, so "people" and "person" cannot both appear.
    with app.app_context():
        assert record(Actor(None), "create", Person(name="Ana"), None).record_type == "people"
        with pytest.raises(TypeError):
            record(Actor(None), "create", "person", 1)
        db.session.rollback()


def test_audit_rows_link_to_their_record_and_show_details_whole(app, client, users):
    with app.app_context():
        person = Person(name="Linked Person")
        db.session.add(person)
        db.session.flush()
        record(Actor(None), "update", Person, person.id, "Edited", {"name": ["Old", "Linked Person"]})
        digest = "ab" * 32
        record(Actor(None), "briefing", Person, person.id, "Pack made", details={"document_id": 7, "sha256": digest})
        db.session.commit()
        person_id = person.id
    login(client, users["admin"])
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/people/{person_id}">people #{person_id}</a>' in page
    assert "Old → Linked Person" in page
    assert f'<code>sha256</code>: <span class="text-break">{digest}</span>' in page  # whole, not as "a → b"
