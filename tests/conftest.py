"""An app and a database per test: SQLite in a temporary folder, or PostgreSQL when
DATABASE_URL names one (one database per xdist worker, emptied after each test)."""

import os
import re
import shutil

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engage import create_app
from engage.extensions import db
from tests.browser import chromium  # noqa: F401  (a fixture every browser test uses)

PASSWORD = "correct-horse-battery"
FAST_HASH = "pbkdf2:sha256:1000"  # tests only: the real default is scrypt


def _postgres_url(worker: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return None
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    base = make_url(url)
    name = f"{base.database or 'engage'}_test_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _config(uri: str, instance: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "INSTANCE_PATH": instance,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture(scope="session")
def database(tmp_path_factory, worker_id):
    """Create the schema once per worker: a SQLite template file, or a PostgreSQL database."""
    pg = _postgres_url(worker_id)
    folder = tmp_path_factory.mktemp("template")
    uri = pg or f"sqlite:///{folder / 'template.db'}"
    app = create_app(_config(uri, str(folder)))
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return {"kind": "postgresql" if pg else "sqlite", "uri": uri, "template": folder / "template.db"}


def fresh_app(database, folder):
    """An app on an empty database: a copy of the SQLite template in `folder`, or the worker's PostgreSQL."""
    if database["kind"] == "sqlite":
        shutil.copy(database["template"], folder / "engage.db")
        uri = f"sqlite:///{folder / 'engage.db'}"
    else:
        uri = database["uri"]
    return create_app(_config(uri, str(folder)))


def emptied(app, database) -> None:
    """After a test: the PostgreSQL tables emptied for the next one, the connections closed."""
    with app.app_context():
        db.session.remove()
        if database["kind"] == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def app(database, tmp_path):
    app = fresh_app(database, tmp_path)
    yield app
    emptied(app, database)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def users(app):
    """One active user per role, with PASSWORD; returns {role: email}."""
    from tests.factories import make_user

    with app.app_context():
        emails = {role: make_user(role=role).email for role in ("admin", "editor", "viewer")}
        db.session.commit()
    return emails


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    """Sign in through the form; returns the CSRF token valid for the new session."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_from(client.get("/").get_data(as_text=True))


@pytest.fixture
def as_role(client, users):
    """as_role("editor") signs the test client in and returns its CSRF token."""

    def sign_in(role: str) -> str:
        return login(client, users[role])

    return sign_in
