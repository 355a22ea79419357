"""Forms of the engagements feature: the engagement itself, import, feed scope, display zone."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from engage.engagements.models import ENGAGEMENT_KINDS, ENGAGEMENT_STATUSES, PARTICIPANT_ROLES, RSVPS
from engage.engagements.services import FEED_SCOPES
from engage.formtools import choices

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
FOLD_CHOICES = choices([("first", "First occurrence"), ("second", "Second occurrence")])
EXTRA_PARTICIPANT_ROWS = 3


def optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ParticipantForm(Form):
    person = StringField("Person", validators=[Length(max=254)])
    role = SelectField("Role", choices=choices(PARTICIPANT_ROLES.items()), default="co_panellist")
    rsvp = SelectField("RSVP", choices=choices(RSVPS.items()), default="invited")


class EngagementForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Enter a title."), Length(max=250)])
    kind = SelectField("Kind", choices=choices(ENGAGEMENT_KINDS.items()), default="panel")
    status = SelectField("Status", choices=choices(ENGAGEMENT_STATUSES.items()), default="proposed")
    starts_at = DateTimeLocalField(
        "Starts (local time)",
        format=LOCAL_FORMATS,
        validators=[DataRequired(message="Enter the start as YYYY-MM-DDTHH:MM.")],
    )
    ends_at = DateTimeLocalField(
        "Ends (local time)",
        format=LOCAL_FORMATS,
        validators=[DataRequired(message="Enter the end as YYYY-MM-DDTHH:MM.")],
    )
    timezone = StringField("Time zone", validators=[DataRequired(message="Choose a time zone."), Length(max=64)])
    fold = RadioField("Which 'starts' time?", choices=FOLD_CHOICES, validate_choice=False, validators=[Optional()])
    end_fold = RadioField("Which 'ends' time?", choices=FOLD_CHOICES, validate_choice=False, validators=[Optional()])
    country = StringField("Country (ISO code)", validators=[Length(max=2)])
    venue = StringField("Venue", validators=[Length(max=300)])
    virtual_link = StringField("Virtual link", validators=[Length(max=500)])
    forum_id = SelectField("Forum", coerce=optional_int, validate_choice=False)
    topic_ids = SelectMultipleField("Topics", coerce=int, validate_choice=False)
    speaker_ids = SelectMultipleField("Our speakers", coerce=int, validate_choice=False)
    objectives = TextAreaField("Objectives")
    key_messages = TextAreaField("Key messages (Markdown)")
    sensitivities = TextAreaField("Sensitivities")
    logistics = TextAreaField("Logistics")
    agenda = TextAreaField("Agenda (one item a line: “10:15 Title | notes”)")
    participants = FieldList(FormField(ParticipantForm), min_entries=0)
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField("Invitation (.ics)")
    ics = HiddenField()  # the previewed file, sent back on confirm
    direct = HiddenField()


class FeedScopeForm(FlaskForm):
    scope = RadioField("My feed holds", choices=choices(FEED_SCOPES.items()), default="mine")


class FollowForm(FlaskForm):
    pass
