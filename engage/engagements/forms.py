"""Forms of the engagements feature: the engagement itself, import, feed scope, display zone."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from engage import choices as choice_lists
from engage import zones
from engage.engagements import records
from engage.engagements.models import ENGAGEMENT_KINDS, ENGAGEMENT_STATUSES, PARTICIPANT_ROLES, RSVPS, Engagement
from engage.engagements.services import FEED_SCOPES
from engage.formtools import VersionField, choices, record_id
from engage.ids import as_id

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
FOLD_CHOICES = choices([("first", "First occurrence"), ("second", "Second occurrence")])


def optional_int(value):
    if value in (None, "", "None"):
        return None
    return as_id(value)


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
    topic_ids = SelectMultipleField("Topics", coerce=record_id, validate_choice=False)
    speaker_ids = SelectMultipleField("Our speakers", coerce=record_id, validate_choice=False)
    objectives = TextAreaField("Objectives")
    key_messages = TextAreaField("Key messages (Markdown)")
    sensitivities = TextAreaField("Sensitivities")
    logistics = TextAreaField("Logistics")
    agenda = TextAreaField("Agenda (one item a line: “10:15 Title | notes”)")
    participants = FieldList(FormField(ParticipantForm), min_entries=0)
    version = VersionField()

    def set_choices(self) -> None:
        """Forums (archived ones too, so an edit keeps its forum), active topics and users."""
        self.forum_id.choices = choices(choice_lists.as_strings(choice_lists.forums(True), blank="— none —"))
        self.topic_ids.choices = choices(choice_lists.as_strings(choice_lists.topics()))
        self.speaker_ids.choices = choices(choice_lists.as_strings(choice_lists.users()))

    def participant_refs(self) -> list[str]:
        """What each participant row names ("#12", an email or a name), blank rows left out."""
        return [(row.person.data or "").strip() for row in self.participants if (row.person.data or "").strip()]

    def next_participant_index(self) -> int:
        """The index a row added in the browser takes: after every index the form already used."""
        return max((int(row.name.rsplit("-", 1)[-1]) for row in self.participants), default=-1) + 1

    def to_data(self) -> records.EngagementData:
        return records.EngagementData(
            title=self.title.data or "",
            kind=self.kind.data,
            status=self.status.data,
            starts_local=self.starts_at.data,
            ends_local=self.ends_at.data,
            timezone=(self.timezone.data or "").strip(),
            fold=self.fold.data or None,
            end_fold=self.end_fold.data or None,
            country=self.country.data,
            venue=self.venue.data or "",
            virtual_link=self.virtual_link.data or "",
            forum_id=self.forum_id.data,
            objectives=self.objectives.data or "",
            key_messages=self.key_messages.data or "",
            sensitivities=self.sensitivities.data or "",
            logistics=self.logistics.data or "",
            topic_ids=self.topic_ids.data or [],
            speaker_ids=self.speaker_ids.data or [],
            participants=[
                records.ParticipantRow(row.person.data or "", row.role.data, row.rsvp.data) for row in self.participants
            ],
            agenda=self.agenda.data or "",
        )


def initial(engagement: Engagement) -> dict:
    """The edit form's data for `engagement`: times local to its zone, people as #id."""
    return {
        "title": engagement.title,
        "kind": engagement.kind,
        "status": engagement.status,
        "starts_at": zones.to_local(engagement.starts_at, engagement.timezone).replace(tzinfo=None),
        "ends_at": zones.to_local(engagement.ends_at, engagement.timezone).replace(tzinfo=None),
        "timezone": engagement.timezone,
        "fold": zones.fold_of(engagement.starts_at, engagement.timezone),
        "end_fold": zones.fold_of(engagement.ends_at, engagement.timezone),
        "country": engagement.country or "",
        "venue": engagement.venue,
        "virtual_link": engagement.virtual_link,
        "forum_id": engagement.forum_id,
        "topic_ids": [t.id for t in engagement.topics],
        "speaker_ids": [u.id for u in engagement.speakers],
        "objectives": engagement.objectives,
        "key_messages": engagement.key_messages,
        "sensitivities": engagement.sensitivities,
        "logistics": engagement.logistics,
        "agenda": records.agenda_text(engagement),
        "participants": [
            {"person": f"#{p.person_id}", "role": p.role, "rsvp": p.rsvp} for p in engagement.participants
        ],
        "version": engagement.version,
    }


class ImportForm(FlaskForm):
    file = FileField("Invitation (.ics)")
    ics = HiddenField()  # the previewed file, sent back on confirm
    direct = HiddenField()


class FeedScopeForm(FlaskForm):
    scope = RadioField("My feed holds", choices=choices(FEED_SCOPES.items()), default="mine")
