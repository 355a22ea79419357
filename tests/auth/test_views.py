from sqlalchemy import func, select

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.extensions import db
from tests.conftest import PASSWORD, csrf_from, login
from tests.factories import make_user


def test_login_page_and_sign_in(client, users):
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="email"' in page.get_data(as_text=True)
    login(client, users["editor"])
    home = client.get("/")
    assert home.status_code == 200
    body = home.get_data(as_text=True)
    assert "Sign out" in body and "People" in body


def test_wrong_password_is_refused_with_a_message(client, users):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": users["editor"], "password": "nope", "csrf_token": token})
    assert response.status_code == 401
    assert "The email or password is not right." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_post_without_csrf_token_gets_400(client, users):
    response = client.post("/login", data={"email": users["editor"], "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(app, client):
    with app.app_context():
        email = make_user(role="editor", active=False).email
        db.session.commit()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401


def test_ten_wrong_passwords_throttle_that_account_only(client, users):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for _ in range(10):
        r = client.post("/login", data={"email": users["editor"], "password": "wrong", "csrf_token": token})
        assert r.status_code == 401
    # Even the right password is now refused for this account, with a clear message.
    r = client.post("/login", data={"email": users["editor"], "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.get_data(as_text=True)
    # Another account, from the same client, still signs in.
    r = client.post("/login", data={"email": users["viewer"], "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(client, users):
    for _ in range(12):
        login(client, users["viewer"])
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


def _login_with_next(client, email, next_value):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": next_value})


def test_next_is_honoured_for_local_paths(client, users):
    r = _login_with_next(client, users["admin"], "/admin/users?page=1")
    assert r.headers["Location"] == "/admin/users?page=1"


def test_next_to_another_site_is_ignored(client, users):
    for evil in (
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "\t//evil.example",
    ):
        r = _login_with_next(client, users["editor"], evil)
        assert r.headers["Location"] == "/", evil
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


def test_anonymous_page_redirects_to_login_with_next(client):
    r = client.get("/admin/users?page=2")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")


def test_sign_in_starts_a_new_session(client, users):
    client.get("/login")
    with client.session_transaction() as s:
        s["planted"] = "by-attacker"
    login(client, users["editor"])
    with client.session_transaction() as s:
        assert "planted" not in s


def test_session_cookie_flags(client, users):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"email": users["editor"], "password": PASSWORD, "csrf_token": token})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_needs_post(client, users):
    token = login(client, users["editor"])
    assert client.get("/logout").status_code == 405
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 302
    assert client.get("/").status_code == 302


def _change_password(client, token, current, new, confirm=None):
    data = {"csrf_token": token, "current_password": current, "new_password": new, "confirm": confirm or new}
    return client.post("/account", data=data)


def test_change_password(app, client, users):
    token = login(client, users["viewer"])
    r = _change_password(client, token, "wrong-one", "a-new-password-1")
    assert r.status_code == 400
    assert "This is not your current password." in r.get_data(as_text=True)
    r = _change_password(client, token, PASSWORD, "short")
    assert r.status_code == 400
    r = _change_password(client, token, PASSWORD, "a-new-password-1")
    assert r.status_code == 302
    assert client.get("/account").status_code == 200  # this session survives
    other = app.test_client()
    login(other, users["viewer"], "a-new-password-1")
    with app.app_context():
        assert (
            db.session.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "password")
            ).scalar_one()
            == 1
        )


def _new_user(client, token, email, name="X"):
    data = {"csrf_token": token, "email": email, "name": name, "role": "editor", "password": "long-enough-1"}
    return client.post("/admin/users/new", data=data)


def test_admin_adds_user_with_validation(app, client, users):
    token = login(client, users["admin"])
    r = _new_user(client, token, "not-an-email")
    assert r.status_code == 400
    assert "email" in r.get_data(as_text=True).lower()
    r = _new_user(client, token, users["editor"])
    assert r.status_code == 400
    assert "already exists" in r.get_data(as_text=True)
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(User)).scalar_one()
    r = _new_user(client, token, "Zoë@Example.org", "Zoë Ng")
    assert r.status_code == 302
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == before + 1
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "create")).scalar_one()
        assert event.record_type == "users" and "role" in event.changes
    login(app.test_client(), "zoë@example.org", "long-enough-1")


def test_admin_changes_role_and_deactivates(app, client, users):
    token = login(client, users["admin"])
    victim = app.test_client()
    login(victim, users["editor"])
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        uid, version = user.id, user.version
    r = client.post(
        f"/admin/users/{uid}/edit",
        data={"csrf_token": token, "version": version, "name": "Ed", "role": "viewer"},
    )
    assert r.status_code == 302
    assert victim.get("/").status_code == 302  # deactivated: signed out at once
    with app.app_context():
        user = db.session.get(User, uid)
        assert (user.role, user.active) == ("viewer", False)
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.record_id == uid)
        ).scalar_one()
        admin = db.session.execute(select(User).where(User.email == users["admin"])).scalar_one()
        assert event.user_id == admin.id and event.at is not None and event.remote_addr
        assert event.changes["role"] == ["editor", "viewer"] and event.changes["active"] == [True, False]
        assert "session_token" not in event.changes or event.changes["session_token"] == ["…", "changed"]
    # A stale form (old version) is refused with 409 and the first save stands.
    r = client.post(
        f"/admin/users/{uid}/edit",
        data={"csrf_token": token, "version": version, "name": "Other", "role": "admin", "active": "y"},
    )
    assert r.status_code == 409
    with app.app_context():
        assert db.session.get(User, uid).name == "Ed"


def test_admin_cannot_demote_themselves(app, client, users):
    token = login(client, users["admin"])
    with app.app_context():
        me = db.session.execute(select(User).where(User.email == users["admin"])).scalar_one()
    r = client.post(
        f"/admin/users/{me.id}/edit",
        data={"csrf_token": token, "version": me.version, "name": me.name, "role": "viewer", "active": "y"},
    )
    assert r.status_code == 400
    assert "your own admin role" in r.get_data(as_text=True)


def test_unknown_user_is_404(client, users):
    login(client, users["admin"])
    assert client.get("/admin/users/99999/edit").status_code == 404


def _create_user(runner, name: str):
    """`flask engage create-user` for new@example.org, an editor called `name`."""
    return runner.invoke(
        args=[
            "engage",
            "create-user",
            "--email",
            "new@example.org",
            "--name",
            name,
            "--role",
            "editor",
            "--password",
            "long-enough-1",
        ]
    )


def test_create_user_command(app):
    runner = app.test_cli_runner()
    result = _create_user(runner, "New Person")
    assert result.exit_code == 0, result.output
    result = _create_user(runner, "Again")
    assert result.exit_code == 1
    assert "already exists" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_a_failed_sign_in_is_audited_although_the_response_is_401(app, client, users):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for email in (users["editor"], "nobody@example.org"):
        r = client.post("/login", data={"email": email, "password": "wrong", "csrf_token": token})
        assert r.status_code == 401
    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "login-failed")).scalars().all()
        editor = db.session.execute(select(User).where(User.email == users["editor"])).scalar_one()
        assert [e.record_id for e in events] == [editor.id, None]
        assert "nobody@example.org" in events[1].summary
