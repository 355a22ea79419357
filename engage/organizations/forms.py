"""The organisation form (name, kind, country, website, parent, topics, description) and the
affiliation forms used on the person and organisation pages."""

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from engage.formtools import choices
from engage.organizations.models import ORGANISATION_KINDS
from engage.people.forms import country_choices, topic_choices


class OrganisationForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    name = StringField("Name")
    kind = SelectField("Type", choices=choices(ORGANISATION_KINDS.items()), default="ngo", validate_choice=False)
    country = SelectField("Country", validate_choice=False)
    website = StringField("Website", render_kw={"inputmode": "url"})
    parent = StringField("Parent organisation")
    topics = SelectMultipleField("Focus topics", validate_choice=False, render_kw={"size": 6})
    description = TextAreaField("Description", render_kw={"rows": 4})

    def fill_choices(self):
        self.country.choices = country_choices("— International / none —")
        self.topics.choices = topic_choices(self.topics.data)


class AffiliationForm(FlaskForm):
    """Add an affiliation: from a person's page name the organisation, from an organisation's page
    name the person."""

    organisation = StringField("Organisation")
    person = StringField("Person")
    role = StringField("Role")
    start_on = DateField("Start", validators=[Optional()])
    end_on = DateField("End", validators=[Optional()])


class EndAffiliationForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    end_on = DateField("End date", validators=[Optional()])
