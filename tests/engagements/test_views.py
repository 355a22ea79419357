"""Creating, editing, following and listing engagements through the HTTP interface."""

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.people.models import Person
from tests.engagements.helpers import form_data
from tests.factories import (
    make_engagement,
    make_forum,
    make_person,
    make_topic,
    make_user,
    saved_with_version,
    upcoming,
)
from tests.sqlcount import statements_for


def _count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Engagement.id))).scalar_one()


def test_create_stores_utc_instant_and_zone(app, client, as_role):
    token = as_role("editor")
    response = client.post("/engagements/new", data=form_data(token))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert engagement.starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # CEST, UTC+2
        assert engagement.ends_at == datetime(2026, 3, 30, 9, 30, tzinfo=UTC)
        assert engagement.timezone == "Europe/Brussels"
        assert engagement.sequence == 0
        assert db.session.execute(
            select(AuditEvent).where(AuditEvent.record_type == "engagements", AuditEvent.action == "create")
        ).scalar_one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mon 30 Mar 2026, 10:00 CEST" in page  # its own zone
    assert "Mon 30 Mar 2026, 09:00 BST" in page  # the reader's (default Europe/London)


def test_spring_forward_gap_is_refused_with_a_clear_message(app, client, as_role):
    token = as_role("editor")
    response = client.post(
        "/engagements/new", data=form_data(token, starts_at="2026-03-29T02:30", ends_at="2026-03-29T04:00")
    )
    assert response.status_code == 400
    assert (
        "02:30 does not exist on 29 March 2026 in Europe/Brussels: clocks go forward from 02:00 to 03:00"
        in response.get_data(as_text=True)
    )
    assert _count(app) == 0


def test_ambiguous_fall_back_time_needs_an_explicit_choice(app, client, as_role):
    token = as_role("editor")
    data = form_data(token, starts_at="2026-10-25T02:30", ends_at="2026-10-25T04:00")
    response = client.post("/engagements/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "02:30 on 25 October 2026 happens twice in Europe/Brussels" in html
    assert 'name="fold"' in html and "UTC+02:00" in html and "UTC+01:00" in html
    assert _count(app) == 0
    response = client.post("/engagements/new", data={**data, "fold": "second"})
    assert response.status_code == 302
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert engagement.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # CET, second 02:30
    # The edit form carries the choice forward, so saving again keeps the same instant.
    edit = client.get(f"/engagements/{engagement.id}/edit").get_data(as_text=True)
    assert 'name="fold" value="second"' in edit


def test_unknown_zone_and_end_before_start_are_refused(app, client, as_role):
    token = as_role("editor")
    response = client.post("/engagements/new", data=form_data(token, timezone="Mars/Olympus_Mons"))
    assert response.status_code == 400
    assert "is not an IANA time zone" in response.get_data(as_text=True)
    response = client.post(
        "/engagements/new", data=form_data(token, starts_at="2026-03-30T10:00", ends_at="2026-03-30T09:00")
    )
    assert response.status_code == 400
    assert "The end must be after the start." in response.get_data(as_text=True)
    response = client.post("/engagements/new", data=form_data(token, starts_at="tomorrow"))
    assert response.status_code == 400
    assert _count(app) == 0


def test_edit_bumps_sequence_and_a_stale_edit_gets_409(app, client, as_role):
    engagement_id, version = saved_with_version(app, make_engagement, timezone="Europe/Brussels")
    token = as_role("editor")
    data = form_data(token, version=str(version), title="First save")
    assert client.post(f"/engagements/{engagement_id}/edit", data=data).status_code == 302
    response = client.post(f"/engagements/{engagement_id}/edit", data={**data, "title": "Second save"})
    assert response.status_code == 409
    assert "Someone else saved this engagement" in response.get_data(as_text=True)
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        assert engagement.title == "First save"
        assert engagement.sequence == 1
        assert engagement.version == version + 1


def test_participants_speakers_topics_agenda_and_dnc_warning(app, client, as_role):
    with app.app_context():
        ana = make_person(name="Ana Costa", email="ana@uni.example")
        bob = make_person(name="Bob Quiet")  # asks not to be contacted after being invited (see below)
        speaker = make_user(role="editor", name="Sam Speaker")
        topic = make_topic(name="Body image")
        forum = make_forum(name="Youth Council")
        db.session.commit()
        ids = ana.id, bob.id, speaker.id, topic.id, forum.id
    token = as_role("editor")
    data = form_data(
        token,
        agenda="10:00 Welcome | chair\n10:15-11:00 Panel discussion",
        forum_id=str(ids[4]),
        **{
            "participants-0-person": "ana@uni.example",
            "participants-0-role": "moderator",
            "participants-0-rsvp": "accepted",
            "participants-1-person": f"#{ids[1]}",
            "participants-1-role": "co_panellist",
            "participants-1-rsvp": "tentative",
            "participants-2-person": "",
        },
    )
    data.update(speaker_ids=[str(ids[2])], topic_ids=[str(ids[3])])
    response = client.post("/engagements/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():  # a do-not-contact person cannot be invited any more, but one already is
        db.session.get(Person, ids[1]).do_not_contact = True
        db.session.commit()
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/people/{ids[0]}"' in html and "Moderator" in html and "Accepted" in html
    assert "Do not contact:" in html and "Bob Quiet" in html
    assert "Sam Speaker" in html and "Body image" in html and "Youth Council" in html
    assert "Panel discussion" in html and "10:15-11:00" in html
    assert "<strong>listen</strong>" in html  # key messages rendered as Markdown


def test_unknown_participant_is_refused(app, client, as_role):
    token = as_role("editor")
    response = client.post(
        "/engagements/new", data=form_data(token, **{"participants-0-person": "nobody@nowhere.example"})
    )
    assert response.status_code == 400
    assert "No single person matches" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_follow_and_unfollow(app, client, users, as_role):
    with app.app_context():
        engagement_id = make_engagement(**upcoming()).id  # the list shows what is to come
        db.session.commit()
    token = as_role("viewer")
    assert client.post(f"/engagements/{engagement_id}/follow", data={"csrf_token": token}).status_code == 302
    assert "Unfollow" in client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    page = client.get("/engagements?mine=1").get_data(as_text=True)
    assert f"/engagements/{engagement_id}" in page
    assert client.post(f"/engagements/{engagement_id}/unfollow", data={"csrf_token": token}).status_code == 302
    assert f'/engagements/{engagement_id}"' not in client.get("/engagements?mine=1").get_data(as_text=True)


def test_list_search_filters_and_upcoming_by_default(app, client, as_role):
    with app.app_context():
        make_engagement(title="Future 100% panel", country="BE", **upcoming())
        make_engagement(
            title="Past roundtable",
            starts_at=datetime(2020, 1, 1, 9, tzinfo=UTC),
            ends_at=datetime(2020, 1, 1, 10, tzinfo=UTC),
        )
        db.session.commit()
    as_role("viewer")
    page = client.get("/engagements").get_data(as_text=True)
    assert "Future 100% panel" in page and "Past roundtable" not in page
    assert "Past roundtable" in client.get("/engagements?when=past").get_data(as_text=True)
    assert "Future 100% panel" in client.get("/engagements?q=100%25").get_data(as_text=True)
    assert "Future 100% panel" not in client.get("/engagements?q=10_%25x").get_data(as_text=True)
    assert "Future 100% panel" not in client.get("/engagements?country=GB").get_data(as_text=True)
    assert "No engagements match" in client.get("/engagements?q=zzz").get_data(as_text=True)


def test_calendar_views_place_events_in_the_readers_zone(app, client, as_role):
    with app.app_context():
        # 23:30 UTC on 4 Dec is 5 Dec in Asia/Kolkata.
        make_engagement(
            title="Late call",
            starts_at=datetime(2026, 12, 4, 23, 30, tzinfo=UTC),
            ends_at=datetime(2026, 12, 5, 0, 30, tzinfo=UTC),
        )
        db.session.commit()
    as_role("viewer")
    london = client.get("/engagements/calendar?view=agenda&date=2026-12-01").get_data(as_text=True)
    assert "Friday 4 Dec 2026" in london and "23:30" in london
    kolkata = client.get("/engagements/calendar?view=agenda&date=2026-12-01&tz=Asia/Kolkata")
    assert "engage_tz=Asia/Kolkata" in kolkata.headers.get("Set-Cookie", "")
    html = kolkata.get_data(as_text=True)
    assert "Saturday 5 Dec 2026" in html and "05:00" in html
    for view in ("month", "week"):
        html = client.get(f"/engagements/calendar?view={view}&date=2026-12-04").get_data(as_text=True)
        assert "Late call" in html
    assert client.get("/engagements/calendar?view=month&date=nonsense&tz=Not/AZone").status_code == 200


def _many(app, n: int) -> None:
    with app.app_context():
        speaker = make_user(role="editor")
        forum = make_forum()
        topic = make_topic()
        people = [make_person() for _ in range(3)]
        for i in range(n):
            make_engagement(
                title=f"E{i}",
                speakers=[speaker],
                participants=people[:2],
                topics=[topic],
                forum_id=forum.id,
                starts_at=datetime(2026, 12, 1 + i % 28, 9, tzinfo=UTC),
                ends_at=datetime(2026, 12, 1 + i % 28, 10, tzinfo=UTC),
            )
        db.session.commit()


def test_statement_counts_do_not_grow(app, client, users, as_role):
    as_role("viewer")
    paths = [
        "/engagements?when=all",
        "/engagements/calendar?view=month&date=2026-12-01",
        "/engagements/calendar?view=week&date=2026-12-07",
        "/engagements/calendar?view=agenda&date=2026-12-01",
        "/engagements/1",
        "/engagements/1.ics",
    ]

    def measure():
        for p in paths:  # warm the event cache: a first .ics also writes its serialised events
            client.get(p)
        return {p: statements_for(app, client, p) for p in paths}

    _many(app, 10)
    small = measure()
    _many(app, 190)
    assert measure() == small


def test_nothing_in_pages_uses_inline_script_or_style(app, client, as_role):
    with app.app_context():
        engagement_id = make_engagement().id
        db.session.commit()
    as_role("editor")
    for path in (
        "/engagements",
        "/engagements/calendar",
        f"/engagements/{engagement_id}",
        f"/engagements/{engagement_id}/edit",
        "/engagements/new",
        "/engagements/import",
        "/account",
    ):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "style=" not in html, path


def test_the_engagement_page_shows_no_calendar_internals(app, client, as_role):
    # Sequence numbers, row versions and UIDs are for calendar programs, not for the reader.
    with app.app_context():
        engagement = make_engagement(title="Panel on recovery stories")
        db.session.commit()
        engagement_id, uid = engagement.id, engagement.uid
    as_role("viewer")
    page = client.get(f"/engagements/{engagement_id}").get_data(as_text=True)
    assert "Panel on recovery stories" in page
    assert uid not in page and "Calendar sequence" not in page
