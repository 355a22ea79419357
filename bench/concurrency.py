"""Concurrent editors: `python -m bench.concurrency [--editors 20] [--seconds 60] [--instance DIR]`.

Seeds the demo data (SQLite in DIR, or DATABASE_URL's server when set), serves it with gunicorn
(2 workers) and lets EDITORS threads, each with its own write token, spend SECONDS creating and
editing people, consultations and points raised through the JSON API (the same forms, services
and one-transaction-per-request edge as the web pages). A third of the edits aim at a handful of
shared records, read with their ETag and written with If-Match, so editors really do collide.

Reports the requests per kind, 5xx responses, "database is locked" in the server's log, and lost
updates: two writes accepted from the same read of a record (optimistic locking let one overwrite
the other), or a record whose final version is not its first plus the writes accepted on it.
Writes the figures to docs/PERFORMANCE.md under "Concurrent editors (<database>)".
"""

import argparse
import collections
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, database_name, machine, seed, write_section

SHARED = 4  # shared people and shared points that every editor edits
RUN = secrets.token_hex(3)  # in the emails, so a second run on the same database makes new people


def make_tokens(env: dict, editors: int) -> list[str]:
    """Write tokens for the demo editor, made in a child process against the seeded database."""
    code = (
        "from engage import create_app\n"
        "from engage.api.tokens import create_token\n"
        "from engage.audit.services import Actor\n"
        "from engage.auth.models import User\n"
        "from engage.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    user = db.session.execute(db.select(User).where(User.email == 'editor@example.org')).scalar_one()\n"
        f"    for n in range({editors}):\n"
        "        print(create_token(Actor(user), user, f'bench editor {n}', 'write', 1)[1])\n"
        "    db.session.commit()\n"
    )
    python = str(Path(sys.executable))
    out = subprocess.run(
        [python, "-c", code],
        env={**env, "SECRET_KEY": secrets.token_hex(32)},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    return out.stdout.split()[-editors:]


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None, if_match: str | None = None):
        """(status, json or None, ETag)."""
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if if_match:
            headers["If-Match"] = if_match
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null"), response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null"), None


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()  # (operation, status)
        self.accepted = collections.Counter()  # (record, ETag read) -> writes accepted from that read
        self.writes = collections.Counter()  # record -> writes accepted

    def add(self, operation: str, status: int, record=None, read: str | None = None):
        with self.lock:
            self.statuses[(operation, status)] += 1
            if record is not None and status == 200:
                self.accepted[(record, read)] += 1
                self.writes[record] += 1


def editor(api: Api, number: int, shared: dict, deadline: float, tally: Tally) -> None:
    rng = random.Random(number)
    made = 0
    consultation = shared["consultation"]
    while time.monotonic() < deadline:
        made += 1
        roll = rng.random()
        if roll < 0.2:
            status, _, _ = api.call(
                "POST",
                "/api/v1/people",
                {
                    "name": f"Concurrent Editor{number} Person{made}",
                    "email": f"c{number}-{made}-{RUN}@concurrency.example",
                },
            )
            tally.add("create person", status)
        elif roll < 0.35:
            status, _, _ = api.call(
                "POST",
                "/api/v1/consultations",
                {"title": f"Call {number}.{made}", "date": "2026-11-30", "kind": "call", "confidentiality": "normal"},
            )
            tally.add("create consultation", status)
        elif roll < 0.55:
            status, _, _ = api.call(
                "POST",
                f"/api/v1/consultations/{consultation}/inputs",
                {"raised_by": f"person:{shared['people'][0]}", "text": f"Point {number}.{made}"},
            )
            tally.add("raise point", status)
        elif roll < 0.8:
            person = rng.choice(shared["people"])
            status, _, etag = api.call("GET", f"/api/v1/people/{person}")
            if status != 200:
                tally.add("read person", status)
                continue
            status, _, _ = api.call("PATCH", f"/api/v1/people/{person}", {"title": f"Edit {number}.{made}"}, etag)
            tally.add("edit shared person", status, ("person", person), etag)
        else:
            point = rng.choice(shared["points"])
            status, etag = point_etag(api, consultation, point)
            if status != 200:
                tally.add("read point", status)
                continue
            path = f"/api/v1/consultations/{consultation}/inputs/{point}"
            status, _, _ = api.call("PATCH", path, {"text": f"Reworded by {number}.{made}"}, etag)
            tally.add("edit shared point", status, ("point", point), etag)


def point_etag(api: Api, consultation: int, point: int) -> tuple[int, str | None]:
    """(status, the point's ETag) from the consultation's detail, which lists its points."""
    status, body, _ = api.call("GET", f"/api/v1/consultations/{consultation}")
    if status != 200:
        return status, None
    version = next(p["version"] for p in body["points"] if p["id"] == point)
    return status, f'"{version}"'


def prepare(api: Api) -> dict:
    """Shared records: SHARED new people and a consultation with SHARED points, with their versions."""
    people = []
    for n in range(SHARED):
        status, body, _ = api.call(
            "POST", "/api/v1/people", {"name": f"Shared Person {n}", "email": f"s{n}-{RUN}@c.example"}
        )
        assert status == 201, status
        people.append(body["id"])
    status, body, _ = api.call(
        "POST",
        "/api/v1/consultations",
        {"title": "Shared workshop", "date": "2026-11-30", "kind": "workshop", "confidentiality": "normal"}
        | {"person_ids": people},
    )
    assert status == 201, status
    consultation = body["id"]
    points = []
    for n in range(SHARED):
        status, body, _ = api.call(
            "POST",
            f"/api/v1/consultations/{consultation}/inputs",
            {"raised_by": f"person:{people[0]}", "text": f"P{n}"},
        )
        assert status == 201, body
        points.append(body["id"])
    return {"people": people, "consultation": consultation, "points": points}


def versions(api: Api, shared: dict) -> dict:
    found = {}
    for person in shared["people"]:
        found[("person", person)] = api.call("GET", f"/api/v1/people/{person}")[1]["version"]
    points = api.call("GET", f"/api/v1/consultations/{shared['consultation']}")[1]["points"]
    for point in points:
        if point["id"] in shared["points"]:
            found[("point", point["id"])] = point["version"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--instance", default=None, help="SQLite folder (default: a new temporary one)")
    args = parser.parse_args()
    database = database_name()
    instance = args.instance or tempfile.mkdtemp(prefix="engage-bench-concurrency-")
    seed(instance)
    env = {**os.environ, "ENGAGE_INSTANCE": instance}
    tokens = make_tokens(env, args.editors + 1)
    log_path = Path(instance) / "gunicorn.log"
    server_env = {"ENGAGE_INSTANCE": instance, "ENGAGE_API_RATE_LIMIT": "100000/minute"}
    with open(log_path, "w") as log, Server(server_env, stderr=log) as server:
        setup = Api(server.base, tokens[-1])
        shared = prepare(setup)
        before = versions(setup, shared)
        tally = Tally()
        deadline = time.monotonic() + args.seconds
        started = time.perf_counter()
        threads = [
            threading.Thread(target=editor, args=(Api(server.base, tokens[n]), n, shared, deadline, tally))
            for n in range(args.editors)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        after = versions(setup, shared)
    log_text = log_path.read_text(errors="replace")
    locked = log_text.count("database is locked")
    same_read = sum(n - 1 for n in tally.accepted.values() if n > 1)
    drift = sum(1 for record in before if after[record] != before[record] + tally.writes[record])
    server_errors = sum(n for (_, status), n in tally.statuses.items() if status >= 500)
    total = sum(tally.statuses.values())
    operations = sorted({op for op, _ in tally.statuses})
    rows = []
    for op in operations:
        counts = {s: n for (o, s), n in tally.statuses.items() if o == op}
        rows.append(
            f"| {op} | {sum(counts.values()):,} | " + ", ".join(f"{s}: {n:,}" for s, n in sorted(counts.items())) + " |"
        )
    verdict = "holds" if not (locked or same_read or drift or server_errors) else "**does not hold**"
    body = (
        f"`python -m bench.concurrency --editors {args.editors} --seconds {args.seconds:g}` on {database}, "
        f"gunicorn with 2 workers, {machine()}, load average {os.getloadavg()[0]:.1f} at the end.\n"
        f"{args.editors} editors, each with its own write token, create people, consultations and points "
        f"raised and edit {SHARED} shared people and {SHARED} shared points (read with the ETag, written with "
        "If-Match) through the JSON API.\n\n"
        f"- writes: {total:,} in {elapsed:.0f} s ({total / elapsed:.0f} per second; each edit read its record first)\n"
        f"- 5xx responses: {server_errors}\n"
        f'- "database is locked" in the server log: {locked}\n'
        f"- lost updates: {same_read} writes accepted from an already-used read; "
        f"{drift} of {len(before)} shared records whose final version is not their first plus their accepted writes\n"
        f"- verdict: {verdict}\n\n"
        "| operation | writes | by status |\n|---|---:|---|\n" + "\n".join(rows)
    )
    print(body)
    write_section(f"Concurrent editors ({database})", body)
    if locked or same_read or drift or server_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
