"""What browser tests share: the system Chromium, started as this machine allows.

Where the browser tests must run (CI sets ENGAGE_REQUIRE_BROWSER=1), a missing Chromium fails
them rather than skipping them, so a broken install cannot pass unnoticed.
"""

import os
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

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


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; skips the test where Chromium is optional and missing, fails it in CI."""
    return chromium_path()


def chromium_path() -> str:
    """What the `chromium` fixture gives, for fixtures of a wider scope (one browser per module)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"the system Chromium ({CHROMIUM}) is not installed; .ci/run installs it (apt: chromium)"
    if required():
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def live_server(app):
    """Serve `app` on a free local port for the length of the block; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
