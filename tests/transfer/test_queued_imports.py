"""A large file is imported by a worker of the task queue (the tests' queue runs tasks as soon as
the request that asked for them has committed, as a worker would): the confirmation answers at
once with a progress panel, the page then says what was imported, a second confirmation imports
nothing twice, and an import the directory no longer allows writes nothing and says why."""

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.organizations.models import Organisation
from engage.people.models import Person
from engage.transfer import steps
from tests.factories import make_organisation
from tests.transfer import samples
from tests.transfer.test_imports import _confirm, _upload, _upload_id


@pytest.fixture
def queued_above_50(monkeypatch):
    monkeypatch.setattr(steps, "QUEUE_ABOVE", 50)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_large_import_is_written_by_a_worker_and_its_page_says_so(app, client, as_role, queued_above_50):
    token = as_role("editor")
    preview = _upload(client, token, samples.people_csv(120), "large.csv").get_data(as_text=True)
    upload = _upload_id(preview)
    assert "Import 120 rows" in preview
    answered = _confirm(client, token, preview)
    # The answer was written before the work: a progress panel that polls, not a redirect after it.
    assert answered.status_code == 200
    html = answered.get_data(as_text=True)
    assert "Waiting to start" in html and 'hx-trigger="every 1s"' in html
    assert _count(app, Person) == 120  # the worker ran once the confirmation committed
    page = client.get(f"/import/people?upload={upload}").get_data(as_text=True)
    assert "Imported large.csv: 120 created, 0 updated, 0 skipped." in page
    polled = client.get(f"/import/people?upload={upload}", headers={"HX-Request": "true"})
    assert polled.headers["HX-Redirect"] == f"/import/people?upload={upload}"  # done: the whole page
    again = _confirm(client, token, preview)  # a second tab, a double click
    assert again.status_code == 200 and _count(app, Person) == 120


def test_a_queued_import_the_directory_no_longer_allows_writes_nothing(app, client, as_role, queued_above_50):
    with app.app_context():
        parent = make_organisation(name="Umbrella Network")
        db.session.commit()
        parent_id = parent.id
    lines = ["Name,Type,Country,Part of"]
    lines += [f"Member {i},ngo,GB,Umbrella Network" for i in range(60)]
    token = as_role("editor")
    preview = _upload(client, token, ("\n".join(lines) + "\n").encode(), "members.csv", path="/import/organizations")
    html = preview.get_data(as_text=True)
    assert "Import 60 rows" in html, html[:2000]
    with app.app_context():  # between the preview and the confirmation, the parent goes
        db.session.delete(db.session.get(Organisation, parent_id))
        db.session.commit()
    answered = _confirm(client, token, html, path="/import/organizations")
    assert answered.status_code == 200
    assert _count(app, Organisation) == 0
    page = client.get(f"/import/organizations?upload={_upload_id(html)}").get_data(as_text=True)
    assert "Nothing was imported" in page


def test_someone_else_cannot_follow_a_queued_import(app, client, as_role, queued_above_50):
    token = as_role("editor")
    preview = _upload(client, token, samples.people_csv(80), "mine.csv").get_data(as_text=True)
    _confirm(client, token, preview)
    client.post("/logout", data={"csrf_token": token})
    as_role("admin")
    assert client.get(f"/import/people?upload={_upload_id(preview)}").status_code == 404
