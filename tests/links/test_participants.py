"""Engagement participants are picked by type-ahead and shown by name, with what tells two people of
one name apart; the old `participants-N-person` fields ("#id", email or exact name) still work."""

import re

import pytest
from sqlalchemy import select

from engage.engagements.models import Engagement
from engage.extensions import db
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.engagements.helpers import form_data
from tests.factories import make_affiliation, make_organisation, make_person, make_user


@pytest.fixture
def namesakes(app):
    """Two Aisha Okafors: one at a London charity, one in Lagos."""
    with app.app_context():
        charity = make_organisation(name="Mind Matters London")
        lagos = make_organisation(name="Lagos Youth Network", country="NG")
        one = make_person(name="Aisha Okafor", email="aisha@mindmatters.example", country="GB")
        two = make_person(name="Aisha Okafor", email="a.okafor@lyn.example", country="NG")
        make_affiliation(one, charity)
        make_affiliation(two, lagos)
        db.session.commit()
        return one.id, two.id


def test_suggestions_tell_namesakes_apart(client, as_role, namesakes):
    as_role("editor")
    html = client.get("/consultations/suggest/people?q=okafor").get_data(as_text=True)
    assert html.count('data-name="Aisha Okafor"') == 2
    assert "Mind Matters London · United Kingdom · aisha@mindmatters.example" in html
    assert "Lagos Youth Network · Nigeria · a.okafor@lyn.example" in html


def test_forum_member_lookup_tells_namesakes_apart(client, as_role, namesakes):
    as_role("editor")
    html = client.get("/forums/lookup/people?person_q=aisha").get_data(as_text=True)
    assert "Aisha Okafor — Mind Matters London · United Kingdom · aisha@mindmatters.example" in html
    assert "Aisha Okafor — Lagos Youth Network · Nigeria · a.okafor@lyn.example" in html


def test_create_then_edit_shows_participants_by_name(app, client, as_role, namesakes):
    one, two = namesakes
    token = as_role("editor")
    data = form_data(
        token,
        **{
            "participants-0-person": f"#{one}",
            "participants-0-role": "moderator",
            "participants-0-rsvp": "accepted",
            "participants-3-person": f"#{two}",
            "participants-3-role": "co_panellist",
            "participants-3-rsvp": "tentative",
        },
    )
    response = client.post("/engagements/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert sorted(p.person_id for p in engagement.participants) == sorted([one, two])
        engagement_id = engagement.id
    html = client.get(f"/engagements/{engagement_id}/edit").get_data(as_text=True)
    assert "#12, email or name" not in html and "Person 1" not in html
    shown = html.split('<template id="participant-row-template">')[0]  # not the blank row JavaScript copies
    rows = re.findall(r'<li class="participant-row[^"]*" data-participant>.*?</li>', shown, re.S)
    assert len(rows) == 2
    assert all("Aisha Okafor" in row for row in rows)
    assert any("Mind Matters London" in row and 'value="moderator" selected' in row for row in rows)
    assert any("Lagos Youth Network" in row and 'value="tentative" selected' in row for row in rows)
    assert f'value="#{one}"' in html and f'value="#{two}"' in html
    # Removing a row (it is no longer posted) takes the person off; the other stays.
    edit = form_data(token, version="1", **{"participants-3-person": f"#{two}", "participants-3-role": "moderator"})
    response = client.post(f"/engagements/{engagement_id}/edit", data=edit)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        engagement = db.session.get(Engagement, engagement_id)
        assert [(p.person_id, p.role) for p in engagement.participants] == [(two, "moderator")]


def test_an_unknown_participant_is_shown_with_its_message(app, client, as_role):
    token = as_role("editor")
    response = client.post("/engagements/new", data=form_data(token, **{"participants-0-person": "Nobody Known"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="participants-error"' in html and "No single person matches" in html
    assert 'value="Nobody Known"' in html


@pytest.mark.browser
def test_type_a_few_letters_and_pick_a_participant(app, chromium, namesakes):
    from playwright.sync_api import expect, sync_playwright

    _, two = namesakes
    with app.app_context():
        make_user(role="editor", email="picker@test.example", name="Picker Editor")
        db.session.commit()
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            sign_in(page, base, "picker@test.example", PASSWORD)
            page.goto(f"{base}/engagements/new")
            page.fill("#title", "Picked panel")
            page.fill("#starts_at", "2026-03-30T10:00")
            page.fill("#ends_at", "2026-03-30T11:30")
            page.fill("#timezone", "Europe/Brussels")
            page.fill("#person_q", "oka")
            page.click("[data-pick]:has-text('Lagos Youth Network')")
            rows = page.locator("#participants-chosen [data-participant]")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("Lagos Youth Network")
            rows.first.locator("select[name$=-role]").select_option("moderator")
            page.click("button[type=submit]:has-text('Save')")
            page.wait_for_url(re.compile(r".*/engagements/\d+$"))
            expect(page.locator(f"a[href='/people/{two}']")).to_contain_text("Aisha Okafor")
            assert errors == []
        finally:
            browser.close()
    with app.app_context():
        engagement = db.session.execute(select(Engagement)).scalar_one()
        assert [(p.person_id, p.role) for p in engagement.participants] == [(two, "moderator")]
