"""Briefing packs, "you said, we did" letters, evidence packs, and downloading what was made."""

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from engage.briefings import panels, services
from engage.briefings.forms import BriefingForm, EvidenceForm, LetterForm
from engage.engagements.models import Engagement
from engage.errors import ValidationError
from engage.extensions import db
from engage.people.models import Person
from engage.topics.models import Topic
from engage.web import apply_form_errors, current_actor, safe_next

bp = Blueprint("briefings", __name__)


def _send(document) -> Response:
    response = Response(document.content, mimetype=document.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Content-Length"] = str(document.size)
    response.headers["ETag"] = f'"{document.sha256}"'
    response.headers["X-Content-SHA256"] = document.sha256
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _engagement_page(engagement_id: int) -> str:
    return _back(engagement_id) or url_for("briefings.engagement", engagement_id=engagement_id)


def _back(engagement_id: int) -> str | None:
    """The engagement page, once the engagements blueprint provides one."""
    if "engagements.detail" not in current_app.view_functions:
        return None
    try:
        return url_for("engagements.detail", engagement_id=engagement_id)
    except BuildError:
        return None


@bp.get("/engagements/<int:engagement_id>/briefing.pdf")
def briefing_pdf(engagement_id: int):
    """Render the pack for the signed-in reader, keep it, and send it."""
    try:
        zone = services.reader_zone(request.args.get("tz"))
        document = services.generate_briefing(current_actor(), engagement_id, zone)
    except services.NotFound:
        abort(404)
    except ValidationError as error:
        abort(400, description=error.errors.get("tz"))
    db.session.commit()
    return _send(document)


@bp.get("/engagements/<int:engagement_id>/briefing")
def engagement(engagement_id: int):
    """The briefing panel on its own page (the engagement page includes the same partial)."""
    record = db.session.get(Engagement, engagement_id)
    if record is None:
        abort(404)
    return render_template(
        "briefings/engagement.html", engagement=record, back=_back(engagement_id), **panels.engagement_panel(record)
    )


@bp.post("/engagements/<int:engagement_id>/briefing")
def generate(engagement_id: int):
    form = BriefingForm()
    record = db.session.get(Engagement, engagement_id)
    if record is None:
        abort(404)
    try:
        zone = services.reader_zone(form.tz.data)
        document = services.generate_briefing(current_actor(), engagement_id, zone)
    except ValidationError as error:
        db.session.rollback()
        apply_form_errors(form, error)
        return render_template(
            "briefings/engagement.html",
            engagement=record,
            back=_back(engagement_id),
            **panels.engagement_panel(record, form),
        ), 400
    db.session.commit()
    flash(f"Briefing pack generated (SHA-256 {document.sha256[:16]}…).", "success")
    return redirect(_engagement_page(engagement_id))


@bp.get("/documents/<int:document_id>")
def download(document_id: int):
    """The stored bytes of a document, exactly as made (its maker and admins only)."""
    document = services.document_for_download(current_actor(), document_id)
    if document is None:
        abort(404)
    db.session.commit()
    return _send(document)


@bp.post("/documents/<int:document_id>/sent")
def sent(document_id: int):
    try:
        document = services.record_sent(current_actor(), document_id)
    except services.NotFound:
        abort(404)
    except ValidationError as error:
        db.session.rollback()
        flash(" ".join(error.errors.values()), "danger")
        return redirect(safe_next(request.form.get("next"), url_for("dashboard.home"))), 303
    db.session.commit()
    flash("Letter recorded as sent.", "success")
    return redirect(safe_next(request.form.get("next"), url_for("briefings.letters", person_id=document.person_id)))


@bp.get("/people/<int:person_id>/letters")
def letters(person_id: int):
    person = db.session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        abort(404)
    return render_template("briefings/letters.html", person=person, **panels.person_letters(person))


@bp.post("/people/<int:person_id>/letters")
def new_letter(person_id: int):
    person = db.session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        abort(404)
    form = LetterForm()
    if form.validate_on_submit():
        try:
            document = services.generate_letter(current_actor(), person_id, form.date_from.data, form.date_to.data)
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
        else:
            db.session.commit()
            flash(f"Letter prepared: {document.filename}.", "success")
            return redirect(safe_next(request.form.get("next"), url_for("briefings.letters", person_id=person_id)))
    return render_template("briefings/letters.html", person=person, **panels.person_letters(person, form)), 400


def _topics():
    return list(db.session.execute(select(Topic).where(Topic.active.is_(True)).order_by(Topic.name)).scalars())


@bp.route("/evidence", methods=["GET", "POST"])
def evidence():
    """The regulator evidence pack: choose a topic and a period; each pack is frozen with its hash."""
    form = EvidenceForm()
    form.set_topics(_topics())
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                pdf, _csv = services.generate_evidence(
                    current_actor(), int(form.topic.data), form.date_from.data, form.date_to.data
                )
            except ValidationError as error:
                db.session.rollback()
                apply_form_errors(form, error)
            else:
                db.session.commit()
                flash(
                    "Evidence pack generated and frozen: PDF and CSV are stored with their SHA-256.",
                    "success",
                )
                return redirect(url_for("briefings.evidence", made=pdf.id))
        status = 400
    elif not form.date_to.data:
        form.date_to.data = date.today()
        form.date_from.data = date(date.today().year - 1, date.today().month, 1)
    made = request.args.get("made", type=int)
    documents = services.evidence_documents(current_user)
    return render_template("briefings/evidence.html", form=form, documents=documents, made=made), status
