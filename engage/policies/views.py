"""Policies, their versions (with a readable diff) and clauses (with who shaped them)."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.auth.models import User
from engage.consultations.models import OUTCOMES
from engage.errors import ValidationError
from engage.extensions import db
from engage.formtools import choices
from engage.policies import services
from engage.policies.diff import compare_versions
from engage.policies.forms import PolicyForm, VersionForm
from engage.policies.models import POLICY_STATUSES, Clause, Policy, PolicyVersion
from engage.topics.models import Topic
from engage.web import apply_form_errors, current_actor, paginate, submit

bp = Blueprint("policies", __name__)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _option_lists():
    topics = db.session.execute(select(Topic).order_by(Topic.name)).scalars().all()
    owners = db.session.execute(select(User).where(User.active).order_by(User.name)).scalars().all()
    return topics, owners


@bp.route("/policies")
def index():
    filters = {
        "q": request.args.get("q", "").strip(),
        "topic_id": _int_arg("topic"),
        "status": request.args.get("status", "") if request.args.get("status") in POLICY_STATUSES else "",
        "owner_id": _int_arg("owner"),
        "review_within": _int_arg("review_within"),
        "sort": request.args.get("sort", "code"),
    }
    page = paginate(services.policy_query(**filters))
    topics, owners = _option_lists()
    return render_template(
        "policies/list.html",
        page=page,
        filters=filters,
        topics=topics,
        owners=owners,
        statuses=POLICY_STATUSES,
        today=date.today(),
    )


def _fill_choices(form: PolicyForm) -> None:
    topics, owners = _option_lists()
    form.topic_id.choices = choices([("", "— none —")] + [(str(t.id), t.name) for t in topics])
    form.owner_id.choices = choices([("", "— none —")] + [(str(u.id), u.name) for u in owners])


def _policy_data(form: PolicyForm) -> dict:
    return {
        name: form[name].data
        for name in ("code", "title", "topic_id", "owner_id", "status", "next_review_on", "description")
    }


@bp.route("/policies/new", methods=["GET", "POST"])
def new():
    form = PolicyForm()
    _fill_choices(form)
    outcome = submit(form, lambda: services.create_policy(current_actor(), _policy_data(form)))
    status = outcome.status
    if outcome.ok:
        policy = outcome.value
        flash(f"Policy {policy.code} is saved. Add its first version next.", "success")
        return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_template("policies/form.html", form=form, policy=None), status


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
def edit(policy_id: int):
    policy = db.get_or_404(Policy, policy_id)
    form = PolicyForm(obj=policy)
    _fill_choices(form)
    outcome = submit(
        form, lambda: services.update_policy(current_actor(), policy, form.version.data, _policy_data(form))
    )
    status = outcome.status
    if outcome.ok:
        flash(f"Policy {policy.code} is saved.", "success")
        return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_template("policies/form.html", form=form, policy=policy), status


def _load_policy(policy_id: int) -> Policy:
    policy = db.session.execute(
        select(Policy)
        .where(Policy.id == policy_id)
        .options(selectinload(Policy.topic), selectinload(Policy.owner), selectinload(Policy.versions))
    ).scalar_one_or_none()
    if policy is None:
        abort(404)
    return policy


@bp.route("/policies/<int:policy_id>")
def detail(policy_id: int):
    policy = _load_policy(policy_id)
    versions = list(reversed(services.ordered_versions(policy)))
    counts = services.outcome_counts(current_user, policy)
    clauses = []
    if versions:
        clauses = (
            db.session.execute(
                select(Clause).where(Clause.version_id == versions[0].id).order_by(Clause.position, Clause.id)
            )
            .scalars()
            .all()
        )
    return render_template(
        "policies/detail.html",
        policy=policy,
        versions=versions,
        clauses=clauses,
        counts=counts,
        outcomes=OUTCOMES,
        statuses=POLICY_STATUSES,
        today=date.today(),
    )


@bp.route("/policies/<int:policy_id>/versions/new", methods=["GET", "POST"])
def new_version(policy_id: int):
    policy = _load_policy(policy_id)
    latest = services.latest_version(policy)
    form = VersionForm()
    if request.method == "GET" and latest is not None:
        form.clauses.data = services.clauses_to_text(latest.clauses)
    status = 200
    if form.validate_on_submit():
        data = {
            name: form[name].data
            for name in ("label", "effective_on", "public_release_on", "change_summary", "clauses")
        }
        try:
            version = services.create_version(current_actor(), policy, data)
        except ValidationError as error:
            db.session.rollback()
            apply_form_errors(form, error)
            status = 400
        else:
            db.session.commit()
            flash(f"{policy.code} {version.label} is saved.", "success")
            return redirect(url_for("policies.version", policy_id=policy.id, version_id=version.id))
    elif request.method == "POST":
        status = 400
    return render_template("policies/version_form.html", form=form, policy=policy, latest=latest), status


@bp.route("/policies/<int:policy_id>/versions/<int:version_id>")
def version(policy_id: int, version_id: int):
    policy = _load_policy(policy_id)
    current = next((v for v in policy.versions if v.id == version_id), None)
    if current is None:
        abort(404)
    previous = services.previous_version(policy, current)
    # Clauses of both versions in one statement.
    wanted = [current.id] + ([previous.id] if previous else [])
    clauses = (
        db.session.execute(select(Clause).where(Clause.version_id.in_(wanted)).order_by(Clause.position, Clause.id))
        .scalars()
        .all()
    )
    new_clauses = [c for c in clauses if c.version_id == current.id]
    old_clauses = [c for c in clauses if previous and c.version_id == previous.id]
    changes = compare_versions(old_clauses, new_clauses)
    page = paginate(services.version_drivers_query(current_user, current))
    return render_template(
        "policies/version.html",
        policy=policy,
        version=current,
        previous=previous,
        changes=changes,
        page=page,
        outcomes=OUTCOMES,
        today=date.today(),
    )


@bp.route("/clauses/<int:clause_id>")
def clause(clause_id: int):
    clause = db.session.execute(
        select(Clause)
        .where(Clause.id == clause_id)
        .options(selectinload(Clause.version).selectinload(PolicyVersion.policy))
    ).scalar_one_or_none()
    if clause is None:
        abort(404)
    history = services.clause_history(clause)
    page = paginate(services.clause_trail_query(current_user, [c.id for c in history]))
    return render_template("policies/clause.html", clause=clause, history=history, page=page, outcomes=OUTCOMES)


@bp.route("/policies/<int:policy_id>/clauses/<path:key>")
def clause_by_key(policy_id: int, key: str):
    """The clause with this stable key in the policy's latest version that has it."""
    policy = _load_policy(policy_id)
    found = (
        db.session.execute(
            select(Clause)
            .join(PolicyVersion, PolicyVersion.id == Clause.version_id)
            .where(PolicyVersion.policy_id == policy.id, Clause.key == key)
            .options(selectinload(Clause.version))
        )
        .scalars()
        .all()
    )
    if not found:
        abort(404)
    latest = max(found, key=lambda c: services.version_order_key(c.version))
    return redirect(url_for("policies.clause", clause_id=latest.id))
