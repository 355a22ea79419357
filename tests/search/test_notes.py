"""Notes are searchable (issue 12): a note's words find it under its record, for those who may see
the record; the index follows a note's creation, edit and deletion, and `engage reindex`."""

from sqlalchemy import select

from engage.extensions import db
from engage.fulltext import index
from engage.fulltext.models import SearchEntry
from tests.conftest import login
from tests.documents.test_notes import _ids
from tests.search.test_views import page


def _note_ids(app) -> list[int]:
    with app.app_context():
        rows = select(SearchEntry.record_id).where(SearchEntry.kind == "notes").order_by(SearchEntry.record_id)
        return list(db.session.execute(rows).scalars())


def test_a_note_is_found_kept_in_step_and_follows_its_record(app, client, users):
    ids = _ids(app)
    token = login(client, users["editor"])
    client.post(f"/people/{ids['person']}/notes", data={"csrf_token": token, "text": "Prefers **wombat** calls"})
    found = page(client, "/search?q=wombat")
    assert "Note on Amara Okafor" in found and "/record" in found
    (note_id,) = _note_ids(app)
    landing = client.get(f"/notes/{note_id}/record")
    assert landing.status_code == 302 and landing.headers["Location"].endswith(f"/people/{ids['person']}#notes")
    version = 1
    with app.app_context():
        from engage.documents.models import Note

        version = db.session.get(Note, note_id).version
    edit = {"csrf_token": token, "text": "Prefers numbat calls", "version": version}
    assert client.post(f"/notes/{note_id}/edit", data=edit).status_code == 302
    assert "Note on Amara" not in page(client, "/search?q=wombat")
    assert "Note on Amara Okafor" in page(client, "/search?q=numbat")
    assert client.post(f"/notes/{note_id}/delete", data={"csrf_token": token}).status_code == 302
    assert _note_ids(app) == [] and "Note on Amara" not in page(client, "/search?q=numbat")


def test_a_note_on_a_restricted_consultation_is_found_only_by_who_may_see_it(app, client, users):
    ids = _ids(app)
    staff = app.test_client()
    token = login(staff, "staff@test.example")
    note = {"csrf_token": token, "text": "The quokka escalation route"}
    assert staff.post(f"/consultations/{ids['restricted']}/notes", data=note).status_code == 302
    assert "Note on Secret" in page(staff, "/search?q=quokka")
    login(client, users["editor"])
    hidden = page(client, "/search?q=quokka")
    assert "Secret" not in hidden and "escalation" not in hidden and "Notes" not in hidden  # nor counted
    (note_id,) = _note_ids(app)
    assert client.get(f"/notes/{note_id}/record").status_code == 404


def test_reindex_writes_the_notes_entries(app, client, users):
    ids = _ids(app)
    token = login(client, users["editor"])
    client.post(f"/people/{ids['person']}/notes", data={"csrf_token": token, "text": "Axolotl"})
    with app.app_context():
        db.session.execute(SearchEntry.__table__.delete())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["engage", "reindex"])
    assert result.exit_code == 0 and "1 notes" in result.output
    with app.app_context():
        assert index.stale(db.session) == []
    assert "Note on Amara Okafor" in page(client, "/search?q=axolotl")
