"""Failed sign-ins are held back per account and client and per client, in a store every worker
shares; nobody can lock the real user out from elsewhere; an admin can unlock and reset."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from engage.audit.models import AuditEvent
from engage.auth.models import LoginFailure, User
from engage.extensions import db
from engage.mixins import utcnow
from tests.conftest import PASSWORD, csrf_from, login

ROOT = Path(__file__).resolve().parents[2]


def _post_login(client, email, password, addr="10.0.0.1", headers=None):
    env = {"REMOTE_ADDR": addr}
    token = csrf_from(client.get("/login", environ_base=env, headers=headers).get_data(as_text=True))
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=env,
        headers=headers,
    )


def _fail(app, email, times, addr="10.0.0.1"):
    client = app.test_client()
    for _ in range(times):
        assert _post_login(client, email, "wrong-password", addr).status_code == 401


def test_the_attacker_is_held_back_but_the_real_user_signs_in_from_elsewhere(app, users):
    _fail(app, users["editor"], 10, addr="203.0.113.9")
    attacker = app.test_client()
    r = _post_login(attacker, users["editor"], PASSWORD, "203.0.113.9")
    assert r.status_code == 429  # even the right password, from the attacker's client
    assert "Too many failed sign-ins from here. Wait 15 minutes" in r.get_data(as_text=True)
    r = _post_login(app.test_client(), users["editor"], PASSWORD, "198.51.100.7")
    assert r.status_code == 302  # the real user, from their own client


def test_a_client_is_held_back_after_failures_on_many_accounts(app, users):
    app.config["LOGIN_CLIENT_LIMIT"] = 12
    client = app.test_client()
    for n in range(12):
        assert _post_login(client, f"nobody{n}@example.org", "x", "192.0.2.50").status_code == 401
    assert _post_login(client, users["viewer"], PASSWORD, "192.0.2.50").status_code == 429
    assert _post_login(client, users["viewer"], PASSWORD, "192.0.2.51").status_code == 302


def test_ipv6_clients_count_by_their_64(app, users):
    _fail(app, users["editor"], 5, addr="2001:db8:1:2::1")
    _fail(app, users["editor"], 5, addr="2001:db8:1:2::ffff")
    assert _post_login(app.test_client(), users["editor"], PASSWORD, "2001:db8:1:2::77").status_code == 429
    assert _post_login(app.test_client(), users["editor"], PASSWORD, "2001:db8:1:3::1").status_code == 302


def test_a_right_password_forgets_that_clients_failures_on_the_account(app, users):
    _fail(app, users["editor"], 9)
    assert _post_login(app.test_client(), users["editor"], PASSWORD).status_code == 302
    _fail(app, users["editor"], 9)  # nine more are not held back
    assert _post_login(app.test_client(), users["editor"], PASSWORD).status_code == 302


def test_failures_age_out_and_old_rows_are_cleared(app, users):
    _fail(app, users["editor"], 10)
    with app.app_context():
        db.session.execute(update(LoginFailure).values(failed_at=utcnow() - timedelta(minutes=16)))
        db.session.commit()
    assert _post_login(app.test_client(), users["editor"], PASSWORD).status_code == 302
    _fail(app, users["viewer"], 1)
    with app.app_context():
        rows = db.session.execute(select(LoginFailure.account)).scalars().all()
    assert rows == [users["viewer"]]  # the sixteen-minute-old rows are gone


def test_held_back_attempts_write_nothing(app, users):
    _fail(app, users["editor"], 10)
    with app.app_context():
        before = [
            db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in (AuditEvent, LoginFailure)
        ]
    for _ in range(5):
        assert _post_login(app.test_client(), users["editor"], "wrong-password").status_code == 429
    with app.app_context():
        after = [
            db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in (AuditEvent, LoginFailure)
        ]
    assert after == before


def _user(app, email) -> User:
    with app.app_context():
        return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_an_admin_unlocks_an_account_and_it_is_audited(app, client, users):
    _fail(app, users["editor"], 10)
    token = login(client, users["admin"])
    editor = _user(app, users["editor"])
    page = client.get(f"/admin/users/{editor.id}/edit").get_data(as_text=True)
    assert "held back from 1 client" in page and "Unlock sign-in" in page
    r = client.post(f"/admin/users/{editor.id}/unlock", data={"csrf_token": token})
    assert r.status_code == 302
    assert _post_login(app.test_client(), users["editor"], PASSWORD).status_code == 302
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "unlock")).scalar_one()
        assert event.record_id == editor.id and event.user_id == _user(app, users["admin"]).id


def test_only_admins_unlock_or_reset(app, client, users):
    token = login(client, users["editor"])
    viewer = _user(app, users["viewer"])
    for action in ("unlock", "reset-password"):
        assert client.post(f"/admin/users/{viewer.id}/{action}", data={"csrf_token": token}).status_code == 403
    admin_token = login(app.test_client(), users["admin"])
    admin = app.test_client()
    admin_token = login(admin, users["admin"])
    assert admin.post("/admin/users/99999/unlock", data={"csrf_token": admin_token}).status_code == 404
    assert admin.post("/admin/users/99999/reset-password", data={"csrf_token": admin_token}).status_code == 404


def test_an_admin_resets_a_password_which_must_be_changed_on_first_sign_in(app, client, users):
    victim = app.test_client()
    login(victim, users["viewer"])
    token = login(client, users["admin"])
    viewer = _user(app, users["viewer"])
    r = client.post(f"/admin/users/{viewer.id}/reset-password", data={"csrf_token": token})
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'id="temporary-password">([^<]+)<', r.get_data(as_text=True)).group(1)
    assert len(temporary) >= 16
    assert temporary not in client.get(f"/admin/users/{viewer.id}/edit").get_data(as_text=True)  # shown once
    assert victim.get("/account").status_code == 302  # signed out everywhere
    assert _post_login(app.test_client(), users["viewer"], PASSWORD).status_code == 401  # the old one is gone
    user = app.test_client()
    r = _post_login(user, users["viewer"], temporary)
    assert r.status_code == 302 and r.headers["Location"] == "/account"
    assert user.get("/people").headers["Location"] == "/account"  # every page leads to the change
    page = user.get("/account").get_data(as_text=True)
    assert "temporary password" in page
    data = {"csrf_token": csrf_from(page), "current_password": temporary}
    r = user.post("/account", data={**data, "new_password": temporary, "confirm": temporary})
    assert r.status_code == 400 and "different from the current one" in r.get_data(as_text=True)
    r = user.post("/account", data={**data, "new_password": "my-own-password", "confirm": "my-own-password"})
    assert r.status_code == 302
    assert user.get("/people").status_code == 200
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "password-reset")).scalar_one()
        assert event.record_id == viewer.id
        assert temporary not in str(event.changes) and event.changes["must_change_password"] == [False, True]


def test_an_admin_cannot_reset_their_own_password_here(app, client, users):
    token = login(client, users["admin"])
    admin = _user(app, users["admin"])
    r = client.post(f"/admin/users/{admin.id}/reset-password", data={"csrf_token": token})
    assert r.status_code == 400 and "from your account page" in r.get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_a_reset_unlocks_the_account(app, client, users):
    _fail(app, users["editor"], 10)
    token = login(client, users["admin"])
    editor = _user(app, users["editor"])
    temporary = re.search(
        r'id="temporary-password">([^<]+)<',
        client.post(f"/admin/users/{editor.id}/reset-password", data={"csrf_token": token}).get_data(as_text=True),
    ).group(1)
    assert _post_login(app.test_client(), users["editor"], temporary).status_code == 302


# --- Behind a proxy ---


def test_without_trusted_proxies_x_forwarded_for_is_ignored(app, users):
    for n in range(10):
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        assert _post_login(app.test_client(), users["editor"], "wrong", "10.9.9.9", forged).status_code == 401
    r = _post_login(app.test_client(), users["editor"], PASSWORD, "10.9.9.9", {"X-Forwarded-For": "198.51.100.99"})
    assert r.status_code == 429  # a forged header does not make a new client


def test_with_trusted_proxies_x_forwarded_for_tells_clients_apart(app, users):
    from engage import create_app

    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    proxy = "10.0.0.2"
    for _ in range(10):
        r = _post_login(proxied.test_client(), users["editor"], "wrong", proxy, {"X-Forwarded-For": "203.0.113.5"})
        assert r.status_code == 401
    attacker = _post_login(proxied.test_client(), users["editor"], PASSWORD, proxy, {"X-Forwarded-For": "203.0.113.5"})
    assert attacker.status_code == 429
    # A client that puts a fake address first gets the one the proxy appended (the last hop).
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5"}
    assert _post_login(proxied.test_client(), users["editor"], PASSWORD, proxy, spoofed).status_code == 429
    real = _post_login(proxied.test_client(), users["editor"], PASSWORD, proxy, {"X-Forwarded-For": "198.51.100.1"})
    assert real.status_code == 302
    with proxied.app_context():
        clients = set(db.session.execute(select(AuditEvent.remote_addr)).scalars())
    assert proxy not in clients and "203.0.113.5" in clients
    with proxied.app_context():
        db.engine.dispose()


# --- A shared store other than the database (Redis in production; memory:// here) ---


def test_a_limits_storage_holds_back_the_same_way(app, client, users):
    app.config["LOGIN_THROTTLE_STORAGE"] = "memory://"
    _fail(app, users["editor"], 10)
    assert _post_login(app.test_client(), users["editor"], PASSWORD).status_code == 429
    assert _post_login(app.test_client(), users["editor"], PASSWORD, "10.0.0.77").status_code == 302
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 0
    token = login(client, users["admin"])
    client.post(f"/admin/users/{_user(app, users['editor']).id}/unlock", data={"csrf_token": token})
    assert _post_login(app.test_client(), users["editor"], PASSWORD).status_code == 302


# --- Two gunicorn workers share the count ---


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attempt(base: str, email: str, password: str) -> int:
    """One sign-in on a new connection and a new cookie jar; its status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    token = csrf_from(opener.open(base + "/login", timeout=60).read().decode())
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        return opener.open(urllib.request.Request(base + "/login", data=body), timeout=60).status  # noqa: S310
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn(tmp_path):
    """Engage under `gunicorn -w 2` on a free port, on a new SQLite database with one user; yields
    the base URL and the access log, which names the worker (pid) that answered each request."""
    env = {
        **os.environ,
        "ENGAGE_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/engage.db",
        "SECRET_KEY": "two-workers-test-secret",
    }
    for name in ("FLASK_RUN_FROM_CLI", "ENGAGE_THROTTLE_STORAGE", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    from engage import create_app
    from tests.factories import make_user

    made = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "INSTANCE_PATH": str(tmp_path)})
    with made.app_context():
        db.create_all()
        make_user(role="editor", email="target@example.org")
        db.session.commit()
        db.engine.dispose()
    port, log = _free_port(), tmp_path / "access.log"
    # --max-requests: each worker process is replaced after a few requests, so the attempts are
    # answered by both workers and by their successors; any per-process count would be lost.
    # --preload: the app is imported once, so a replacement worker starts at once.
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
        "--max-requests", "5", "--preload",
        "--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app",
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine imports the app slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=30)  # noqa: S310 - our own server
                break
            except OSError:
                time.sleep(0.2)
        yield base, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _answering_workers(log: Path, status: str) -> set[str]:
    time.sleep(0.3)  # gunicorn writes the access log after the response
    lines = [line.split() for line in log.read_text().splitlines()]
    return {pid for pid, method, path, code in lines if method == "POST" and path == "/login" and code == status}


def test_two_gunicorn_workers_hold_back_after_the_same_count_as_one(gunicorn):
    base, log = gunicorn
    for n in range(10):
        assert _attempt(base, "target@example.org", f"wrong-{n}") == 401, n
    # Ten failures, counted together whichever worker took them: the eleventh try is held back,
    # even with the right password, on every worker.
    for _ in range(6):
        assert _attempt(base, "target@example.org", PASSWORD) == 429
    assert len(_answering_workers(log, "401")) >= 2
    assert len(_answering_workers(log, "429")) >= 2
