"""The phone briefing in a real browser at 390 px: nothing scrolls sideways, every section of the
pack is there, and axe-core finds no serious or critical accessibility violation."""

import os

import pytest

from engage.extensions import db
from tests.briefings.scenario import build
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.browser

AXE = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "axe-core", "axe.min.js")
SECTIONS = ("Who will be there", "Key messages", "Likely questions", "Participants", "Helplines")


def test_phone_briefing_reads_at_390_px_and_passes_axe(app, chromium):
    from playwright.sync_api import sync_playwright

    with app.app_context():
        make_user(role="editor", email="speaker@test.example", name="Speaker Editor")
        engagement_id = build(6).id
        db.session.commit()
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            # The page's CSP allows no injected script: the test's own axe-core is let in by the browser.
            context = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
            page = context.new_page()
            sign_in(page, base, "speaker@test.example", PASSWORD)
            page.goto(f"{base}/engagements/{engagement_id}/briefing")
            headings = page.locator(".briefing-page h1, .briefing-page h2").all_inner_texts()
            for section in SECTIONS:
                assert section in headings, (section, headings)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.add_script_tag(path=os.path.realpath(AXE))
            assert page.evaluate("axe.version").startswith("4.")
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            bad = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], bad
        finally:
            browser.close()
