"""Briefing packs, "you said, we did" letters, evidence packs, and downloading what was made."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.auth.permissions import makes_documents
from engage.briefings import evidence_service, panels, services
from engage.briefings.forms import BriefingForm, EvidenceForm, LetterForm
from engage.briefings.models import JOB_STATUSES
from engage.engagements.models import Engagement
from engage.extensions import db
from engage.ids import as_id
from engage.web import current_actor, is_htmx, safe_next, submit

bp = Blueprint("briefings", __name__)


def _send(document) -> Response:
    response = Response(document.content, mimetype=document.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Content-Length"] = str(document.size)
    response.headers["ETag"] = f'"{document.sha256}"'
    response.headers["X-Content-SHA256"] = document.sha256
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _engagement(engagement_id: int) -> Engagement:
    return db.session.get(Engagement, engagement_id) or abort(404)


def _letters_page(person_id: int) -> str:
    return safe_next(request.form.get("next"), url_for("briefings.letters", person_id=person_id))


@bp.get("/engagements/<id:engagement_id>/briefing.pdf")
def briefing_pdf(engagement_id: int):
    """The reader's stored pack while it is up to date with the data; a GET never renders or
    stores one (a link from anywhere must not cost a rendering). Otherwise: the briefing page,
    where the reader asks for one."""
    document = services.current_briefing(current_actor(), engagement_id, request.args.get("tz") or None)
    if document is None:
        flash("There is no up-to-date briefing pack for you yet: generate one below.", "info")
        page = url_for("briefings.engagement", engagement_id=engagement_id, _anchor="briefing-panel-title")
        return redirect(page, 303)
    return _send(services.document_for_download(current_actor(), document.id))


def _briefing_page(record: Engagement, form: BriefingForm | None = None, status: int = 200):
    """The briefing to read on a phone (or print), built from the same data as the reader's PDF,
    with the PDF panel (generate, download) below it."""
    back = url_for("engagements.detail", engagement_id=record.id)
    context = panels.engagement_panel(record, form)
    data = services.briefing_page(current_actor(), record.id)
    return render_template("briefings/briefing.html", engagement=record, back=back, d=data, **context), status


@bp.get("/engagements/<id:engagement_id>/briefing")
def engagement(engagement_id: int):
    return _briefing_page(_engagement(engagement_id))


@bp.post("/engagements/<id:engagement_id>/briefing")
@makes_documents
def generate(engagement_id: int):
    record = _engagement(engagement_id)
    form = BriefingForm()
    outcome = submit(form, lambda: services.generate_briefing(current_actor(), engagement_id, form.tz.data))
    if not outcome.ok:
        return _briefing_page(record, form, outcome.status)
    flash(f"Briefing pack ready (SHA-256 {outcome.value.sha256[:16]}…).", "success")
    return redirect(url_for("engagements.detail", engagement_id=engagement_id, _anchor="briefing-panel-title"))


@bp.get("/documents/<id:document_id>")
def download(document_id: int):
    """The stored bytes of a document, exactly as made (its maker and admins only)."""
    return _send(services.document_for_download(current_actor(), document_id))


@bp.post("/documents/<id:document_id>/sent")
def sent(document_id: int):
    document = services.record_sent(current_actor(), document_id)
    flash("Letter recorded as sent.", "success")
    return redirect(_letters_page(document.person_id))


def _letters(person, form: LetterForm | None = None, status: int = 200):
    return render_template("briefings/letters.html", person=person, **panels.person_letters(person, form)), status


@bp.get("/people/<id:person_id>/letters")
def letters(person_id: int):
    return _letters(services.letter_recipient(person_id))


@bp.post("/people/<id:person_id>/letters")
def new_letter(person_id: int):
    person = services.letter_recipient(person_id)
    form = LetterForm()
    outcome = submit(
        form, lambda: services.generate_letter(current_actor(), person_id, form.date_from.data, form.date_to.data)
    )
    if not outcome.ok:
        return _letters(person, form, outcome.status)
    flash(f"Letter prepared: {outcome.value.filename}.", "success")
    return redirect(_letters_page(person_id))


@bp.route("/evidence", methods=["GET", "POST"])
@makes_documents
def evidence():
    """The regulator evidence pack: choose a topic and a period; each pack is frozen with its hash.
    Made in the background: the POST hands back the stored pack for unchanged data, or the job."""
    form = EvidenceForm()
    form.set_topics()
    outcome = submit(
        form,
        lambda: evidence_service.request_evidence(
            current_actor(), int(form.topic.data), form.date_from.data, form.date_to.data
        ),
    )
    if outcome.ok:
        asked = outcome.value
        if asked.job is not None:
            return redirect(url_for("briefings.evidence_job", job_id=asked.job.id), 303)
        flash("The data has not changed since your last pack: here are the same frozen files.", "info")
        return redirect(url_for("briefings.evidence", made=asked.pdf.id))
    if request.method == "GET" and not form.date_to.data:
        today = date.today()
        form.date_to.data = today
        form.date_from.data = date(today.year - 1, today.month, 1)
    made = as_id(request.args.get("made"))
    documents = services.evidence_documents(current_user)
    jobs = evidence_service.open_jobs(current_user)
    page = render_template("briefings/evidence.html", form=form, documents=documents, made=made, jobs=jobs)
    return page, outcome.status


@bp.get("/evidence/jobs/<id:job_id>")
def evidence_job(job_id: int):
    """How far the pack has got (htmx polls the panel every second), then its files, or its error."""
    job = evidence_service.job_for(current_user, job_id)
    template = "briefings/_job.html" if is_htmx() else "briefings/job.html"
    return render_template(template, job=job, job_statuses=JOB_STATUSES)
