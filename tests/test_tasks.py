"""The task queue with a real worker: `flask --app wsgi engage worker` started as its own process on
the same database and the same queue file (huey's SQLite storage) as the app under test. An
evidence pack asked for while no worker runs waits in the queue, and the worker makes it; a change
reaches a webhook receiver without anyone running `engage deliver-webhooks`; the morning reminders
and the Monday digest are scheduled; a worker refuses to start when tasks run in-process."""

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from engage import create_app, schedule, tasks
from engage.briefings.models import DocumentJob
from engage.extensions import db
from engage.people.models import Person
from tests import factories
from tests.affiliations.helpers import form_version
from tests.conftest import _config, emptied, login
from tests.webhooks import receiver as receiver_module
from tests.webhooks.conftest import subscribe

ROOT = Path(__file__).resolve().parents[1]
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a free port (skipped where none is installed, but not in CI)."""
    program = shutil.which("redis-server")
    if not program:
        if os.environ.get("ENGAGE_REQUIRE_REDIS"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed program, our own arguments
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.fixture
def queued(database, tmp_path):
    """An app whose tasks go to a queue file (no immediate mode), and the environment for a worker."""
    yield from _queued(database, tmp_path, redis=None)


@pytest.fixture
def redis_queued(database, tmp_path, redis_url):
    """The same with the queue in Redis, as when REDIS_URL is set."""
    yield from _queued(database, tmp_path, redis=redis_url)


def _queued(database, tmp_path, redis):
    if database["kind"] == "sqlite":
        shutil.copy(database["template"], tmp_path / "engage.db")
        uri = f"sqlite:///{tmp_path / 'engage.db'}"
    else:
        uri = database["uri"]
    queue_file = str(tmp_path / "tasks.sqlite3")
    settings = {"TASKS_IMMEDIATE": False, "TASKS_PATH": queue_file, "REDIS_URL": redis or ""}
    app = create_app({**_config(uri, str(tmp_path)), **settings})
    env = {
        **os.environ,
        "DATABASE_URL": uri,
        "ENGAGE_INSTANCE": str(tmp_path),
        "ENGAGE_TASKS_PATH": queue_file,
        "REDIS_URL": redis or "",
        "SECRET_KEY": "test-secret",
    }
    env.pop("ENGAGE_TASKS_IMMEDIATE", None)
    yield app, env
    emptied(app, database)
    tasks.queue._immediate = True  # the next test's app sets it again; no queue file outlives this test
    tasks.queue.storage = tasks.queue.create_storage()


def _worker(env, *args):
    return subprocess.Popen(  # noqa: S603 - our own command, with our own arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", "engage", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(worker) -> str:
    worker.terminate()
    try:
        out, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, _ = worker.communicate()
    return out


def _until(check, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    return None


def test_an_evidence_pack_waits_in_the_queue_until_a_worker_makes_it(queued):
    _evidence_pack_made_by_a_worker(*queued, where="tasks.sqlite3")


def test_with_redis_url_the_queue_is_in_redis(redis_queued):
    _evidence_pack_made_by_a_worker(*redis_queued, where="Redis")


def _evidence_pack_made_by_a_worker(app, env, where):
    with app.app_context():
        editor = factories.make_user("editor")
        topic = factories.topic_by_slug("suicide-self-harm")
        person = factories.make_person("Queued Expert")
        meeting = factories.make_consultation(
            "Queued meeting", people=[person], topics=[topic], held_on=date(2026, 3, 1)
        )
        factories.make_input(meeting, "QUEUEDPOINT one", person=person, topic_id=topic.id)
        db.session.commit()
        email, topic_id = editor.email, topic.id
    client = app.test_client()
    token = login(client, email)
    asked = client.post("/evidence", data={"csrf_token": token, "topic": str(topic_id), **PERIOD})
    assert asked.status_code == 303 and "/evidence/jobs/" in asked.headers["Location"]
    job_page = asked.headers["Location"]
    # No worker yet: the request answered at once and left the work queued, not half done.
    waiting = client.get(job_page).get_data(as_text=True)
    assert "Waiting to start" in waiting
    with app.app_context():
        job = db.session.execute(db.select(DocumentJob)).scalar_one()
        assert job.status == "queued" and job.pdf_document_id is None
        job_id = job.id
        job.created_at -= timedelta(minutes=2)  # a minute on, still unclaimed: the page says why
        db.session.commit()
    assert "No worker has started it yet" in client.get(job_page).get_data(as_text=True)

    worker = _worker(env)
    try:

        def done():
            with app.app_context():
                return db.session.get(DocumentJob, job_id).status in ("done", "failed")

        assert _until(done), _stop(worker)
    finally:
        out = _stop(worker)
    with app.app_context():
        job = db.session.get(DocumentJob, job_id)
        assert job.status == "done", (job.error, out)
        assert job.pdf_document_id and job.csv_document_id
    ready = client.get(job_page).get_data(as_text=True)
    assert "Ready" in ready
    assert "Engage worker: 2 threads" in out and where in out


def test_a_worker_sends_a_change_to_a_webhook_receiver_by_itself(queued):
    app, env = queued
    receiver = receiver_module.start()
    try:
        receiver.answer(204)
        with app.app_context():
            editor = factories.make_user("editor")
            person_id = factories.make_person(name="Amara Okafor").id
            db.session.commit()
            subscribe(receiver.url, events=["person.updated"])
            email = editor.email
        worker = _worker(env, "--no-periodic")  # only the delivery queued by the commit can send it
        try:
            client = app.test_client()
            token = login(client, email)
            version = form_version(client, f"/people/{person_id}/edit")
            edited = client.post(
                f"/people/{person_id}/edit", data={"csrf_token": token, "version": version, "name": "Amara N. Okafor"}
            )
            assert edited.status_code in (302, 303)
            assert _until(lambda: receiver.received, seconds=60), _stop(worker)
        finally:
            out = _stop(worker)
        body = receiver.received[0].body.decode()
        assert '"person.updated"' in body and "Amara N. Okafor" in body, out
        with app.app_context():
            assert db.session.get(Person, person_id).name == "Amara N. Okafor"
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_reminders_run_each_morning_and_the_digest_on_mondays(app):
    assert "engage.engagements.tasks" in schedule.TASK_MODULES  # what a worker imports, so it knows them

    def due(when):
        return sorted(t.name for t in tasks.queue.read_periodic(when))

    monday = datetime(2026, 12, 7)
    assert due(monday.replace(hour=7, minute=0)) == ["deliver_webhooks_every_minute", "send_reminders_each_morning"]
    assert due(monday.replace(hour=7, minute=5)) == ["deliver_webhooks_every_minute", "send_digests_on_monday"]
    assert due(datetime(2026, 12, 8, 7, 5)) == ["deliver_webhooks_every_minute"]  # Tuesday: no digest
    assert due(datetime(2026, 12, 8, 12, 30)) == ["deliver_webhooks_every_minute"]
    assert due(datetime(2026, 12, 8, 2, 30)) == ["deliver_webhooks_every_minute", "roll_coverage_counts_each_night"]


def test_a_worker_will_not_start_when_tasks_run_in_process(tmp_path):
    env = {**os.environ, "ENGAGE_INSTANCE": str(tmp_path), "ENGAGE_TASKS_IMMEDIATE": "1", "SECRET_KEY": "x" * 32}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "engage", "worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "ENGAGE_TASKS_IMMEDIATE is set" in done.stderr
