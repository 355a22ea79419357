"""Renaming a saved view, and sharing or unsharing it: its owner only, from a current copy, with the
same checks on the name as when saving, audited."""

from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db
from tests.conftest import login
from tests.savedviews.helpers import all_views, block, private_and_shared, save_view


def _edit(client, token, view, name, shared=False, version=None):
    data = {"csrf_token": token, "name": name, "version": str(view.version if version is None else version)}
    if shared:
        data["shared"] = "y"
    return client.post(f"/views/{view.id}/edit", data=data)


def test_the_owner_renames_and_shares_a_view_and_it_is_audited(app, client, as_role):
    token = as_role("editor")
    save_view(client, token, query="country=GB&stance=critical", name="UK critics")
    [view] = all_views(app)
    listed = block(client.get("/people").get_data(as_text=True))
    assert f'href="/views/{view.id}/edit"' in listed and "Rename the saved view “UK critics”" in listed
    form = client.get(f"/views/{view.id}/edit")
    assert form.status_code == 200 and 'value="UK critics"' in form.get_data(as_text=True)
    response = _edit(client, token, view, "  British   critics ", shared=True)
    assert (response.status_code, response.headers["Location"]) == (302, "/people?country=GB&stance=critical")
    [renamed] = all_views(app)
    assert (renamed.name, renamed.shared, renamed.query, renamed.version) == (
        "British critics",
        True,
        "country=GB&stance=critical",
        view.version + 1,
    )
    assert _edit(client, token, renamed, "British critics", shared=False).status_code == 302
    assert all_views(app)[0].shared is False
    with app.app_context():
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "saved_views", AuditEvent.action == "update")
        ).scalars()
        summaries = [e.summary for e in events]
    assert summaries == ["Saved view “British critics” of people", "Saved view “British critics” of people"]


def test_a_stale_copy_a_blank_name_or_a_taken_one_changes_nothing(app, client, as_role):
    token = as_role("editor")
    save_view(client, token, query="country=GB", name="UK")
    save_view(client, token, query="country=FR", name="France")
    uk, france = all_views(app)
    assert _edit(client, token, uk, "Britain").status_code == 302
    stale = _edit(client, token, uk, "United Kingdom", version=uk.version)  # the copy before the rename
    assert stale.status_code == 409
    assert "Someone else changed this saved view" in stale.get_data(as_text=True)
    blank = _edit(client, token, france, "   ")
    assert blank.status_code == 400 and "Give the view a name." in blank.get_data(as_text=True)
    taken = _edit(client, token, france, "britain")
    assert taken.status_code == 400
    assert "You already have a view of people called “britain”. Choose another name." in taken.get_data(as_text=True)
    missing = client.post(f"/views/{france.id}/edit", data={"csrf_token": token, "name": "Paris"})
    assert missing.status_code == 409  # no version sent: refused, not applied
    assert [v.name for v in all_views(app)] == ["Britain", "France"]
    # Keeping its own name (in another case) is no clash with itself.
    assert _edit(client, token, france, "FRANCE").status_code == 302


def test_only_the_owner_edits_and_a_viewer_cannot_share(app, client, users, as_role):
    private, shared, other, other_token = private_and_shared(app, client, as_role)
    assert other.get(f"/views/{private.id}/edit").status_code == 404  # as missing as a view never made
    assert _edit(other, other_token, private, "Mine now").status_code == 404
    assert other.get(f"/views/{shared.id}/edit").status_code == 403
    assert _edit(other, other_token, shared, "Mine now", shared=True).status_code == 403
    assert f"/views/{shared.id}/edit" not in block(other.get("/people?country=FR").get_data(as_text=True))
    assert other.get("/views/987654/edit").status_code == 404
    assert [v.name for v in all_views(app)] == ["Private", "Shared"]
    viewer = app.test_client()
    viewer_token = login(viewer, users["viewer"])
    save_view(viewer, viewer_token, name="Just me")
    mine = next(v for v in all_views(app) if v.name == "Just me")
    assert _edit(viewer, viewer_token, mine, "Still me", shared=True).status_code == 403
    assert _edit(viewer, viewer_token, mine, "Still me").status_code == 302
    renamed = next(v for v in all_views(app) if v.id == mine.id)
    assert (renamed.name, renamed.shared) == ("Still me", False)
