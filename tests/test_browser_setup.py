"""The browser tests cannot quietly skip where they must run."""

import pytest

from tests import browser


def test_a_missing_chromium_fails_where_the_browser_is_required(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("ENGAGE_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception):
        browser.chromium.__wrapped__()
    monkeypatch.setenv("ENGAGE_REQUIRE_BROWSER", "")
    with pytest.raises(pytest.skip.Exception):
        browser.chromium.__wrapped__()
