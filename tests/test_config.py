import os
import subprocess
import sys
from pathlib import Path

import pytest

from engage import create_app
from engage.config import DEV_SECRET_KEY, ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_secret_key_is_required_outside_development(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENGAGE_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgres_urls_use_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@localhost:5432/engage")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/engage.db"


def _serve(command: list[str], tmp_path, **env) -> subprocess.CompletedProcess:
    """`command` (importing wsgi.py as a server does) with no SECRET_KEY, outside the flask CLI."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_RUN_FROM_CLI", "ENGAGE_ENV")}
    clean.update(ENGAGE_INSTANCE=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/engage.db", **env)
    return subprocess.run(command, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=300)  # noqa: S603


def test_a_server_other_than_flask_run_refuses_the_development_key(tmp_path):
    result = _serve([sys.executable, "-c", "import wsgi"], tmp_path)
    assert result.returncode != 0
    assert "the development key is only for `flask run`" in result.stderr


def test_gunicorn_refuses_to_start_on_the_development_key(tmp_path):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    result = _serve([gunicorn, "-b", "127.0.0.1:0", "--preload", "wsgi:app"], tmp_path)
    assert result.returncode != 0
    assert "Export SECRET_KEY" in result.stderr


def test_the_development_key_set_explicitly_is_refused_too(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ConfigError, match="only for `flask run`"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_flask_run_and_tests_keep_the_development_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ENGAGE_ENV", raising=False)
    assert create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True}).secret_key == DEV_SECRET_KEY
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # what `flask run` sets before loading the app
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).secret_key == DEV_SECRET_KEY
    monkeypatch.setenv("ENGAGE_ENV", "production")  # but never in production
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_trusted_proxies_must_be_a_number(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must be a whole number"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
