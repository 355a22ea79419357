"""The task queue: work too long for a request runs in a worker, off the web processes.

Engage uses huey (a kept task queue) rather than a job table of its own. Its queue lives in a
SQLite file beside the database (`instance/tasks.sqlite3`, the embedded default: web processes
and workers on one machine share it), or in Redis when `REDIS_URL` is set, so workers can run
on other machines. Workers are started by `flask --app wsgi engage worker`; `make run` starts
one beside the development server. Tests run the queue in huey's immediate mode: a task runs
as soon as it is enqueued, in-process, with the same code paths as in a worker.

A task is enqueued once the request that asked for it has committed (`after_commit`), never
if it rolls back, so a worker never sees a record that was not written. A task runs in its own
app context and so its own session, and is an edge like the CLI: it commits its own work.
"""

import functools
import os

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from engage.extensions import db

queue = Huey("engage", storage_class=SqliteStorage, filename=os.devnull, immediate=True)
_PENDING = "engage_tasks_pending"
_app: Flask | None = None  # the app a worker runs tasks in (set by `serve`)


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage; immediate mode when the config asks for it (tests)."""
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        queue.storage_class, queue.storage_kwargs = RedisStorage, {"url": redis_url}
    else:
        path = app.config.get("TASKS_PATH") or os.path.join(app.instance_path, "tasks.sqlite3")
        queue.storage_class, queue.storage_kwargs = SqliteStorage, {"filename": path}
    queue._immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    queue.storage = queue.create_storage()


def _in_app_context(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _app
        with app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def where() -> str:
    """Where the queue is kept, for the worker's first line (no password shown)."""
    if queue.storage_class is RedisStorage:
        return "Redis"
    return queue.storage_kwargs.get("filename", "memory")


def task(**settings):
    """A huey task that runs in an app context of its own (and so its own database session)."""
    return lambda fn: queue.task(name=fn.__name__, **settings)(_in_app_context(fn))


def periodic(schedule, **settings):
    """A task a worker runs on `schedule` (a huey `crontab`); never in immediate mode (no worker)."""
    return lambda fn: queue.periodic_task(schedule, name=fn.__name__, **settings)(_in_app_context(fn))


def after_commit(task_function, *args, session=None) -> None:
    """Enqueue `task_function(*args)` when the current transaction commits (never if it rolls back)."""
    (session or db.session).info.setdefault(_PENDING, []).append((task_function, args))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session) -> None:
    for task_function, args in session.info.pop(_PENDING, []):
        task_function(*args)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session) -> None:
    session.info.pop(_PENDING, None)


def serve(app: Flask, workers: int = 2, periodic: bool = True):
    """A huey consumer running this app's tasks in `workers` threads (`Consumer.run` blocks)."""
    global _app
    _app = app
    if queue.immediate:
        raise RuntimeError("The task queue is in immediate mode (TASKS_IMMEDIATE): there is nothing to consume.")
    return queue.create_consumer(workers=workers, worker_type="thread", periodic=periodic, check_worker_health=True)
