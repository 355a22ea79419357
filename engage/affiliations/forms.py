"""The affiliation forms used on both the person's and the organisation's page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import Optional

from engage.formtools import VersionField


class AffiliationForm(FlaskForm):
    """Add an affiliation: from a person's page name the organisation, from an organisation's page
    name the person."""

    organisation = StringField("Organisation")
    new_organisation = BooleanField("It is a different organisation: add it as new")
    person = StringField("Person")
    role = StringField("Role")
    start_on = DateField("Start", validators=[Optional()])
    end_on = DateField("End", validators=[Optional()])


class EndAffiliationForm(FlaskForm):
    """The End button on a row of the affiliations list; its messages go above the list."""

    version = VersionField()
    end_on = DateField("End date", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.end_on.errors:
            self.form_errors.append("Enter the end date as YYYY-MM-DD.")
        return valid
