from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.formtools import VersionField, choices, optional_id, record_id
from engage.helplines.models import CHANNELS
from engage.validation import countries


def country_choices(blank: str = "International (no country)"):
    return choices([("", blank), *countries().items()])


class HelplineForm(FlaskForm):
    version = VersionField()
    name = StringField("Name", validators=[DataRequired(message="Enter the helpline's name."), Length(max=250)])
    # Validated by the service (normalise_country), so a bad code gets a clear message.
    country = SelectField("Country", validate_choice=False)
    channel = SelectField("Channel", choices=choices(CHANNELS.items()), validate_choice=False)
    contact = StringField("Contact", validators=[DataRequired(message="Enter the number or address to contact.")])
    hours = StringField("Hours", validators=[Length(max=200)])
    languages = StringField("Languages", validators=[Length(max=300)])
    ages = StringField("Ages served", validators=[Length(max=60)])
    organisation = SelectField("Operating organisation", coerce=optional_id, validate_choice=False)
    escalation_name = StringField("Escalation contact: who", validators=[Length(max=200)])
    escalation_contact = StringField("Escalation contact: how to reach them", validators=[Length(max=300)])
    topics = SelectMultipleField("Topics", coerce=record_id, validate_choice=False, render_kw={"size": 8})
    notes = TextAreaField("Notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
