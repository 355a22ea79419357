"""Saved views on every list: one statement however many views, never on other pages, nothing hidden shown."""

import pytest
from sqlalchemy import select

from engage.auth.models import User
from engage.extensions import db
from engage.savedviews.models import SavedView
from tests.factories import make_consultation, make_topic, make_user
from tests.savedviews.helpers import block, save_view
from tests.savedviews.test_lists import LIST_PATHS
from tests.sqlcount import count_statements


def _add_views(app, n: int) -> None:
    """`n` views on every list: the editor's own, and shared ones of other users."""
    with app.app_context():
        editor = db.session.execute(select(User).where(User.role == "editor")).scalars().first()
        others = [make_user(role="editor") for _ in range(3)]
        for key in LIST_PATHS:
            for i in range(n):
                owner = editor if i % 2 else others[i % 3]
                db.session.add(
                    SavedView(owner_id=owner.id, list_key=key, name=f"View {i}", query=f"q=x{i}", shared=True)
                )
        db.session.commit()


def _counts(app, client) -> dict[str, tuple[int, int]]:
    """For each list: (statements, of which on saved_views)."""
    counts = {}
    for key, path in LIST_PATHS.items():
        with count_statements(app) as counter:
            assert client.get(path).status_code == 200
        counts[key] = (counter.n, sum("saved_views" in s for s in counter.statements))
    return counts


def test_the_views_cost_one_statement_whatever_their_number(app, client, as_role):
    as_role("editor")
    _add_views(app, 1)
    few = _counts(app, client)
    _add_views(app, 12)
    many = _counts(app, client)
    assert many == few
    assert {key: on_views for key, (_, on_views) in few.items()} == {key: 1 for key in LIST_PATHS}
    assert "View 11" in block(client.get("/people").get_data(as_text=True))


def test_pages_that_are_not_savable_lists_query_no_views(app, client, as_role, users):
    as_role("admin")
    for path in ("/", "/admin/audit", "/engagements/calendar", "/search?q=x", "/reports"):
        with count_statements(app) as counter:
            response = client.get(path)
        assert response.status_code == 200, path
        assert not any("saved_views" in s for s in counter.statements), path
        assert block(response.get_data(as_text=True)) == "", path


@pytest.mark.parametrize("key", sorted(LIST_PATHS))
def test_every_list_shows_its_block(client, as_role, key):
    as_role("viewer")
    html = client.get(LIST_PATHS[key]).get_data(as_text=True)
    assert "Saved views" in block(html)


def test_a_shared_view_shows_a_viewer_no_restricted_consultation(app, client, users, as_role):
    """A view is its filters, not its rows: opened by a reader, the list applies that reader's visibility."""
    with app.app_context():
        topic = make_topic(name="Topic of the restricted one")
        make_consultation(title="Restricted board briefing", confidentiality="restricted", topics=[topic])
        make_consultation(title="Confidential working group", confidentiality="confidential", topics=[topic])
        make_consultation(title="Open roundtable", topics=[topic])
        topic_id = topic.id
        db.session.commit()
    token = as_role("admin")
    assert (
        save_view(client, token, "consultations.index", f"topic={topic_id}", "All on the topic", True).status_code
        == 302
    )
    admin_page = client.get(f"/consultations?topic={topic_id}").get_data(as_text=True)
    assert "Restricted board briefing" in admin_page
    from tests.conftest import login

    viewer = app.test_client()
    login(viewer, users["viewer"])
    listed = viewer.get("/consultations").get_data(as_text=True)
    assert "All on the topic" in block(listed)
    page = viewer.get(f"/consultations?topic={topic_id}").get_data(as_text=True)
    assert 'aria-current="page"' in block(page)
    assert "Open roundtable" in page
    assert "Restricted board briefing" not in page and "Confidential working group" not in page
