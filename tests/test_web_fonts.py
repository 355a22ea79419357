"""Names in every script show as letters, not empty boxes, on a machine whose own fonts lack them
(this one has only DejaVu): the pages fall back to the Noto fonts the PDFs embed. Chromium reports
which font drew each node's text (CSS.getPlatformFontsForNode), so a missing glyph cannot pass."""

import pytest

from engage.extensions import db
from tests.browser import ARGS, live_server, sign_in
from tests.conftest import PASSWORD
from tests.factories import make_person, make_user

pytestmark = pytest.mark.browser

NAMES = {  # name → the fonts that have its script (DejaVu, the only system font here, has no CJK)
    "李伟": ("Noto Sans SC", "Noto Sans CJK"),
    "山田 たろう": ("Noto Sans JP", "Noto Sans CJK"),  # the kana need the Japanese font
    "김민준": ("Noto Sans KR", "Noto Sans CJK"),
    "محمد": ("Noto Sans Arabic", "DejaVu Sans"),
    "שרה": ("Noto Sans Hebrew", "DejaVu Sans"),
}


def test_names_in_every_script_are_drawn_with_a_font_that_has_them(app, chromium):
    from playwright.sync_api import sync_playwright

    with app.app_context():
        make_user(role="viewer", email="fonts@test.example", name="Font Reader")
        people = {name: make_person(name=name).id for name in NAMES}
        db.session.commit()
    with live_server(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            sign_in(page, base, "fonts@test.example", PASSWORD)
            cdp = page.context.new_cdp_session(page)
            drawn = {}
            for name, person_id in people.items():
                page.goto(f"{base}/people/{person_id}")
                # the faces this text needs, loaded (as the page itself would, a moment later)
                page.evaluate("(t) => document.fonts.load('1em \\'Engage Script\\'', t)", name)
                cdp.send("DOM.enable")
                cdp.send("CSS.enable")
                root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
                heading = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
                drawn[name] = {f["familyName"] for f in fonts if f["glyphCount"]}
            wrong = {
                name: fonts
                for name, fonts in drawn.items()
                if not any(family.startswith(NAMES[name]) for family in fonts)
            }
            assert not wrong, f"drawn without their script's font (empty boxes): {wrong}"
        finally:
            browser.close()
