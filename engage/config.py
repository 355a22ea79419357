"""Settings from the environment, in one place."""

import os

from engage.limits import DOCUMENT_MAX_BYTES

DEV_SECRET_KEY = "dev-only-insecure-key"  # noqa: S105 - `flask run` and tests only, refused elsewhere


class ConfigError(RuntimeError):
    """The environment does not describe a usable configuration."""


def _served_by_flask_cli() -> bool:
    """True under the `flask` command (`flask run`, `flask engage …`): Flask's CLI sets this before it
    loads the app. gunicorn, uWSGI, `python wsgi.py` and anything else importing wsgi.py do not."""
    return os.environ.get("FLASK_RUN_FROM_CLI") == "true"


def _secret_key(overrides: dict, env: str, testing: bool) -> str:
    """SECRET_KEY from the environment; the development key only for `flask run` and tests."""
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret and env != "development" and not testing:
        raise ConfigError(
            "SECRET_KEY is not set. Engage refuses to start outside development without it: "
            "export SECRET_KEY to a long random value (e.g. `python -c 'import secrets; "
            "print(secrets.token_hex(32))'`)."
        )
    secret = secret or DEV_SECRET_KEY
    if secret == DEV_SECRET_KEY and not testing and not (env == "development" and _served_by_flask_cli()):
        raise ConfigError(
            "SECRET_KEY is not set, and the development key is only for `flask run` (make run): "
            "anyone who knows it can forge a session cookie. Export SECRET_KEY to a long random "
            "value before starting gunicorn or any other server (e.g. `export SECRET_KEY=$(python "
            "-c 'import secrets; print(secrets.token_hex(32))')`)."
        )
    return secret


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None


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
    secret = _secret_key(overrides, env, testing)
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
        # Failed sign-ins (auth/throttle.py): "database" (shared by every worker and machine using
        # the database), or a `limits` storage URI such as redis://host:6379/0.
        "LOGIN_THROTTLE_STORAGE": (
            os.environ.get("ENGAGE_THROTTLE_STORAGE") or os.environ.get("RATELIMIT_STORAGE_URI") or "database"
        ).strip(),
        "LOGIN_PAIR_LIMIT": _int("ENGAGE_LOGIN_PAIR_LIMIT", 10),  # per account and client
        "LOGIN_CLIENT_LIMIT": _int("ENGAGE_LOGIN_CLIENT_LIMIT", 50),  # per client, whatever account
        "LOGIN_WINDOW_MINUTES": _int("ENGAGE_LOGIN_WINDOW_MINUTES", 15),
        # How many reverse proxies stand in front of Engage and append to X-Forwarded-For and set
        # X-Forwarded-Proto. 0: those headers are ignored (a client could forge them).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "RATELIMIT_HEADERS_ENABLED": False,
        "PASSWORD_HASH_METHOD": "scrypt",
        "API_RATE_LIMIT": os.environ.get("ENGAGE_API_RATE_LIMIT", "300/minute"),  # per token (engage/api)
        "PAGE_SIZE": 25,
        # Request bodies are refused (413) before they are read when larger than these: the whole
        # body, any one non-file form field, and an invitation file (its route's own limit).
        "MAX_CONTENT_LENGTH": _int_env("ENGAGE_MAX_CONTENT_LENGTH", 20 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int_env("ENGAGE_MAX_FORM_MEMORY_SIZE", 1024 * 1024),
        "MAX_FORM_PARTS": 1000,
        "INVITATION_MAX_BYTES": _int_env("ENGAGE_INVITATION_MAX_BYTES", 2_000_000),
        "INVITATION_MAX_EVENTS": _int_env("ENGAGE_INVITATION_MAX_EVENTS", 200),
        # Written input (issue 12): where uploaded documents are kept (content-addressed), the largest
        # document and the largest mail the capture server takes, and the capture address itself.
        "DOCUMENTS_PATH": os.environ.get("ENGAGE_DOCUMENTS_PATH", "").strip(),
        "DOCUMENT_MAX_BYTES": _int_env("ENGAGE_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES),
        "CAPTURE_ADDRESS": os.environ.get("ENGAGE_CAPTURE_ADDRESS", "log@localhost").strip().lower(),
        "CAPTURE_MAX_BYTES": _int_env("ENGAGE_CAPTURE_MAX_BYTES", DOCUMENT_MAX_BYTES),
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
        # The key of the hashes kept of erased people's emails (people/privacy.py). Set it apart
        # from SECRET_KEY so rotating the session key does not forget who was erased.
        "ERASURE_PEPPER": os.environ.get("ENGAGE_ERASURE_PEPPER") or secret,
        # Webhook delivery (engage/webhooks/delivery.py): a receiver's time to answer, the first
        # retry's wait (doubling after each failure), the attempts a message gets, and the failures
        # in a row after which a subscription is disabled.
        "WEBHOOK_TIMEOUT_SECONDS": _int_env("ENGAGE_WEBHOOK_TIMEOUT_SECONDS", 10),
        "WEBHOOK_BACKOFF_SECONDS": _int_env("ENGAGE_WEBHOOK_BACKOFF_SECONDS", 30),
        "WEBHOOK_MAX_ATTEMPTS": _int_env("ENGAGE_WEBHOOK_MAX_ATTEMPTS", 8),
        "WEBHOOK_DISABLE_AFTER": _int_env("ENGAGE_WEBHOOK_DISABLE_AFTER", 10),
        # The task queue (engage/tasks.py): Redis when REDIS_URL is set, else a SQLite file beside the
        # database (TASKS_PATH, default instance/tasks.sqlite3). Immediate: tasks run in-process as soon
        # as they are enqueued, with no worker (the tests; ENGAGE_TASKS_IMMEDIATE=1 elsewhere).
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip(),
        # A Server-Timing header on every response: statements, SQL time, request time (engage/timing.py).
        "SERVER_TIMING": os.environ.get("ENGAGE_SERVER_TIMING", "").strip() in ("1", "true", "yes"),
        "TASKS_PATH": os.environ.get("ENGAGE_TASKS_PATH", "").strip(),
        "TASKS_IMMEDIATE": testing or os.environ.get("ENGAGE_TASKS_IMMEDIATE", "").strip() in ("1", "true", "yes"),
    }
    config.update(overrides)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # JIT compilation pays off for long analytical queries, not for a web page's: its
        # 100+ ms start-up was most of the time of several pages at the SPEC volumes.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"options": "-c jit=off"})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
