"""Forums through HTTP: list, detail (members, terms, visible consultations), forms, members."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.extensions import db
from engage.forums.models import Forum, ForumMember
from tests.conftest import login
from tests.factories import (
    make_consultation,
    make_engagement,
    make_forum,
    make_organisation,
    make_person,
    make_user,
    saved,
    saved_with_version,
)
from tests.helplines.helpers import archive, audit_count, count, field_error, statement_counts

TODAY = date.today()


def test_create_and_edit_a_forum_with_representatives(app, client, users, as_role):
    token = as_role("editor")
    with app.app_context():
        rep = make_user(role="editor", name="Rita Rep")
        db.session.commit()
        rep_id = rep.id
    r = client.post(
        "/forums/new",
        data={
            "csrf_token": token,
            "name": "Youth Advisory Council",
            "kind": "advisory_council",
            "description": "Meets *quarterly*. <script>alert(1)</script>",
            "website": "example.org/yac",
            "representatives": [str(rep_id)],
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        forum = db.session.execute(select(Forum)).scalar_one()
        assert forum.website == "https://example.org/yac"
        assert [u.name for u in forum.representatives] == ["Rita Rep"]
        fid = forum.id
        event = db.session.execute(select(AuditEvent).where(AuditEvent.record_type == "forums")).scalar_one()
        assert event.action == "create" and event.changes["representatives"] == [[], [rep_id]]
    body = client.get(f"/forums/{fid}").get_data(as_text=True)
    assert "<em>quarterly</em>" in body and "<script>alert(1)</script>" not in body and "Rita Rep" in body
    assert "Youth Advisory Council" in client.get("/forums?q=youth").get_data(as_text=True)


def test_stale_forum_edit_gets_409_and_the_first_save_stands(app, client, as_role):
    fid, version = saved_with_version(app, make_forum, name="Original")
    token = as_role("editor")
    data = {"csrf_token": token, "kind": "working_group", "version": version}
    assert client.post(f"/forums/{fid}/edit", data={**data, "name": "First"}).status_code == 302
    second = client.post(f"/forums/{fid}/edit", data={**data, "name": "Second"})
    assert second.status_code == 409
    assert "Someone else changed this forum" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Forum, fid).name == "First"
    assert audit_count(app, "forums") == 1  # the first save's; the refused one wrote nothing


def test_changing_only_representatives_still_moves_the_version(app, client, as_role):
    with app.app_context():
        forum = make_forum(name="Reps")
        rep = make_user(role="editor")
        db.session.commit()
        fid, version, rep_id = forum.id, forum.version, rep.id
    token = as_role("editor")
    data = {"csrf_token": token, "name": "Reps", "kind": "advisory_council", "version": version}
    assert client.post(f"/forums/{fid}/edit", data={**data, "representatives": [str(rep_id)]}).status_code == 302
    assert client.post(f"/forums/{fid}/edit", data=data).status_code == 409
    with app.app_context():
        assert [u.id for u in db.session.get(Forum, fid).representatives] == [rep_id]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the forum"),
        ({"kind": "party"}, "kind", "Choose one of"),
        ({"website": "javascript:alert(1)"}, "website", "not a web address"),
        ({"representatives": ["9999"]}, "representatives", "Choose representatives"),
    ],
)
def test_bad_forum_input(app, client, as_role, data, field, message):
    token = as_role("editor")
    r = client.post("/forums/new", data={"csrf_token": token, "name": "X", "kind": "working_group", **data})
    assert r.status_code == 400
    assert message in (field_error(r, field) or "")
    assert count(app, Forum) == 0


def test_members_with_terms_ending_soon_and_past_terms(app, client, as_role):
    with app.app_context():
        forum = make_forum(name="Council")
        soon = make_person(name="Soon Ending")
        later = make_person(name="Later Ending")
        org = make_organisation(name="Past Org")
        db.session.add_all(
            [
                ForumMember(forum_id=forum.id, person_id=soon.id, role="Chair", term_end=TODAY + timedelta(days=30)),
                ForumMember(forum_id=forum.id, person_id=later.id, role="Member", term_end=TODAY + timedelta(days=200)),
                ForumMember(
                    forum_id=forum.id,
                    organisation_id=org.id,
                    role="Observer",
                    term_end=TODAY - timedelta(days=5),
                ),
            ]
        )
        db.session.commit()
        fid, soon_id, org_id = forum.id, soon.id, org.id
    as_role("viewer")
    body = client.get(f"/forums/{fid}").get_data(as_text=True)
    row = re.search(rf'<tr class="([^"]*)">\s*<td[^>]*>[^<]*<i[^>]*></i> <a href="/people/{soon_id}">Soon Ending', body)
    assert row and "term-ending" in row.group(1)
    assert "Ends in 30 days" in body
    later_row = re.search(r'<tr class="([^"]*)">\s*<td[^>]*>[^<]*<i[^>]*></i> <a href="/people/\d+">Later Ending', body)
    assert later_row and "term-ending" not in later_row.group(1)
    current, past = body.split("Past members")
    assert "Past Org" not in current and f'href="/organizations/{org_id}"' in past
    listing = client.get("/forums?ending=1").get_data(as_text=True)
    assert "Council" in listing and "1 ending within 90 days" in listing


def test_add_edit_and_remove_a_member(app, client, as_role):
    with app.app_context():
        forum = make_forum(name="WG")
        person = make_person(name="Zoë Ångström")
        db.session.commit()
        fid, pid = forum.id, person.id
    token = as_role("editor")
    page = client.get(f"/forums/{fid}/members/new?person_q=Ångström").get_data(as_text=True)
    assert f'value="{pid}"' in page
    assert "Zoë Ångström" in client.get("/forums/lookup/people?person_q=zo").get_data(as_text=True)
    r = client.post(
        f"/forums/{fid}/members/new",
        data={
            "csrf_token": token,
            "person": str(pid),
            "role": "Chair",
            "term_start": "2025-01-01",
            "term_end": "2027-01-01",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        member = db.session.execute(select(ForumMember)).scalar_one()
        mid, version = member.id, member.version
    r = client.post(
        f"/forums/{fid}/members/{mid}/edit",
        data={
            "csrf_token": token,
            "version": version,
            "person": str(pid),
            "role": "Vice-chair",
            "term_start": "2025-01-01",
        },
    )
    assert r.status_code == 302
    stale = client.post(
        f"/forums/{fid}/members/{mid}/edit",
        data={"csrf_token": token, "version": version, "person": str(pid), "role": "Stale"},
    )
    assert stale.status_code == 409
    assert client.post(f"/forums/{fid}/members/{mid}/remove", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(ForumMember)).scalar_one() == 0
        actions = [
            e.action
            for e in db.session.execute(
                select(AuditEvent).where(AuditEvent.record_type == "forum_members").order_by(AuditEvent.id)
            ).scalars()
        ]
        assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"term_start": "2026-05-01", "term_end": "2026-04-30"}, "term_end", "cannot end before it starts"),
        ({"person": ""}, "person", "Choose a person or an organisation."),
        ({"organisation": "ORG"}, "person", "not both"),
        ({"person": "99999"}, "person", "Choose the person from the list"),
        ({"term_start": "not a date"}, "term_start", "Not a valid date"),
    ],
)
def test_bad_member_input(app, client, as_role, data, field, message):
    with app.app_context():
        forum = make_forum()
        person = make_person()
        org = make_organisation()
        db.session.commit()
        fid, pid, oid = forum.id, person.id, org.id
    token = as_role("editor")
    form = {"csrf_token": token, "person": str(pid), "role": "Member", **data}
    if form.get("organisation") == "ORG":
        form["organisation"] = str(oid)
    r = client.post(f"/forums/{fid}/members/new", data=form)
    assert r.status_code == 400
    assert message in (field_error(r, field) or ""), r.get_data(as_text=True)[-3000:]
    assert count(app, ForumMember) == 0


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_restricted_consultation_is_absent_for_other_users(app, client, users, role):
    with app.app_context():
        forum = make_forum()
        staff = make_user(role="editor")
        make_consultation(title="Open session", forum_id=forum.id)
        make_consultation(title="Secret session", forum_id=forum.id, confidentiality="restricted", staff=[staff])
        make_consultation(title="Confidential session", forum_id=forum.id, confidentiality="confidential")
        make_engagement(title="Council meeting", forum_id=forum.id)
        db.session.commit()
        fid, staff_email = forum.id, staff.email
    login(client, users[role])
    body = client.get(f"/forums/{fid}").get_data(as_text=True)
    assert "Open session" in body and "Secret session" not in body and "Council meeting" in body
    expected = 2 if role == "editor" else 1  # confidential ones are for editors; restricted for staff
    assert ("Confidential session" in body) == (role == "editor")
    heading = re.search(r'Consultations held in this forum <span class="badge[^"]*">(\d+)</span>', body)
    assert heading and int(heading.group(1)) == expected
    client.post("/logout", data={"csrf_token": re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)})
    login(client, staff_email)
    assert "Secret session" in client.get(f"/forums/{fid}").get_data(as_text=True)


def test_archive_hides_from_the_list(app, client, as_role):
    fid = saved(app, make_forum, name="Old Council")
    token = as_role("editor")
    archive(client, token, f"/forums/{fid}", "Old Council", listing="/forums")
    assert "Old Council" in client.get("/forums?archived=1").get_data(as_text=True)
    assert client.post(f"/forums/{fid}/restore", data={"csrf_token": token}).status_code == 302


def test_empty_state_and_unknown_ids(client, as_role):
    token = as_role("editor")
    assert "No forums yet" in client.get("/forums").get_data(as_text=True)
    assert client.get("/forums/999").status_code == 404
    assert client.get("/forums/999/edit").status_code == 404
    assert client.get("/forums/999/members/1/edit").status_code == 404
    assert client.post("/forums/999/archive", data={"csrf_token": token}).status_code == 404


def _forums(n: int) -> int:
    users = [make_user(role="editor") for _ in range(3)]
    first = None
    for i in range(n):
        forum = make_forum(kind=["advisory_council", "working_group"][i % 2])
        forum.representatives = users[: 1 + i % 3]
        first = first or forum.id
        person = make_person()
        org = make_organisation()
        db.session.add(ForumMember(forum_id=first, person_id=person.id, term_end=TODAY + timedelta(days=i)))
        db.session.add(ForumMember(forum_id=forum.id, organisation_id=org.id))
        make_consultation(forum_id=first, confidentiality=["normal", "restricted"][i % 2])
        make_engagement(forum_id=first)
    db.session.commit()
    return first


@pytest.mark.parametrize("path", ["/forums", "/forums/{id}", "/forums?ending=1&sort=-kind"])
def test_statement_count_does_not_grow_with_rows(app, client, users, path):
    tables = ("forum_members", "forum_representatives", "consultations", "engagements", "forums")
    counts = statement_counts(app, client, users["viewer"], tables, _forums, path)
    assert counts[0] == counts[1], counts


def test_an_unknown_member_id_is_404_and_changes_nothing(app, client, as_role):
    with app.app_context():
        forum, other = make_forum(name="Mine"), make_forum(name="Other")
        person = make_person()
        member = ForumMember(forum_id=other.id, person_id=person.id, role="Chair")
        db.session.add(member)
        db.session.commit()
        fid, mid, pid, version = forum.id, member.id, person.id, member.version
    token = as_role("editor")
    # A membership of another forum is not one of this forum's: 404, not an edit through the wrong forum.
    data = {"csrf_token": token, "version": version, "person": str(pid), "role": "Moved"}
    assert client.post(f"/forums/{fid}/members/{mid}/edit", data=data).status_code == 404
    assert client.post(f"/forums/{fid}/members/99999/edit", data=data).status_code == 404
    assert client.post(f"/forums/{fid}/members/{mid}/remove", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert db.session.get(ForumMember, mid).role == "Chair"
    assert count(app, ForumMember) == 1
    assert audit_count(app, "forum_members") == 0


def test_a_stale_member_edit_is_409_and_changes_nothing(app, client, as_role):
    with app.app_context():
        forum, person = make_forum(), make_person()
        member = ForumMember(forum_id=forum.id, person_id=person.id, role="Chair")
        db.session.add(member)
        db.session.commit()
        fid, mid, pid, version = forum.id, member.id, person.id, member.version
    token = as_role("editor")
    data = {"csrf_token": token, "version": version - 1, "person": str(pid), "role": "Stale"}
    r = client.post(f"/forums/{fid}/members/{mid}/edit", data=data)
    assert r.status_code == 409 and "Someone else changed this membership" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ForumMember, mid).role == "Chair"
    assert audit_count(app, "forum_members") == 0
