"""What the consultation page and its htmx rows share: the forms and their choices, and the responses.

A row (a point raised, or a commitment) is edited in place. `save_row` is the one way its forms are
handled: saved → the row in view mode; invalid → the form again with 400; someone saved first → the
row as it now stands with the conflict above it, 409. A plain form post (no JavaScript) gets a
redirect back to the row on the page instead, or the row on a page of its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user

from engage import choices
from engage.consultations import queries
from engage.consultations.forms import CommitmentForm, DecisionForm, InputForm, scope_ids
from engage.consultations.models import COMMITMENT_STATUSES, OUTCOMES, Consultation, Input
from engage.documents import pages as written
from engage.formtools import choices as select_choices
from engage.policies.queries import clause_choices, version_choices
from engage.web import is_htmx, submit

NONE = "— none —"


def _select(pairs, blank: str | None = NONE):
    return select_choices(choices.as_strings(pairs, blank=blank))


# --- Forms and their choice lists (loaded only when a form is shown) ---------------------------------


def input_form(item: Input | None = None, blank: bool = False) -> InputForm:
    """The add-point form (item None) or the edit form of one point; `blank` ignores the posted data."""
    form = InputForm(obj=item, **({"formdata": None} if blank else {}))
    if item is not None and request.method == "GET":
        form.raised_by.data = f"person:{item.person_id}" if item.person_id else f"organisation:{item.organisation_id}"
    return scope_ids(form, f"input-{item.id}" if item is not None else "new-input")


def input_choices(form: InputForm, consultation: Consultation, item: Input | None = None) -> InputForm:
    people = [(f"person:{i}", label) for i, label in choices.people_pairs(consultation.people)]
    organisations = [(f"organisation:{o.id}", f"{o.name} (organisation)") for o in consultation.organisations]
    form.raised_by.choices = _select(people + organisations, blank="— choose —")
    form.topic_id.choices = _select(choices.including(choices.topics(), item.topic if item else None))
    form.clause_id.choices = _select(clause_choices(item.clause if item else None))
    return form


def decision_form(item: Input) -> DecisionForm:
    decision = item.decision
    form = DecisionForm(obj=decision)
    if request.method == "GET" and decision is None:
        form.decided_by_id.data = current_user.id
        form.decided_on.data = date.today()
        form.version.data = None
    return scope_ids(form, f"decision-{item.id}")


def decision_choices(form: DecisionForm, item: Input) -> DecisionForm:
    decision = item.decision
    form.decided_by_id.choices = _select(choices.including(choices.users(), decision and decision.decided_by))
    form.clause_id.choices = _select(clause_choices(decision.clause if decision and decision.clause else item.clause))
    form.policy_version_id.choices = _select(version_choices())
    return form


def commitment_form(commitment=None, blank: bool = False) -> CommitmentForm:
    """The add-commitment form (commitment None) or the edit form of one; `blank` ignores the posted data."""
    form = CommitmentForm(obj=commitment, **({"formdata": None} if blank else {}))
    if commitment is None and (blank or request.method == "GET"):
        form.assignee_id.data = current_user.id
    return scope_ids(form, f"commitment-{commitment.id}" if commitment is not None else "new-commitment")


def commitment_choices(form: CommitmentForm, consultation: Consultation, commitment=None) -> CommitmentForm:
    assignees = choices.including(choices.users(), commitment.assignee if commitment else None)
    form.assignee_id.choices = _select(assignees)
    form.person_id.choices = _select(choices.people_pairs(consultation.people))
    return form


# --- Responses -----------------------------------------------------------------------------------------


def _context(consultation: Consultation, **context) -> dict:
    return {
        "consultation": consultation,
        "outcomes": OUTCOMES,
        "commitment_statuses": COMMITMENT_STATUSES,
        "today": date.today(),
        **context,
    }


def render_detail(consultation: Consultation, status: int = 200, new_input=None, new_commitment=None):
    """The full consultation page (also the no-JS answer to an add form with errors)."""
    new_input = input_choices(new_input or input_form(), consultation)
    new_commitment = commitment_choices(new_commitment or commitment_form(), consultation)
    page = _context(
        consultation,
        inputs=queries.page_inputs(consultation),
        commitments=queries.page_commitments(consultation),
        input_form=new_input,
        commitment_form=new_commitment,
        **written.panel("consultations", consultation.id),
    )
    return render_template("consultations/detail.html", **page), status


def _back_to(consultation: Consultation, anchor: str):
    return redirect(url_for("consultations.detail", consultation_id=consultation.id) + f"#{anchor}", 303)


@dataclass
class Row:
    """One row of the consultation page: its template, the record it shows and how to load it again."""

    template: str
    name: str  # what the template calls the record: "item" or "commitment"
    anchor: str  # the row's id on the page is f"{anchor}-{record.id}"
    load: Callable[[], object]

    def __post_init__(self):
        self.record = self.load()

    @property
    def consultation(self) -> Consultation:
        return self.record.consultation

    @property
    def id(self) -> str:
        return f"{self.anchor}-{self.record.id}"

    def render(self, status: int = 200, template: str | None = None, **context):
        """The row as an htmx fragment (or `template`, which includes it); without JavaScript, on a page of its own."""
        context = _context(self.consultation, **{self.name: self.record}, **context)
        if is_htmx():
            return make_response(render_template(template or self.template, **context), status)
        return make_response(render_template("consultations/row_page.html", fragment=self.template, **context), status)


def save_row(row: Row, form, action: Callable, mode: str = "edit", prepare: Callable = lambda form: form):
    """Handle a row's form (GET shows it): see the module docstring. `prepare` fills its choice lists."""
    outcome = submit(form, action)
    if outcome.ok:
        if not is_htmx():
            return _back_to(row.consultation, row.id)
        row.record = row.load()  # one statement: the row as saved, relationships and all
        return row.render(mode="view")
    if outcome.status == 409:
        row.record = row.load()  # what the other person saved
        return row.render(409, mode="view", message=outcome.conflict)
    if mode == "view":  # a one-button form ("done"): it has no fields to show its refusal beside
        errors = [message for messages in form.errors.values() for message in messages]
        return row.render(outcome.status, mode="view", message=errors[0] if errors else "This could not be saved.")
    return row.render(outcome.status, mode=mode, form=prepare(form))


def add_row(consultation: Consultation, kind: str, form, action: Callable, prepare: Callable, fresh: Callable, row):
    """Handle the add form under the `kind` rows ("input", "commitment"), htmx or not.

    Added: with htmx the new row, to append, and a `fresh(form)` add form swapped out of band
    (`_{kind}_added.html`); without JavaScript a redirect to the new row. Invalid (400): with htmx
    the form replaces itself (`_{kind}_form.html`); without, the page again with the form's messages.
    `row(id)` loads the new row; `prepare(form)` fills the form's choice lists.
    """
    outcome = submit(form, action)
    if outcome.ok and not is_htmx():
        return _back_to(consultation, f"{kind}-{outcome.value.id}")
    if outcome.ok:
        added = row(outcome.value.id)
        return added.render(template=f"consultations/_{kind}_added.html", mode="view", **{f"{kind}_form": fresh(form)})
    if not is_htmx():
        return render_detail(consultation, outcome.status, **{f"new_{kind}": form})
    context = _context(consultation, **{f"{kind}_form": prepare(form)})
    response = make_response(render_template(f"consultations/_{kind}_form.html", **context), outcome.status)
    response.headers["HX-Retarget"] = f"#add-{kind}"
    response.headers["HX-Reswap"] = "outerHTML"
    return response
