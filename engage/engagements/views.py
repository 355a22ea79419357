"""Engagements: list, detail, create, edit, follow, and the one-engagement .ics."""

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from engage.auth.models import User
from engage.auth.permissions import personal
from engage.briefings import panels
from engage.engagements import feeds, ical, services, zones
from engage.engagements.forms import EXTRA_PARTICIPANT_ROWS, EngagementForm, FollowForm
from engage.engagements.models import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    PARTICIPANT_ROLES,
    RSVPS,
    Engagement,
)
from engage.errors import ValidationError
from engage.extensions import db
from engage.formtools import choices
from engage.forums.models import Forum
from engage.people.models import CONSENT_SCOPES
from engage.text import render_markdown
from engage.topics.models import Topic
from engage.validation import time_zones
from engage.web import apply_form_errors, current_actor, paginate

bp = Blueprint("engagements", __name__)

ZONE_COOKIE = "engage_tz"


def display_zone() -> str:
    """The reader's display zone: `tz` in the query (remembered in a cookie), the cookie, or London."""
    asked = request.args.get("tz")
    if asked:
        zone = zones.viewer_zone(asked)
        if zone == asked:

            @after_this_request
            def remember(response):
                response.set_cookie(ZONE_COOKIE, zone, max_age=365 * 86400, samesite="Lax", httponly=True)
                return response

        return zone
    return zones.viewer_zone(request.cookies.get(ZONE_COOKIE))


@bp.app_template_filter("in_zone")
def in_zone(instant: datetime | None, zone: str, fmt: str = "%a %-d %b %Y, %H:%M", label: bool = True) -> str:
    if instant is None:
        return "—"
    local = zones.to_local(instant, zone)
    return f"{local.strftime(fmt)} {local.tzname()}" if label else local.strftime(fmt)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _date_arg(name: str):
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None


def filters_from_request() -> services.Filters:
    return services.Filters(
        q=request.args.get("q", "").strip()[:200],
        status=request.args.get("status", ""),
        kind=request.args.get("kind", ""),
        forum_id=_int_arg("forum"),
        topic_id=_int_arg("topic"),
        country=request.args.get("country", "").strip()[:2],
        mine=request.args.get("mine") == "1",
        scope=request.args.get("scope", "team") if request.args.get("scope") in services.FEED_SCOPES else "team",
        date_from=_date_arg("from"),
        date_to=_date_arg("to"),
        when=request.args.get("when", "upcoming") if request.args.get("when") in ("past", "all") else "upcoming",
    )


def filter_options() -> dict:
    return {
        "forums": db.session.execute(select(Forum.id, Forum.name).order_by(Forum.name)).all(),
        "topics": db.session.execute(select(Topic.id, Topic.name).order_by(Topic.name)).all(),
        "kinds": ENGAGEMENT_KINDS,
        "statuses": ENGAGEMENT_STATUSES,
    }


@bp.route("/engagements")
def index():
    filters = filters_from_request()
    page = paginate(services.filtered(current_user, filters))
    return render_template("engagements/list.html", page=page, filters=filters, zone=display_zone(), **filter_options())


def _form_choices(form: EngagementForm) -> None:
    form.forum_id.choices = choices(
        [("", "— none —")]
        + [(str(i), n) for i, n in db.session.execute(select(Forum.id, Forum.name).order_by(Forum.name))]
    )
    form.topic_ids.choices = choices(
        (str(i), n)
        for i, n in db.session.execute(select(Topic.id, Topic.name).where(Topic.active.is_(True)).order_by(Topic.name))
    )
    form.speaker_ids.choices = choices(
        (str(i), n)
        for i, n in db.session.execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name))
    )


def _initial(engagement: Engagement) -> dict:
    return {
        "title": engagement.title,
        "kind": engagement.kind,
        "status": engagement.status,
        "starts_at": zones.to_local(engagement.starts_at, engagement.timezone).replace(tzinfo=None),
        "ends_at": zones.to_local(engagement.ends_at, engagement.timezone).replace(tzinfo=None),
        "timezone": engagement.timezone,
        "fold": zones.fold_of(engagement.starts_at, engagement.timezone),
        "end_fold": zones.fold_of(engagement.ends_at, engagement.timezone),
        "country": engagement.country or "",
        "venue": engagement.venue,
        "virtual_link": engagement.virtual_link,
        "forum_id": engagement.forum_id,
        "topic_ids": [t.id for t in engagement.topics],
        "speaker_ids": [u.id for u in engagement.speakers],
        "objectives": engagement.objectives,
        "key_messages": engagement.key_messages,
        "sensitivities": engagement.sensitivities,
        "logistics": engagement.logistics,
        "agenda": services.agenda_text(engagement),
        "participants": [
            {"person": f"#{p.person_id}", "role": p.role, "rsvp": p.rsvp} for p in engagement.participants
        ],
        "version": engagement.version,
    }


def _data(form: EngagementForm) -> services.EngagementData:
    return services.EngagementData(
        title=form.title.data or "",
        kind=form.kind.data,
        status=form.status.data,
        starts_local=form.starts_at.data,
        ends_local=form.ends_at.data,
        timezone=(form.timezone.data or "").strip(),
        fold=form.fold.data or None,
        end_fold=form.end_fold.data or None,
        country=form.country.data,
        venue=form.venue.data or "",
        virtual_link=form.virtual_link.data or "",
        forum_id=form.forum_id.data,
        objectives=form.objectives.data or "",
        key_messages=form.key_messages.data or "",
        sensitivities=form.sensitivities.data or "",
        logistics=form.logistics.data or "",
        topic_ids=form.topic_ids.data or [],
        speaker_ids=form.speaker_ids.data or [],
        participants=[
            services.ParticipantRow(row.person.data or "", row.role.data, row.rsvp.data) for row in form.participants
        ],
        agenda=form.agenda.data or "",
    )


def _render_form(form, engagement, status=200, time_choices=None):
    filled = len([r for r in form.participants if r.person.data])
    while len(form.participants) < filled + EXTRA_PARTICIPANT_ROWS:
        form.participants.append_entry()
    return (
        render_template(
            "engagements/form.html",
            form=form,
            engagement=engagement,
            time_choices=time_choices or {},
            zone_names=sorted(time_zones()),
            roles=PARTICIPANT_ROLES,
            rsvps=RSVPS,
        ),
        status,
    )


def _save(form: EngagementForm, engagement: Engagement | None):
    """Validate and save; returns a response (redirect on success, the form with errors otherwise)."""
    if not form.validate_on_submit():
        return _render_form(form, engagement, 400 if request.method == "POST" else 200)
    try:
        if engagement is None:
            engagement = services.create(current_actor(), _data(form))
        else:
            services.update(current_actor(), engagement, form.version.data, _data(form))
    except ValidationError as error:
        db.session.rollback()
        apply_form_errors(form, error)
        return _render_form(form, engagement, 400, getattr(error, "choices", None))
    except services.ConflictError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_form(form, db.session.get(Engagement, engagement.id), 409)
    db.session.commit()
    flash(f"“{engagement.title}” is saved.", "success")
    return redirect(url_for("engagements.detail", engagement_id=engagement.id))


@bp.route("/engagements/new", methods=["GET", "POST"])
def new():
    form = EngagementForm() if request.method == "POST" else EngagementForm(data={"timezone": display_zone()})
    _form_choices(form)
    return _save(form, None)


@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
def edit(engagement_id: int):
    engagement = services.for_detail(engagement_id, current_user) or abort(404)
    form = EngagementForm() if request.method == "POST" else EngagementForm(data=_initial(engagement))
    _form_choices(form)
    return _save(form, engagement)


@bp.route("/engagements/<int:engagement_id>")
def detail(engagement_id: int):
    engagement = services.for_detail(engagement_id, current_user) or abort(404)
    return render_template(
        "engagements/detail.html",
        engagement=engagement,
        zone=display_zone(),
        following=any(f.id == current_user.id for f in engagement.followers),
        follow_form=FollowForm(),
        roles=PARTICIPANT_ROLES,
        rsvps=RSVPS,
        kinds=ENGAGEMENT_KINDS,
        statuses=ENGAGEMENT_STATUSES,
        consent_scopes=CONSENT_SCOPES,
        render_markdown=render_markdown,
        now=datetime.now(UTC),
        **panels.engagement_panel(engagement),
    )


@bp.route("/engagements/<int:engagement_id>/follow", methods=["POST"])
@personal
def follow(engagement_id: int):
    return _follow(engagement_id, True)


@bp.route("/engagements/<int:engagement_id>/unfollow", methods=["POST"])
@personal
def unfollow(engagement_id: int):
    return _follow(engagement_id, False)


def _follow(engagement_id: int, following: bool):
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    engagement = db.session.execute(
        services.visible(current_user).where(Engagement.id == engagement_id)
    ).scalar_one_or_none() or abort(404)
    services.follow(current_actor(), engagement, following)
    db.session.commit()
    flash("You follow this engagement." if following else "You no longer follow this engagement.", "success")
    return redirect(url_for("engagements.detail", engagement_id=engagement_id))


def ics_bytes(stmt, name: str = "") -> bytes:
    config = current_app.config
    events = feeds.events(stmt, config["BASE_URL"], ("Engage", config["MAIL_FROM"]))
    body = ical.build_calendar(events, name=name, rendered=feeds.rendered(events))
    db.session.commit()  # keeps the serialised events for the next request (a cache)
    return body


@bp.route("/engagements/<int:engagement_id>.ics")
def ics(engagement_id: int):
    stmt = services.visible(current_user).where(Engagement.id == engagement_id)
    body = ics_bytes(stmt)
    if b"BEGIN:VEVENT" not in body:
        abort(404)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="engagement-{engagement_id}.ics"'},
    )
