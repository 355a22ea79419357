"""Settings from the environment, in one place."""

import os


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "engage.db")
    # Heroku-style and libpq-style URLs name no driver; we use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1 (it is “{value}”).")
    return int(value)


def load(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment; `overrides` (tests) win."""
    overrides = overrides or {}
    env = overrides.get("ENV") or os.environ.get("ENGAGE_ENV", "development")
    testing = bool(overrides.get("TESTING"))
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if env == "development" or testing:
            secret = "dev-only-insecure-key"  # noqa: S105 - development and tests only
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Engage refuses to start outside development without it: "
                "export SECRET_KEY to a long random value (e.g. `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`)."
            )
    config = {
        "ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env != "development" and not testing,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env != "development" and not testing,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead of a clock
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt",
        "PAGE_SIZE": 25,
        # Request bodies are refused (413) before they are read when larger than these: the whole
        # body, any one non-file form field, and an invitation file (its route's own limit).
        "MAX_CONTENT_LENGTH": _int_env("ENGAGE_MAX_CONTENT_LENGTH", 20 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int_env("ENGAGE_MAX_FORM_MEMORY_SIZE", 1024 * 1024),
        "MAX_FORM_PARTS": 1000,
        "INVITATION_MAX_BYTES": _int_env("ENGAGE_INVITATION_MAX_BYTES", 2_000_000),
        "INVITATION_MAX_EVENTS": _int_env("ENGAGE_INVITATION_MAX_EVENTS", 200),
        "DEMO_PASSWORD": os.environ.get("ENGAGE_DEMO_PASSWORD", "engage-demo"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "engage@example.org"),
        "REMINDER_DAYS": int(os.environ.get("REMINDER_DAYS", "2")),
        # Where links in calendars and mails point. Unset: a request's links use the address it
        # came to; the command line (reminders) uses the port `make run` serves on.
        "BASE_URL": os.environ.get("ENGAGE_BASE_URL", "").strip().rstrip("/"),
        "CLI_BASE_URL": f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
    }
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # JIT compilation pays off for long analytical queries, not for a web page's: its
        # 100+ ms start-up was most of the time of several pages at the SPEC volumes.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"options": "-c jit=off"})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
