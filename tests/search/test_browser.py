"""In a real browser: the navigation's jump box is operable from the keyboard alone —
"/" focuses it, typing lists matches (htmx), arrows choose, Escape closes, Enter goes there."""

import pytest

from engage.extensions import db
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_organisation, make_person, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def server(app):
    with app.app_context():
        reader = make_user(role="viewer", email="jumper@test.example", name="Jump Reader")
        person = make_person(name="Zoë Ødegård", title="Researcher")
        make_organisation(name="Ødegård Foundation")
        db.session.commit()
        email, person_id = reader.email, person.id
    with live_server(app) as base:
        yield base, email, person_id


def test_jump_box_goes_to_a_record_from_the_keyboard(app, server, chromium):
    from playwright.sync_api import expect, sync_playwright

    base, email, person_id = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            sign_in(page, base, email, PASSWORD)
            page.keyboard.press("/")
            box = page.locator("#jump-q")
            expect(box).to_be_focused()
            page.keyboard.type("zoe odeg")
            options = page.locator("#jump-options [role=option]")
            expect(options.first).to_contain_text("Zoë Ødegård")
            expect(box).to_have_attribute("aria-expanded", "true")
            page.keyboard.press("Escape")
            expect(box).to_have_attribute("aria-expanded", "false")
            expect(page.locator("#jump-options")).to_be_hidden()
            page.keyboard.press("ArrowDown")
            expect(options.first).to_have_attribute("aria-selected", "true")
            expect(box).to_have_attribute("aria-activedescendant", "jump-opt-1")
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/people/{person_id}")
            assert not errors, errors
        finally:
            browser.close()
