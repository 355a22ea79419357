from datetime import date

from sqlalchemy import func, select

from engage.extensions import db
from engage.policies.diff import word_diff
from engage.policies.models import Clause, Policy, PolicyVersion
from tests.conftest import csrf_from
from tests.consultations.helpers import build_world


def test_list_filters_and_search(app, client, users, as_role):
    world = build_world(app, users)
    as_role("viewer")
    html = client.get("/policies?q=mh-s").get_data(as_text=True)
    assert "MH-SSH" in html
    assert "MH-SSH" not in client.get("/policies?q=zzz").get_data(as_text=True)
    assert client.get("/policies?q=100%25_").status_code == 200
    assert client.get("/policies?status=launched&review_within=30&owner=1&topic=1").status_code == 200
    assert "MH-SSH" in client.get(f"/policies/{world['policy']}").get_data(as_text=True)


def test_create_and_edit_policy_with_stale_version(app, client, users, as_role):
    token = as_role("editor")
    response = client.post(
        "/policies/new",
        data={"csrf_token": token, "code": "mh-ed", "title": "Disordered eating", "status": "draft"},
    )
    assert response.status_code == 302
    with app.app_context():
        policy = db.session.execute(select(Policy).where(Policy.code == "MH-ED")).scalar_one()
        pid = policy.id
    form = {"csrf_token": token, "code": "MH-ED", "title": "New title", "status": "launched", "version": "1"}
    assert client.post(f"/policies/{pid}/edit", data=form).status_code == 302
    stale = client.post(f"/policies/{pid}/edit", data={**form, "title": "Overwrite"})
    assert stale.status_code == 409
    assert "Someone else changed this policy" in stale.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Policy, pid).title == "New title"


def test_bad_policy_input(app, client, users, as_role):
    token = as_role("editor")
    response = client.post("/policies/new", data={"csrf_token": token, "code": "", "title": "", "status": "nope"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the policy code" in html
    with app.app_context():
        assert db.session.execute(select(func.count(Policy.id))).scalar() == 0


def test_new_version_prefilled_and_diff(app, client, users, as_role):
    world = build_world(app, users)
    token = as_role("editor")
    page = client.get(f"/policies/{world['policy']}/versions/new").get_data(as_text=True)
    assert "MH-SSH 1.1 |  | We remove content that promotes or glorifies self-harm." in page
    clauses = (
        "MH-SSH 1.1 | Scope | We remove content that promotes, glorifies or instructs self-harm.\n"
        "MH-SSH 3.1 | Banners | Show a <script>banner</script>."
    )
    response = client.post(
        f"/policies/{world['policy']}/versions/new",
        data={"csrf_token": token, "label": "v3", "effective_on": "2026-06-01", "clauses": clauses},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<ins>, glorifies or instructs</ins>" in html or "<ins>" in html
    assert "<del>or glorifies</del>" in html or "<del>" in html
    assert "&lt;script&gt;banner&lt;/script&gt;" in html and "<script>banner" not in html
    assert "MH-SSH 2.1" in html and "removed" in html and "added" in html


def test_bad_version_lines(app, client, users, as_role):
    world = build_world(app, users)
    token = as_role("editor")
    for clauses, message in [
        ("no separators here", "write KEY | heading | text"),
        ("K1 | h | a\nK1 | h | b", "appears twice"),
        ("K1 | heading |", "has no text"),
    ]:
        response = client.post(
            f"/policies/{world['policy']}/versions/new",
            data={"csrf_token": token, "label": "v9", "clauses": clauses},
        )
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    bad_date = client.post(
        f"/policies/{world['policy']}/versions/new",
        data={"csrf_token": token, "label": "v9", "effective_on": "2026-13-01", "clauses": "K | h | t"},
    )
    assert bad_date.status_code == 400 and "Enter the date as YYYY-MM-DD" in bad_date.get_data(as_text=True)
    duplicate = client.post(
        f"/policies/{world['policy']}/versions/new",
        data={"csrf_token": token, "label": "v2", "clauses": "K | h | t"},
    )
    assert duplicate.status_code == 400 and "already has a version v2" in duplicate.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(PolicyVersion.id))).scalar() == 2
        assert db.session.execute(select(func.count(Clause.id))).scalar() == 4


def test_word_diff_escapes():
    html = str(word_diff("a <b> c", "a <i> c d"))
    assert "<del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>" in html
    assert html.endswith("<ins> d</ins>")


def test_clause_page_lists_every_input_with_decision_and_version(app, client, users, as_role):
    world = build_world(app, users)
    login_as_admin = as_role("admin")
    assert login_as_admin
    html = client.get(f"/clauses/{world['clause_v2']}").get_data(as_text=True)
    # Across versions: v1 and v2 text of the same key.
    assert "We remove content that promotes self-harm." in html
    assert "promotes or glorifies self-harm." in html
    # Every input aimed at it or whose decision changed it (the admin sees every consultation).
    assert "Say glorifies, not only promotes." in html
    assert "Confidential point on the clause." in html
    assert "Dr Ada Expert" in html and "Normal roundtable" in html
    assert "Adopted" in html and "Clearer." in html and "Declined" in html and "Out of scope." in html
    assert ">v2</a>" in html  # the version the adopted input changed
    assert "1 Dec 2025" in html  # decision date
    # By key: /policies/<id>/clauses/<key> goes to the latest clause with that key.
    response = client.get(f"/policies/{world['policy']}/clauses/MH-SSH 1.1")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clauses/{world['clause_v2']}")
    assert client.get("/clauses/999999").status_code == 404


def test_version_page_lists_inputs_that_drove_it(app, client, users, as_role):
    world = build_world(app, users)
    as_role("admin")
    html = client.get(f"/policies/{world['policy']}/versions/{world['v2']}").get_data(as_text=True)
    assert "Say glorifies, not only promotes." in html
    assert "SECRET restricted point." in html  # admins see restricted consultations
    assert "Confidential point on the clause." not in html  # its decision names no version
    assert client.get(f"/policies/{world['policy']}/versions/999").status_code == 404


def test_outcome_counts(app, client, users, as_role):
    world = build_world(app, users)
    as_role("admin")
    html = client.get(f"/policies/{world['policy']}").get_data(as_text=True)
    assert 'data-outcome="adopted">1<' in html
    assert 'data-outcome="declined">1<' in html
    assert 'data-outcome="parked">1<' in html


def test_version_form_csrf_token(client, users, as_role, app):
    world = build_world(app, users)
    as_role("editor")
    assert csrf_from(client.get(f"/policies/{world['policy']}/versions/new").get_data(as_text=True))
    assert date.today()


def test_writes_to_unknown_policies_are_404_and_write_nothing(app, client, users, as_role):
    world = build_world(app, users)
    token = as_role("editor")
    with app.app_context():
        before = (
            db.session.execute(select(func.count(Policy.id))).scalar(),
            db.session.get(Policy, world["policy"]).title,
        )
    form = {
        "csrf_token": token,
        "code": "NEW",
        "title": "Written",
        "status": "draft",
        "label": "v9",
        "clauses": "K | h | t",
    }
    assert client.post("/policies/99999/edit", data=form).status_code == 404
    assert client.post("/policies/99999/versions/new", data=form).status_code == 404
    assert client.get("/policies/99999/clauses/K").status_code == 404
    assert client.get(f"/policies/{world['policy']}/clauses/NOPE").status_code == 404
    with app.app_context():
        after = (
            db.session.execute(select(func.count(Policy.id))).scalar(),
            db.session.get(Policy, world["policy"]).title,
        )
        assert after == before
        assert db.session.execute(select(func.count(PolicyVersion.id))).scalar() == 2


def test_policy_validation_error_from_the_service_is_400_and_writes_nothing(app, client, users, as_role):
    world = build_world(app, users)
    token = as_role("editor")
    form = {"csrf_token": token, "code": "mh-ssh", "title": "Clash", "status": "draft"}
    response = client.post("/policies/new", data=form)
    assert response.status_code == 400 and "Another policy already uses the code MH-SSH" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.execute(select(func.count(Policy.id))).scalar() == 1
        assert db.session.get(Policy, world["policy"]).title == "Suicide and self-harm"
