"""Sessions end on the server: a cookie captured before sign-out, a password change, a deactivation
or an admin's password reset signs no one in when replayed; each sign-in starts a new session."""

from datetime import timedelta

from sqlalchemy import func, select, update

from engage.auth.models import User, UserSession
from engage.extensions import db
from engage.mixins import utcnow
from tests.conftest import PASSWORD, csrf_from, login


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, value: str):
    """A new browser that sends only the captured session cookie: is it signed in?"""
    other = app.test_client()
    other.set_cookie("session", value)
    return other.get("/account")


def _user(app, email: str) -> User:
    with app.app_context():
        return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _sessions(app, email: str) -> int:
    with app.app_context():
        uid = _user(app, email).id
        return db.session.execute(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == uid)
        ).scalar_one()


def test_a_cookie_replayed_after_logout_does_not_sign_in(app, client, users):
    token = login(client, users["editor"])
    captured = _cookie(client)
    assert _replay(app, captured).status_code == 200  # the copy works while the session lives
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = _replay(app, captured)
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")
    assert _sessions(app, users["editor"]) == 0


def test_logout_ends_only_that_session(app, client, users):
    token = login(client, users["editor"])
    laptop = app.test_client()
    login(laptop, users["editor"])
    client.post("/logout", data={"csrf_token": token})
    assert laptop.get("/account").status_code == 200


def test_a_password_change_ends_the_other_sessions(app, client, users):
    token = login(client, users["viewer"])
    stolen = app.test_client()
    login(stolen, users["viewer"])
    captured = _cookie(stolen)
    data = {
        "csrf_token": token,
        "current_password": PASSWORD,
        "new_password": "another-pass-1",
        "confirm": "another-pass-1",
    }
    assert client.post("/account", data=data).status_code == 302
    assert client.get("/account").status_code == 200  # this one stays
    assert _replay(app, captured).status_code == 302
    assert _sessions(app, users["viewer"]) == 1


def test_deactivation_ends_every_session_and_reactivation_revives_none(app, client, users):
    victim = app.test_client()
    login(victim, users["editor"])
    captured = _cookie(victim)
    token = login(client, users["admin"])
    user = _user(app, users["editor"])
    edit = f"/admin/users/{user.id}/edit"
    r = client.post(edit, data={"csrf_token": token, "version": user.version, "name": user.name, "role": "editor"})
    assert r.status_code == 302
    assert _sessions(app, users["editor"]) == 0
    r = client.post(
        edit,
        data={"csrf_token": token, "version": user.version + 1, "name": user.name, "role": "editor", "active": "y"},
    )
    assert r.status_code == 302
    assert _replay(app, captured).status_code == 302  # back in only by signing in again


def test_sign_in_starts_a_new_session_with_a_new_secret(app, client, users):
    page = client.get("/login")
    before_login = _cookie(client)
    anonymous_csrf = csrf_from(page.get_data(as_text=True))
    with client.session_transaction() as s:
        s["_user_id"] = "1:planted"  # a fixated identity is not honoured, nor kept
    token = login(client, users["editor"])
    assert token != anonymous_csrf  # the CSRF token is renewed with the session
    first = _cookie(client)
    assert first != before_login
    with client.session_transaction() as s:
        assert s["_user_id"] != "1:planted"
        first_id = s["_user_id"]
    client.post("/logout", data={"csrf_token": token})
    login(client, users["editor"])
    with client.session_transaction() as s:
        assert s["_user_id"] != first_id  # the same user, a new server-side secret
    assert _replay(app, before_login).status_code == 302
    assert _replay(app, first).status_code == 302


def test_the_server_never_stores_the_cookie_secret(app, client, users):
    login(client, users["editor"])
    with client.session_transaction() as s:
        secret = s["_user_id"].partition(":")[2]
    with app.app_context():
        hashes = db.session.execute(select(UserSession.secret_hash)).scalars().all()
    assert len(hashes) == 1 and secret not in hashes[0] and len(hashes[0]) == 64


def test_an_expired_session_signs_no_one_in(app, client, users):
    login(client, users["editor"])
    with app.app_context():
        db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/account").status_code == 302


def test_expired_rows_are_cleared_as_others_sign_in(app, client, users):
    login(client, users["editor"])
    with app.app_context():
        db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    login(app.test_client(), users["viewer"])
    assert _sessions(app, users["editor"]) == 0


def test_malformed_session_ids_are_refused_not_an_error(app, client, users):
    login(client, users["editor"])
    for forged in ("", ":", "abc:def", "1", "9" * 40 + ":x", "1:" + "x" * 5000, "١:x"):
        with client.session_transaction() as s:
            s["_user_id"] = forged
        assert client.get("/account").status_code == 302, forged
