"""Every person, organisation, staff member and record named on a page links to it: participants,
speakers, "who shaped it", commitments, timelines, forum members and the audit log."""

from datetime import date
from html.parser import HTMLParser

import pytest

from engage.extensions import db
from tests.factories import (
    make_consultation,
    make_engagement,
    make_forum,
    make_input,
    make_organisation,
    make_person,
    make_policy,
    make_user,
    make_version,
)


class _Anchors(HTMLParser):
    """(href, text) of every <a> on a page, the text with whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append((dict(attrs).get("href") or "", []))

    def handle_data(self, data):
        for _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.anchors.append((href, " ".join("".join(text).split())))


def anchors(html: str) -> list[tuple[str, str]]:
    parser = _Anchors()
    parser.feed(html)
    return parser.anchors


def assert_linked(html: str, text: str, href: str) -> None:
    found = anchors(html)
    assert (href, text) in found, f"{text!r} is not a link to {href}; links named so: " + repr(
        [a for a in found if a[1] == text]
    )


@pytest.fixture
def story(app):
    """One of everything, named once, joined up."""
    from engage.consultations.models import Commitment
    from engage.forums.models import ForumMember

    with app.app_context():
        staff = make_user(role="editor", email="staff@test.example", name="Stella Staff")
        speaker = make_user(role="editor", email="speaker@test.example", name="Sam Speaker")
        person = make_person(name="Priya Participant")
        other = make_person(name="Omar Other")
        organisation = make_organisation(name="Helpful Trust")
        forum = make_forum(name="Youth Panel")
        policy = make_policy(code="MH-LNK", title="Linked policy", owner_id=staff.id)
        version = make_version(policy, "v1", {"MH-LNK 1.1": "Be kind."}, effective_on=date(2026, 1, 1))
        clause = version.clauses[0]
        consultation = make_consultation(
            title="Linked roundtable",
            staff=[staff],
            people=[person, other],
            organisations=[organisation],
            forum_id=forum.id,
            created_by_id=staff.id,
        )
        make_input(
            consultation,
            "Say it plainly.",
            person=person,
            clause=clause,
            decision={"outcome": "adopted", "decided_by_id": staff.id, "decided_on": date(2026, 10, 2)},
        )
        db.session.add(
            Commitment(
                description="Send the notes", assignee_id=staff.id, consultation_id=consultation.id, person_id=other.id
            )
        )
        db.session.add(ForumMember(forum_id=forum.id, person_id=person.id, role="member", term_start=date(2025, 1, 1)))
        make_person(name="Looked After", owner_id=speaker.id)
        engagement = make_engagement(title="Linked panel", speakers=[speaker], participants=[person], forum_id=forum.id)
        db.session.commit()
        return {
            "staff": staff.id,
            "speaker": speaker.id,
            "person": person.id,
            "other": other.id,
            "organisation": organisation.id,
            "forum": forum.id,
            "policy": policy.id,
            "clause": clause.id,
            "consultation": consultation.id,
            "engagement": engagement.id,
        }


def test_engagement_page_links_participants_speakers_and_forum(client, as_role, story):
    as_role("viewer")
    html = client.get(f"/engagements/{story['engagement']}").get_data(as_text=True)
    assert_linked(html, "Priya Participant", f"/people/{story['person']}")
    assert_linked(html, "Sam Speaker", f"/people?owner={story['speaker']}")
    assert_linked(html, "Youth Panel", f"/forums/{story['forum']}")
    # A staff member's link leads somewhere useful: the people they look after.
    owned = client.get(f"/people?owner={story['speaker']}").get_data(as_text=True)
    assert "Looked After" in owned and "Priya Participant" not in owned


def test_consultation_page_links_everyone_on_it(client, as_role, story):
    as_role("viewer")
    html = client.get(f"/consultations/{story['consultation']}").get_data(as_text=True)
    assert_linked(html, "Priya Participant", f"/people/{story['person']}")
    assert_linked(html, "Omar Other", f"/people/{story['other']}")
    assert_linked(html, "Helpful Trust", f"/organizations/{story['organisation']}")
    assert_linked(html, "Youth Panel", f"/forums/{story['forum']}")
    listed = client.get("/consultations").get_data(as_text=True)
    assert_linked(listed, "Priya Participant", f"/people/{story['person']}")
    assert_linked(listed, "Helpful Trust", f"/organizations/{story['organisation']}")
    # Logged by, the decision's author and the commitment's assignee: the staff member.
    staff_links = [a for a in anchors(html) if a == (f"/people?owner={story['staff']}", "Stella Staff")]
    assert len(staff_links) >= 3


def test_who_shaped_it_links_people_and_deciders(client, as_role, story):
    as_role("viewer")
    html = client.get(f"/clauses/{story['clause']}").get_data(as_text=True)
    assert_linked(html, "Priya Participant", f"/people/{story['person']}")
    assert_linked(html, "Stella Staff", f"/people?owner={story['staff']}")
    assert_linked(html, "Linked roundtable", f"/consultations/{story['consultation']}#input-1")
    policy = client.get(f"/policies/{story['policy']}").get_data(as_text=True)
    assert_linked(policy, "Stella Staff", f"/people?owner={story['staff']}")  # its owner


def test_timelines_forums_and_policy_list_link(client, as_role, story):
    as_role("viewer")
    person = client.get(f"/people/{story['person']}").get_data(as_text=True)
    assert_linked(person, "Linked roundtable", f"/consultations/{story['consultation']}")
    assert_linked(person, "Linked panel", f"/engagements/{story['engagement']}")
    assert_linked(person, "Youth Panel", f"/forums/{story['forum']}")
    forum = client.get(f"/forums/{story['forum']}").get_data(as_text=True)
    assert_linked(forum, "Priya Participant", f"/people/{story['person']}")
    policies = client.get("/policies").get_data(as_text=True)
    assert_linked(policies, "Linked policy", f"/policies/{story['policy']}")
    assert_linked(policies, "Stella Staff", f"/people?owner={story['staff']}")


def test_audit_log_links_who_did_it(client, as_role, users, story):
    token = as_role("admin")
    client.post(f"/engagements/{story['engagement']}/follow", data={"csrf_token": token})
    html = client.get("/admin/audit").get_data(as_text=True)
    who = [href for href, _ in anchors(html) if href.startswith("/people?owner=")]
    assert who, "no audit row links its user"
