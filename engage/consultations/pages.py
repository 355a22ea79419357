"""What the consultation page and its htmx fragments share: loading, option lists, responses."""

from dataclasses import dataclass, field
from datetime import date

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from engage.auth.models import User
from engage.consultations import services
from engage.consultations.commitments import consultation_commitments
from engage.consultations.forms import CommitmentForm, DecisionForm, InputForm, scope_ids
from engage.consultations.models import COMMITMENT_STATUSES, OUTCOMES, Consultation, Decision, Input
from engage.extensions import db
from engage.formtools import choices
from engage.policies.models import Clause, Policy, PolicyVersion
from engage.policies.services import current_clauses
from engage.topics.models import Topic

NONE = ("", "— none —")


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def load_consultation(consultation_id: int) -> Consultation:
    """The consultation with its participants, or 404 when the user may not see it (or it does not exist)."""
    consultation = services.visible_consultation(
        current_user,
        consultation_id,
        selectinload(Consultation.people),
        selectinload(Consultation.organisations),
        selectinload(Consultation.staff),
        selectinload(Consultation.topics),
        selectinload(Consultation.forum),
        selectinload(Consultation.created_by),
    )
    if consultation is None:
        abort(404)
    return consultation


def input_options():
    return (
        selectinload(Input.person),
        selectinload(Input.organisation),
        selectinload(Input.topic),
        selectinload(Input.clause).selectinload(Clause.version).selectinload(PolicyVersion.policy),
        selectinload(Input.decision).selectinload(Decision.decided_by),
        selectinload(Input.decision).selectinload(Decision.policy_version).selectinload(PolicyVersion.policy),
        selectinload(Input.decision).selectinload(Decision.clause),
    )


def load_inputs(consultation: Consultation) -> list[Input]:
    return list(
        db.session.execute(
            select(Input).where(Input.consultation_id == consultation.id).options(*input_options()).order_by(Input.id)
        ).scalars()
    )


def load_input(consultation: Consultation, input_id: int) -> Input:
    item = db.session.execute(
        select(Input)
        .where(Input.id == input_id, Input.consultation_id == consultation.id)
        .options(*input_options())
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if item is None:
        abort(404)
    return item


@dataclass
class Options:
    """Choice lists for the forms on a consultation page, each loaded at most once per request."""

    consultation: Consultation
    _cache: dict = field(default_factory=dict)

    def _get(self, key, loader):
        if key not in self._cache:
            self._cache[key] = loader()
        return self._cache[key]

    def raised_by(self):
        pairs = [("", "— choose —")]
        pairs += [(f"person:{p.id}", p.name) for p in self.consultation.people]
        pairs += [(f"organisation:{o.id}", f"{o.name} (organisation)") for o in self.consultation.organisations]
        return choices(pairs)

    def topics(self):
        rows = self._get("topics", lambda: db.session.execute(select(Topic).order_by(Topic.name)).scalars().all())
        return choices([NONE, *[(str(t.id), t.name) for t in rows]])

    def clauses(self, extra: Clause | None = None):
        rows = list(self._get("clauses", current_clauses))
        if extra is not None and all(c.id != extra.id for c in rows):
            rows.append(extra)
        pairs = [NONE]
        for c in rows:
            label = f"{c.key} ({c.version.label})" + (f" — {c.heading}" if c.heading else "")
            pairs.append((str(c.id), label[:120]))
        return choices(pairs)

    def users(self):
        rows = self._get(
            "users",
            lambda: db.session.execute(select(User).where(User.active).order_by(User.name)).scalars().all(),
        )
        return choices([NONE, *[(str(u.id), u.name) for u in rows]])

    def versions(self):
        def load():
            return (
                db.session.execute(
                    select(PolicyVersion)
                    .join(PolicyVersion.policy)
                    .where(Policy.status != "retired")
                    .options(contains_eager(PolicyVersion.policy))
                    .order_by(Policy.code, PolicyVersion.id.desc())
                )
                .scalars()
                .all()
            )

        rows = self._get("versions", load)
        return choices([NONE, *[(str(v.id), f"{v.policy.code} {v.label}") for v in rows]])

    def people(self):
        return choices([NONE, *[(str(p.id), p.name) for p in self.consultation.people]])


def input_form(opts: Options, item: Input | None = None, blank: bool = False) -> InputForm:
    """The add-point form (item None) or the edit form of one point; `blank` ignores the posted data."""
    kwargs = {"formdata": None} if blank else {}
    form = InputForm(obj=item, **kwargs) if item is not None else InputForm(**kwargs)
    if item is not None and request.method == "GET":
        form.raised_by.data = f"person:{item.person_id}" if item.person_id else f"organisation:{item.organisation_id}"
    form.raised_by.choices = opts.raised_by()
    form.topic_id.choices = opts.topics()
    form.clause_id.choices = opts.clauses(item.clause if item is not None else None)
    return scope_ids(form, f"input-{item.id}" if item is not None else "new-input")


def decision_form(opts: Options, item: Input) -> DecisionForm:
    decision = item.decision
    form = DecisionForm(obj=decision) if decision is not None else DecisionForm()
    if request.method == "GET" and decision is None:
        form.decided_by_id.data = current_user.id
        form.decided_on.data = date.today()
        form.version.data = None
    form.decided_by_id.choices = opts.users()
    extra = decision.clause if decision is not None and decision.clause else item.clause
    form.clause_id.choices = opts.clauses(extra)
    form.policy_version_id.choices = opts.versions()
    return scope_ids(form, f"decision-{item.id}")


def commitment_form(opts: Options, commitment=None) -> CommitmentForm:
    form = CommitmentForm(obj=commitment) if commitment is not None else CommitmentForm()
    if commitment is None and request.method == "GET":
        form.assignee_id.data = current_user.id
    form.assignee_id.choices = opts.users()
    form.person_id.choices = opts.people()
    return scope_ids(form, f"commitment-{commitment.id}" if commitment is not None else "new-commitment")


def render_detail(consultation: Consultation, opts: Options, status: int = 200, new_input=None, new_commitment=None):
    """The full consultation page (also the no-JS answer to a form with errors)."""
    return (
        render_template(
            "consultations/detail.html",
            consultation=consultation,
            inputs=load_inputs(consultation),
            commitments=consultation_commitments(consultation),
            input_form=new_input or input_form(opts),
            commitment_form=new_commitment or commitment_form(opts),
            outcomes=OUTCOMES,
            commitment_statuses=COMMITMENT_STATUSES,
            today=date.today(),
        ),
        status,
    )


def row_response(consultation, template: str, anchor: str, status: int = 200, **context):
    """An htmx fragment, or for a plain form post the page again (errors) or a redirect (success)."""
    context.update(
        consultation=consultation,
        outcomes=OUTCOMES,
        commitment_statuses=COMMITMENT_STATUSES,
        today=date.today(),
    )
    if is_htmx():
        return make_response(render_template(template, **context), status)
    if request.method == "POST" and status < 400:
        return redirect(url_for("consultations.detail", consultation_id=consultation.id) + f"#{anchor}", 303)
    return make_response(render_template("consultations/row_page.html", fragment=template, **context), status)
