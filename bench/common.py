"""Shared pieces of the benchmarks: a gunicorn server, a signed-in HTTP client, figures, the report."""

import argparse
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "PERFORMANCE.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving wsgi:app with `workers` processes on a free port, for the given environment."""

    def __init__(self, env: dict, workers: int = 2, stderr=None, app: str = "wsgi:app"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # gunicorn refuses the development secret key (engage/config.py): a throwaway one per run.
        self.env = {**os.environ, "SECRET_KEY": secrets.token_hex(32), **env}
        self.workers = workers
        self.stderr = stderr  # a file for the server's log (default: this process's stderr)
        self.app = app  # the WSGI app gunicorn serves (bench/admin_app.py for the Flask-Admin comparison)

    def __enter__(self):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.proc = subprocess.Popen(
            [gunicorn, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", self.app],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stderr=self.stderr,
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)


def signed_in(base: str, email: str, password: str = "engage-demo"):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    opener.open(base + "/login", data)
    return opener


def timed(opener, url: str, runs: int) -> list[float]:
    """Milliseconds for `runs` GETs of `url` (after one warm-up)."""
    opener.open(url).read()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = opener.open(url)
        response.read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def flask(env, *args):
    """`flask --app wsgi ARGS…` from the venv, in the repository, with `env`; its output captured."""
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def sized(instance: str, people: int) -> dict:
    """The environment for a database of `people`: SQLite in `instance`, or, when DATABASE_URL names
    a PostgreSQL server, a database of its own on that server (DATABASE_URL's name + `_<people>`,
    created when missing), so that several sizes can be measured in one run."""
    env = {"ENGAGE_INSTANCE": instance}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = f"{parts.path.lstrip('/')}_{people}"
        plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(plain, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + name))
    return env


def seed(instance: str, people: int | None = None, env: dict | None = None) -> str:
    """Migrate the database of `instance` (SQLite there, or DATABASE_URL's) and seed the demo data
    (`people` of them, or the demo's own size) unless it has data; the seed's summary line."""
    os.makedirs(instance, exist_ok=True)
    env = {**os.environ, "ENGAGE_INSTANCE": instance, **(env or {})}
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    size = ["--people", str(people)] if people else []
    seeded = flask(env, "engage", "seed-demo", *size, "--if-empty").stdout.strip().splitlines()[0]
    print(seeded, f"({time.perf_counter() - started:.0f} s)")
    return seeded if not seeded.startswith("The database already has") else described(env)


DESCRIBE = """
from sqlalchemy import text
from wsgi import app
from engage.extensions import db
TABLES = ["people", "organisations", "consultations", "inputs", "engagements", "search_entries"]
with app.app_context():
    n = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    print(", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in n.items()))
"""


def described(env: dict) -> str:
    """What an already-seeded database holds, for the report (seed-demo's own line says only that it
    did not seed)."""
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", DESCRIBE],
        cwd=ROOT,
        env={"SECRET_KEY": secrets.token_hex(32), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return "seeded earlier: " + out.stdout.strip()


def database_name() -> str:
    return "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"


def write_section(title: str, body: str) -> None:
    """Replace (or add) the section `## title` in docs/PERFORMANCE.md, leaving the others alone."""
    REPORT.parent.mkdir(exist_ok=True)
    text = REPORT.read_text() if REPORT.exists() else "# Performance\n\nFigures written by the scripts in `bench/`.\n"
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    REPORT.write_text(text.rstrip() + "\n")


def machine() -> str:
    cpus = os.cpu_count()
    return f"{cpus} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}"


def pages_section(script: str, paths: list[str], noun: str, title: str, about: str, runs: int = 10) -> None:
    """The shared shape of bench/reports.py and bench/maps.py: seed --instance with --people, time
    each of `paths` as an editor on gunicorn (median and p95 of --runs after one warm-up), and write
    the table, with `about` (what the pages do) above it, as the section `title (database)`."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--instance", default="/tmp/engage-bench")
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=runs)
    args = ap.parse_args()
    seed(args.instance, args.people)
    database = database_name()
    rows = []
    width = max(len(p) for p in paths) + 2
    with Server({"ENGAGE_INSTANCE": args.instance}) as server:
        opener = signed_in(server.base, "editor@example.org")
        for path in paths:
            median, p95 = summary(timed(opener, server.base + path, args.runs))
            ok = "yes" if median < 50 and p95 < 150 else "**no**"
            rows.append(f"| `{path}` | {median:.0f} | {p95:.0f} | {ok} |")
            print(f"{path:{width}} median {median:7.0f} ms  p95 {p95:7.0f} ms")
    body = (
        f"`{script} --people {args.people} --runs {args.runs}` on {database}, gunicorn with 2 workers, "
        f"signed in as an editor, after one warm-up; {machine()}.\n\n"
        f"Data: `seed-demo --people {args.people}` (SPEC §5 volumes at 100,000: 300,000 consultations).\n\n"
        f"{about}\n\n"
        f"| {noun} | median ms | p95 ms | within the pages' target (50 / 150 ms) |\n|---|---|---|---|\n"
        + "\n".join(rows)
    )
    write_section(f"{title} ({database})", body)
