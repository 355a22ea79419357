from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from engage.formtools import IsoDateField, VersionField, choices, int_or_none
from engage.policies.models import POLICY_STATUSES


class PolicyForm(FlaskForm):
    version = VersionField()
    code = StringField("Code", validators=[DataRequired(message="Enter the policy code."), Length(max=30)])
    title = StringField("Title", validators=[DataRequired(message="Enter the title."), Length(max=250)])
    topic_id = SelectField("Topic", coerce=int_or_none, validate_choice=False)
    owner_id = SelectField("Owner", coerce=int_or_none, validate_choice=False)
    status = SelectField("Status", choices=choices(POLICY_STATUSES.items()), default="draft")
    next_review_on = IsoDateField("Next review", validators=[Optional()])
    description = TextAreaField("Description", render_kw={"rows": 3})


class VersionForm(FlaskForm):
    label = StringField("Label", validators=[DataRequired(message="Enter a label, e.g. v3.1."), Length(max=40)])
    effective_on = IsoDateField("Effective date", validators=[Optional()])
    public_release_on = IsoDateField("Public release (embargo) date", validators=[Optional()])
    change_summary = TextAreaField("Change summary", render_kw={"rows": 3})
    clauses = TextAreaField(
        "Clauses",
        validators=[DataRequired(message="Add at least one clause.")],
        render_kw={"rows": 14, "class": "font-monospace", "spellcheck": "false"},
    )
