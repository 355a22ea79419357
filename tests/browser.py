"""What browser tests share: the system Chromium, started as this machine allows.

Where the browser tests must run (CI sets ENGAGE_REQUIRE_BROWSER=1), a missing Chromium fails
them rather than skipping them, so a broken install cannot pass unnoticed.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def required() -> bool:
    return os.environ.get("ENGAGE_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture
def chromium() -> str:
    """The Chromium executable; skips the test where Chromium is optional and missing, fails it in CI."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"the system Chromium ({CHROMIUM}) is not installed; .ci/run installs it (apt: chromium)"
    if required():
        pytest.fail(message)
    pytest.skip(message)
