"""The background worker for document jobs (evidence packs).

A job is started by the request that asked for it, once that request's transaction has
committed (`start_after_commit`: a session `after_commit` hook), in a thread with its own app
context and so its own session. It is the one module outside the edges (transaction.py, the
CLI) that commits: once per step, so the progress page polled by the requester shows how far
it has got, and once at the end; on any error it rolls back and records the error on the job,
so the page says what went wrong instead of the job hanging or a 500.
"""

import logging
import threading
from datetime import date

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from engage.audit.services import Actor
from engage.auth.models import User
from engage.briefings.models import DocumentJob
from engage.extensions import db
from engage.topics.models import Topic

log = logging.getLogger(__name__)
_PENDING = "engage_document_jobs"
threads: list[threading.Thread] = []  # started workers (joined by `wait`, e.g. in tests and the CLI)


def start_after_commit(job_id: int) -> None:
    """Start the worker for `job_id` when the current transaction commits (never if it rolls back)."""
    db.session.info.setdefault(_PENDING, []).append(job_id)


@event.listens_for(Session, "after_commit")
def _start_pending(session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    app = current_app._get_current_object()
    for job_id in pending:
        thread = threading.Thread(target=run, args=(app, job_id), name=f"document-job-{job_id}", daemon=True)
        threads.append(thread)
        thread.start()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session) -> None:
    session.info.pop(_PENDING, None)


def wait(timeout: float = 120) -> None:
    """Join the workers started so far."""
    while threads:
        threads.pop(0).join(timeout)


def run(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            _work(job_id)
        except Exception as error:
            log.exception("document job %s failed", job_id)
            db.session.rollback()
            job = db.session.get(DocumentJob, job_id)
            if job is not None:
                job.status = "failed"
                kind = type(error).__name__
                job.error = f"The pack could not be made ({kind}). Ask for it again; if it fails again, tell an admin."
                db.session.commit()
        finally:
            db.session.remove()


def _work(job_id: int) -> None:
    from engage.briefings.evidence_service import STEPS, make_evidence

    job = db.session.get(DocumentJob, job_id)
    if job is None or job.status != "queued":
        return
    user = db.session.get(User, job.requested_by_id)
    topic = db.session.get(Topic, job.scope["topic_id"])
    job.status = "running"
    db.session.commit()

    def progress(step: int) -> None:
        job.step, job.step_label = step, STEPS[step]
        db.session.commit()

    date_from, date_to = date.fromisoformat(job.scope["date_from"]), date.fromisoformat(job.scope["date_to"])
    pdf, csv_doc = make_evidence(Actor(user, None), topic, date_from, date_to, progress=progress)
    job.pdf_document_id, job.csv_document_id = pdf.id, csv_doc.id
    job.status, job.step, job.step_label = "done", job.total, "Ready"
    db.session.commit()
