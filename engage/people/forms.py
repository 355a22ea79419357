"""The person form (pinned field names: name, email, country, organisation, bio) and the small
forms on the person page. Forms parse; the services decide what is valid."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from engage import choices as lists
from engage.formtools import VersionField, choices, country_choices, optional_id
from engage.people.merge import FIELDS as MERGE_FIELDS
from engage.people.models import CONSENT_SCOPES, PROFILE_FIELDS, STANCES, Person
from engage.people.services import PersonData

NDA_LABELS = {"none": "None", "requested": "Requested", "signed": "Signed", "expired": "Expired"}
INFLUENCE = {1: "low", 2: "some", 3: "moderate", 4: "high", 5: "very high"}
BASIS_LABELS = {"": "Not recorded", "consent": "Consent", "legitimate_interest": "Legitimate interest"}


class PersonForm(FlaskForm):
    version = VersionField()
    name = StringField("Name")
    pronouns = StringField("Pronouns")
    title = StringField("Title or role")
    organisation = StringField("Organisation")
    new_organisation = BooleanField("It is a different organisation: add it as new")
    email = StringField("Primary email")
    other_emails = TextAreaField("Other emails", render_kw={"rows": 2})
    phones = TextAreaField("Phones", render_kw={"rows": 2})
    country = SelectField("Country", validate_choice=False)
    languages = StringField("Languages")
    time_zone = StringField("Time zone", render_kw={"list": "time-zones", "autocomplete": "off"})
    topics = SelectMultipleField("Expertise topics", validate_choice=False, render_kw={"size": 6})
    links = TextAreaField("Links", render_kw={"rows": 2})
    bio = TextAreaField("Bio", render_kw={"rows": 6})
    owner = SelectField("Relationship owner", validate_choice=False)
    nda_status = SelectField("NDA status", choices=choices(NDA_LABELS.items()), validate_choice=False)
    consent_basis = SelectField("Basis", choices=choices(BASIS_LABELS.items()), validate_choice=False)
    consent_on = DateField("Recorded on", validators=[Optional()], format="%Y-%m-%d")
    consent_contact = BooleanField(CONSENT_SCOPES["consent_contact"])
    consent_internal = BooleanField(CONSENT_SCOPES["consent_internal"])
    consent_public = BooleanField(CONSENT_SCOPES["consent_public"])
    consent_regulator = BooleanField(CONSENT_SCOPES["consent_regulator"])
    do_not_contact = BooleanField("Do not contact")
    lived_experience = TextAreaField("Lived experience", render_kw={"rows": 3})
    create_anyway = BooleanField("Create anyway: this is a different person")

    def fill_choices(self, owner_id=None):
        self.country.choices = country_choices()
        self.topics.choices = choices(lists.as_strings(lists.topics_keeping(self.topics.data)))
        self.owner.choices = choices(lists.as_strings(lists.users_keeping(owner_id), blank="— No owner —"))


class AssessmentForm(FlaskForm):
    influence = SelectField(
        "Influence",
        choices=choices((str(i), f"{i}: {label}") for i, label in INFLUENCE.items()),
        default="3",
        validate_choice=False,
    )
    stance = SelectField(
        "Stance towards us", choices=choices((s, s.capitalize()) for s in STANCES), validate_choice=False
    )
    # The topic the stance is on (issue 14); blank: all topics.
    topic_id = SelectField("On topic", coerce=optional_id, validate_choice=False)
    assessed_on = DateField("Assessed on", default=date.today, validators=[Optional()])
    note = TextAreaField("Note", render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic_id.choices = choices(lists.as_strings(lists.topics(), blank="All topics"))


class ConflictForm(FlaskForm):
    declared_on = DateField("Declared on", default=date.today, validators=[Optional()])
    description = TextAreaField("Declaration", render_kw={"rows": 2})


class HonorariumForm(FlaskForm):
    paid_on = DateField("Paid on", default=date.today, validators=[Optional()])
    amount = StringField("Amount", render_kw={"inputmode": "decimal"})
    currency = StringField("Currency", default="EUR", render_kw={"maxlength": 3})
    purpose = StringField("Purpose")


# --- Merging two people, erasing one (people/merge.py, people/privacy.py) ---


class MergeForm(FlaskForm):
    """Which side each field of the merged person comes from: the survivor's ("keep") or the other's."""

    version_keep = VersionField()
    version_other = VersionField()


for _key in MERGE_FIELDS:
    setattr(
        MergeForm,
        _key,
        RadioField(
            MERGE_FIELDS[_key],
            choices=choices([("keep", "Keep"), ("other", "Other")]),
            default="keep",
            validators=[Optional()],
        ),
    )


class EraseForm(FlaskForm):
    reason = TextAreaField("Reason", render_kw={"rows": 3, "required": True})


TEXT_FIELDS = (
    "name",
    "email",
    "other_emails",
    "phones",
    *PROFILE_FIELDS,
    "organisation",
    "consent_basis",
)


def person_data(form: PersonForm, with_lived_experience: bool, person: Person | None = None) -> PersonData:
    """The form's values as the service takes them (the page's form and the JSON API's body)."""
    return PersonData(
        **{name: form[name].data or "" for name in TEXT_FIELDS},
        **{name: form[name].data for name in (*CONSENT_SCOPES, "consent_on", "do_not_contact", "new_organisation")},
        topic_ids=form.topics.data or [],
        # A disabled owner field (see `edit`) is not posted: the owner stays as it is.
        owner_id=(form.owner.data or None) if form.owner.raw_data or person is None else person.owner_id,
        nda_status=form.nda_status.data or "none",
        lived_experience=(form.lived_experience.data or "") if with_lived_experience else None,
        create_anyway=bool(form.create_anyway.data) if "create_anyway" in form else False,
    )
