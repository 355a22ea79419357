"""The consultation page's forms: the consultation itself, a point raised, its decision, a commitment."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from engage.consultations.models import COMMITMENT_STATUSES, CONFIDENTIALITY, CONSULTATION_KINDS, OUTCOMES
from engage.formtools import IsoDateField, VersionField, choices, int_or_none, optional_id, record_id


def scope_ids(form, prefix: str):
    """Give every field an id unique on the page (many row forms share one page) while names stay plain."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


class ConsultationForm(FlaskForm):
    version = VersionField()
    title = StringField("Title", validators=[DataRequired(message="Enter a title."), Length(max=250)])
    date = IsoDateField("Date", validators=[DataRequired(message="Enter the date as YYYY-MM-DD.")])
    kind = SelectField("Kind", choices=choices(CONSULTATION_KINDS.items()), default="meeting")
    confidentiality = SelectField("Confidentiality", choices=choices(CONFIDENTIALITY.items()), default="normal")
    forum_id = SelectField("Forum", coerce=int_or_none, validate_choice=False)
    topic_ids = SelectMultipleField("Topics", coerce=record_id, validate_choice=False, render_kw={"size": 6})
    staff_ids = SelectMultipleField("Our staff", coerce=record_id, validate_choice=False, render_kw={"size": 6})
    summary = TextAreaField("Summary", render_kw={"rows": 5})


class InputForm(FlaskForm):
    version = VersionField()
    raised_by = SelectField("Raised by", validate_choice=False)
    topic_id = SelectField("Topic", coerce=int_or_none, validate_choice=False)
    text = TextAreaField(
        "Point raised",
        validators=[DataRequired(message="Write the point that was raised.")],
        render_kw={"rows": 3},
    )
    clause_id = SelectField("Target clause (optional)", coerce=int_or_none, validate_choice=False)


INPUT_FIELDS = ("raised_by", "topic_id", "text", "clause_id")  # what the services take (page and API)
DECISION_FIELDS = ("outcome", "rationale", "decided_by_id", "decided_on", "policy_version_id", "clause_id", "no_change")


class DecisionForm(FlaskForm):
    version = VersionField()
    outcome = SelectField("Outcome", choices=choices(OUTCOMES.items()), default="under_review")
    rationale = TextAreaField("Rationale", render_kw={"rows": 2})
    decided_by_id = SelectField("Decided by", coerce=int_or_none, validate_choice=False)
    decided_on = IsoDateField("Decided on", validators=[Optional()])
    policy_version_id = SelectField("Resulting policy version", coerce=int_or_none, validate_choice=False)
    clause_id = SelectField("Clause changed", coerce=int_or_none, validate_choice=False)
    no_change = BooleanField("No change to the policy")


class CommitmentForm(FlaskForm):
    version = VersionField()
    description = TextAreaField(
        "What we promised", validators=[DataRequired(message="Say what we promised.")], render_kw={"rows": 2}
    )
    assignee_id = SelectField("Assignee", coerce=int_or_none, validate_choice=False)
    due_on = IsoDateField("Due", validators=[Optional()])
    status = SelectField("Status", choices=choices(COMMITMENT_STATUSES.items()), default="open")
    person_id = SelectField("For (optional)", coerce=int_or_none, validate_choice=False)


class CompleteForm(FlaskForm):
    """ "Mark done" on a commitment: only the version the button was shown with."""

    version = VersionField()


class NewCommitmentForm(FlaskForm):
    """A commitment made from a person, an organisation or an engagement page (no consultation)."""

    description = TextAreaField(
        "What we promised", validators=[DataRequired(message="Say what we promised.")], render_kw={"rows": 2}
    )
    assignee_id = SelectField("Assignee", coerce=optional_id, validate_choice=False)
    due_on = IsoDateField("Due", validators=[Optional()])


class BulkCommitmentsForm(FlaskForm):
    """The register's bulk action: the ticked ids, mark done or reassign (to `assignee_id`)."""

    ids = SelectMultipleField("Commitments", coerce=record_id, validate_choice=False)
    action = SelectField("With the ticked", choices=choices([("done", "Mark done"), ("reassign", "Reassign to")]))
    assignee_id = SelectField("New assignee", coerce=optional_id, validate_choice=False)


def consultation_data(form: ConsultationForm, posted) -> dict:
    """The form's values as the service takes them; the participants are the posted `person_ids` and
    `organisation_ids` (picked chips on the page, lists in the JSON API's body)."""
    return {
        "title": form.title.data,
        "held_on": form.date.data,
        "kind": form.kind.data,
        "confidentiality": form.confidentiality.data,
        "summary": form.summary.data,
        "forum_id": form.forum_id.data,
        "topic_ids": form.topic_ids.data or [],
        "staff_ids": form.staff_ids.data or [],
        "person_ids": posted.getlist("person_ids"),
        "organisation_ids": posted.getlist("organisation_ids"),
    }
