"""The organisation form: name, kind, country, website, parent, topics, description."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField

from engage import choices as lists
from engage.formtools import VersionField, choices, country_choices
from engage.organizations.models import ORGANISATION_KINDS
from engage.organizations.services import OrganisationData


class OrganisationForm(FlaskForm):
    version = VersionField()
    name = StringField("Name")
    kind = SelectField("Type", choices=choices(ORGANISATION_KINDS.items()), default="ngo", validate_choice=False)
    country = SelectField("Country", validate_choice=False)
    website = StringField("Website", render_kw={"inputmode": "url"})
    parent = StringField("Parent organisation")
    topics = SelectMultipleField("Focus topics", validate_choice=False, render_kw={"size": 6})
    description = TextAreaField("Description", render_kw={"rows": 4})

    def fill_choices(self):
        self.country.choices = country_choices("— International / none —")
        self.topics.choices = choices(lists.as_strings(lists.topics_keeping(self.topics.data)))


FIELDS = ("name", "kind", "country", "website", "parent", "description")


def organisation_data(form: OrganisationForm) -> OrganisationData:
    """The form's values as the service takes them (the page's form and the JSON API's body)."""
    return OrganisationData(**{name: form[name].data or "" for name in FIELDS}, topic_ids=form.topics.data or [])
