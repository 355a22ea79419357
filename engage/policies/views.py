"""Policies, their versions (with a readable diff) and clauses (with who shaped them)."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.consultations.models import OUTCOMES
from engage.formtools import choices as select_choices
from engage.ids import id_arg, number_arg
from engage.policies import queries, services, trail
from engage.policies.diff import clause_statuses, compare_versions
from engage.policies.forms import PolicyForm, VersionForm
from engage.policies.models import POLICY_STATUSES, VERSION_STANDINGS, current_version, version_standing
from engage.web import current_actor, paginate, submit

bp = Blueprint("policies", __name__)

POLICY_FIELDS = ("code", "title", "topic_id", "owner_id", "status", "next_review_on", "description")
VERSION_FIELDS = ("label", "effective_on", "public_release_on", "change_summary", "clauses")


def _int_arg(name: str) -> int | None:
    return id_arg(request.args, name)


@bp.route("/policies")
def index():
    filters = {
        "q": request.args.get("q", "").strip(),
        "topic_id": _int_arg("topic"),
        "status": request.args.get("status", "") if request.args.get("status") in POLICY_STATUSES else "",
        "owner_id": _int_arg("owner"),
        "review_within": number_arg(request.args, "review_within", low=0, high=36500),
        "sort": request.args.get("sort", "code"),
    }
    return render_template(
        "policies/list.html",
        page=paginate(queries.policy_query(**filters)),
        filters=filters,
        filtered=any(v for k, v in filters.items() if k != "sort"),
        topics=choices.topics(include_inactive=True),
        owners=choices.users(include_inactive=True),
        statuses=POLICY_STATUSES,
        today=date.today(),
    )


def _policy_form(policy=None) -> PolicyForm:
    form = PolicyForm(obj=policy)
    topics = choices.including(choices.topics(), policy.topic if policy else None)
    owners = choices.including(choices.users(), policy.owner if policy else None)
    form.topic_id.choices = select_choices(choices.as_strings(topics, blank="— none —"))
    form.owner_id.choices = select_choices(choices.as_strings(owners, blank="— none —"))
    return form


def _policy_page(form: PolicyForm, outcome, policy=None):
    if outcome.ok:
        saved = outcome.value
        next_step = " Add its first version next." if policy is None else ""
        flash(f"Policy {saved.code} is saved.{next_step}", "success")
        return redirect(url_for("policies.detail", policy_id=saved.id))
    return render_template("policies/form.html", form=form, policy=policy), outcome.status


@bp.route("/policies/new", methods=["GET", "POST"])
def new():
    form = _policy_form()
    data = {name: form[name].data for name in POLICY_FIELDS}
    return _policy_page(form, submit(form, lambda: services.create_policy(current_actor(), data)))


@bp.route("/policies/<id:policy_id>/edit", methods=["GET", "POST"])
def edit(policy_id: int):
    policy = queries.get_policy(policy_id)
    form = _policy_form(policy)
    data = {name: form[name].data for name in POLICY_FIELDS}
    outcome = submit(form, lambda: services.update_policy(current_actor(), policy, form.version.data, data))
    return _policy_page(form, outcome, policy)


@bp.route("/policies/<id:policy_id>")
def detail(policy_id: int):
    policy = queries.get_policy(policy_id)
    today = date.today()
    versions = list(reversed(services.ordered_versions(policy)))
    current = current_version(versions, today)
    # The clauses in force; before any version is, the latest one's (labelled as not in effect).
    shown = current or (versions[0] if versions else None)
    (clauses,) = queries.clauses_of(shown)
    return render_template(
        "policies/detail.html",
        policy=policy,
        versions=versions,
        current=current,
        shown=shown,
        standings={v.id: version_standing(v, current, today) for v in versions},
        standing_labels=VERSION_STANDINGS,
        clauses=clauses,
        counts=trail.outcome_counts(current_user, policy),
        outcomes=OUTCOMES,
        statuses=POLICY_STATUSES,
        today=today,
    )


@bp.route("/policies/<id:policy_id>/versions/new", methods=["GET", "POST"])
def new_version(policy_id: int):
    policy = queries.get_policy(policy_id)
    latest = services.latest_version(policy)
    form = VersionForm()
    if request.method == "GET" and latest is not None:
        form.clauses.data = services.clauses_to_text(latest.clauses)
    data = {name: form[name].data for name in VERSION_FIELDS}
    outcome = submit(form, lambda: services.create_version(current_actor(), policy, data))
    if outcome.ok:
        flash(f"{policy.code} {outcome.value.label} is saved.", "success")
        return redirect(url_for("policies.version", policy_id=policy.id, version_id=outcome.value.id))
    return render_template("policies/version_form.html", form=form, policy=policy, latest=latest), outcome.status


@bp.route("/policies/<id:policy_id>/versions/<id:version_id>")
def version(policy_id: int, version_id: int):
    policy = queries.get_policy(policy_id)
    current = queries.version_of(policy, version_id)
    previous = services.previous_version(policy, current)
    new_clauses, old_clauses = queries.clauses_of(current, previous)
    return render_template(
        "policies/version.html",
        policy=policy,
        version=current,
        previous=previous,
        changes=(changes := compare_versions(old_clauses, new_clauses)),
        clause_status={c.new.id: c.status for c in changes if c.new is not None},
        page=paginate(trail.version_drivers_query(current_user, current)),
        outcomes=OUTCOMES,
        today=date.today(),
    )


@bp.route("/clauses/<id:clause_id>")
def clause(clause_id: int):
    clause = queries.get_clause(clause_id)
    history = queries.clause_history(clause)
    today = date.today()
    current = current_version(clause.version.policy.versions, today)
    page = paginate(trail.clause_trail_query(current_user, [c.id for c in history]))
    return render_template(
        "policies/clause.html",
        clause=clause,
        history=history,
        current=current,
        standings={c.version_id: version_standing(c.version, current, today) for c in history},
        standing_labels=VERSION_STANDINGS,
        page=page,
        outcomes=OUTCOMES,
        clause_status=clause_statuses(history, services.ordered_versions(clause.version.policy)),
    )


@bp.route("/policies/<id:policy_id>/clauses/<path:key>")
def clause_by_key(policy_id: int, key: str):
    """The clause with this stable key in the policy's latest version that has it."""
    latest = queries.latest_clause_with_key(queries.get_policy(policy_id), key)
    return redirect(url_for("policies.clause", clause_id=latest.id))
