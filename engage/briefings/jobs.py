"""The evidence-pack task: a document job run by a worker of the task queue (engage/tasks.py).

The request that asks for a pack writes its `DocumentJob` and enqueues `make_evidence_pack` once
its transaction has committed. The task, in a worker (or in-process in immediate mode), is an
edge like the CLI: it commits once per step, so the job's progress page polled by the
requester shows how far it has got, and once at the end; on any error it rolls back and records
the error on the job, so the page says what went wrong instead of the job hanging or a 500.
"""

import logging
from datetime import date

from engage import tasks
from engage.audit.services import Actor
from engage.auth.models import User
from engage.briefings.models import DocumentJob
from engage.extensions import db
from engage.topics.models import Topic

log = logging.getLogger(__name__)


def start_after_commit(job_id: int) -> None:
    """Queue the pack of `job_id` when the current transaction commits (never if it rolls back)."""
    tasks.after_commit(make_evidence_pack, job_id)


@tasks.task()
def make_evidence_pack(job_id: int) -> None:
    run(job_id)


def run(job_id: int) -> None:
    """Make the pack of `job_id`, recording a failure on the job rather than raising it."""
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
