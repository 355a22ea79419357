"""Saving, showing and deleting views: who sees which, the messages, the audit log."""

import re

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.savedviews.models import SavedView
from tests.conftest import login
from tests.savedviews.helpers import all_views, block, private_and_shared, save_view


def test_a_saved_view_is_offered_on_its_list_and_leads_to_its_filters(app, client, as_role):
    token = as_role("editor")
    response = save_view(client, token, query="page=4&country=GB&stance=critical&bogus=1", name="  UK   critics ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/people?country=GB&stance=critical"
    [view] = all_views(app)
    assert (view.name, view.query, view.shared, view.list_key) == (
        "UK critics",
        "country=GB&stance=critical",
        False,
        "people.index",
    )
    listed = block(client.get("/people").get_data(as_text=True))
    assert 'href="/people?country=GB&amp;stance=critical"' in listed and "UK critics" in listed
    assert "aria-current" not in listed
    current = block(client.get("/people?stance=critical&country=GB&page=2").get_data(as_text=True))
    assert 'aria-current="page"' in current
    # Only on its own list: another list's block has none of it, pages without a filter bar no block.
    assert "UK critics" not in block(client.get("/organizations").get_data(as_text=True))
    assert block(client.get("/organizations").get_data(as_text=True))
    assert block(client.get("/").get_data(as_text=True)) == ""


def test_save_this_view_is_offered_only_when_the_list_is_filtered(app, client, users, as_role):
    as_role("viewer")
    assert "Save this view" not in client.get("/people").get_data(as_text=True)
    assert "Save this view" not in client.get("/people?page=2&junk=1").get_data(as_text=True)
    page = client.get("/people?country=GB").get_data(as_text=True)
    assert "Save this view" in page and 'name="query" value="country=GB"' in page
    assert 'name="shared"' not in page  # a viewer cannot share
    editor = app.test_client()
    login(editor, users["editor"])
    assert 'name="shared"' in editor.get("/people?country=GB").get_data(as_text=True)


def test_a_shared_view_is_the_teams_and_a_private_one_its_owners(app, client, users, as_role):
    token = as_role("editor")
    save_view(client, token, name="Mine only")
    save_view(client, token, query="country=FR", name="For everyone", shared=True)
    other = app.test_client()
    login(other, users["viewer"])
    listed = block(other.get("/people").get_data(as_text=True))
    assert "For everyone" in listed and "Mine only" not in listed
    assert "Editor" in listed  # whose it is
    private = next(v for v in all_views(app) if v.name == "Mine only")
    assert f"/views/{private.id}/delete" not in listed


def test_names_are_required_short_and_unique_per_owner_and_list(app, client, users, as_role):
    token = as_role("editor")
    empty = save_view(client, token, name="   ")
    assert empty.status_code == 400 and "Give the view a name." in empty.get_data(as_text=True)
    long = save_view(client, token, name="x" * 81)
    assert long.status_code == 400 and "Keep the name to 80 characters (this one has 81)." in long.get_data(
        as_text=True
    )
    assert 'id="name-error"' in long.get_data(as_text=True) and 'aria-invalid="true"' in long.get_data(as_text=True)
    assert save_view(client, token, name="x" * 80).status_code == 302
    assert save_view(client, token, name="UK").status_code == 302
    twice = save_view(client, token, query="country=IE", name="uk")
    assert twice.status_code == 400
    assert "You already have a view of people called “uk”. Choose another name." in twice.get_data(as_text=True)
    # The same name on another list, or someone else's, is fine.
    assert save_view(client, token, list_key="organizations.index", query="country=GB", name="UK").status_code == 302
    other = app.test_client()
    assert save_view(other, login(other, users["admin"]), name="UK").status_code == 302
    assert len(all_views(app)) == 4


def test_a_view_needs_filters_and_a_known_list(app, client, as_role):
    token = as_role("editor")
    none = save_view(client, token, query="page=2&nothing=1")
    assert none.status_code == 400 and "Filter the list first" in none.get_data(as_text=True)
    assert save_view(client, token, query="q=" + "a" * 400).status_code == 400
    assert save_view(client, token, list_key="audit.index").status_code == 404
    assert save_view(client, token, list_key="").status_code == 404
    assert client.post("/views", data={"csrf_token": token}).status_code == 404
    assert save_view(client, "not-the-token").status_code == 400
    assert all_views(app) == []


def test_a_viewer_keeps_private_views_but_cannot_share(app, client, as_role):
    token = as_role("viewer")
    assert save_view(client, token, name="Mine").status_code == 302
    assert save_view(client, token, name="Ours", shared=True).status_code == 403
    assert [v.name for v in all_views(app)] == ["Mine"]


def test_deleting_a_view(app, client, users, as_role):
    token = as_role("editor")
    save_view(client, token, name="Old")
    [view] = all_views(app)
    response = client.post(f"/views/{view.id}/delete", data={"csrf_token": token, "next": "/people?country=GB"})
    assert (response.status_code, response.headers["Location"]) == (302, "/people?country=GB")
    assert all_views(app) == []
    again = client.post(f"/views/{view.id}/delete", data={"csrf_token": token})
    assert again.status_code == 404
    assert client.post("/views/987654321/delete", data={"csrf_token": token}).status_code == 404
    assert client.post("/views/99999999999999999999/delete", data={"csrf_token": token}).status_code == 404
    unsafe = save_view(client, token, name="New")
    [view] = all_views(app)
    outside = client.post(f"/views/{view.id}/delete", data={"csrf_token": token, "next": "//evil.example/"})
    assert outside.headers["Location"] == "/people"
    assert unsafe.status_code == 302


def test_someone_elses_private_view_is_not_there_and_a_shared_one_is_theirs(app, client, users, as_role):
    private, shared, other, other_token = private_and_shared(app, client, as_role)
    assert other.post(f"/views/{private.id}/delete", data={"csrf_token": other_token}).status_code == 404
    missing = other.post("/views/987654/delete", data={"csrf_token": other_token})
    gone = other.post(f"/views/{private.id}/delete", data={"csrf_token": other_token})
    assert _page(gone) == _page(missing)  # as missing as a view never made
    assert "Private" not in other.get("/people").get_data(as_text=True)
    assert other.post(f"/views/{shared.id}/delete", data={"csrf_token": other_token}).status_code == 403
    assert len(all_views(app)) == 2
    # An admin may delete a shared view, not a private one.
    admin = app.test_client()
    admin_token = login(admin, users["admin"])
    assert admin.post(f"/views/{private.id}/delete", data={"csrf_token": admin_token}).status_code == 404
    assert admin.post(f"/views/{shared.id}/delete", data={"csrf_token": admin_token}).status_code == 302
    assert [v.name for v in all_views(app)] == ["Private"]


def _page(response) -> str:
    """The page without its CSRF tokens (signed with the second they were made in)."""
    return re.sub(r'(name="csrf_token" value=|"X-CSRFToken": )"[^"]+"', "", response.get_data(as_text=True))


def test_saving_and_deleting_are_audited(app, client, as_role):
    token = as_role("editor")
    save_view(client, token, query="country=GB", name="UK", shared=True)
    [view] = all_views(app)
    client.post(f"/views/{view.id}/delete", data={"csrf_token": token})
    with app.app_context():
        events = (
            db.session.execute(
                select(AuditEvent).where(AuditEvent.record_type == "saved_views").order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
        assert [(e.action, e.record_id) for e in events] == [("create", view.id), ("delete", view.id)]
        assert events[0].summary == "Saved view “UK” of people for the team"
        assert events[0].changes["query"] == [None, "country=GB"]
        assert events[1].changes["details"] == {
            "list": "people.index",
            "query": "country=GB",
            "shared": True,
            "owner_id": view.owner_id,
        }
        assert db.session.execute(select(SavedView)).first() is None


def test_a_refused_save_keeps_the_way_back_to_the_filters(client, as_role):
    token = as_role("editor")
    page = save_view(client, token, query="country=GB&page=3", name="").get_data(as_text=True)
    assert 'href="/people?country=GB"' in page and 'value="country=GB' in page
