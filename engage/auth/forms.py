from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from engage.auth.models import ROLES
from engage.dateformats import DATE_FORMATS, DEFAULT_DATE_FORMAT
from engage.formtools import VersionField, choices
from engage.zones import zone_names

ROLE_CHOICES = choices((r, r.capitalize()) for r in ROLES)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", message="The passwords differ.")],
    )


class NewUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="viewer")
    password = PasswordField("Initial password", validators=[DataRequired(), Length(min=10)])


class EditUserForm(FlaskForm):
    version = VersionField()
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Active (may sign in)")


class TimeZoneForm(FlaskForm):
    """The reader's own zone and date format: how briefings and pages show them times and dates."""

    time_zone = SelectField("Your time zone", validators=[DataRequired(message="Choose a time zone.")])
    date_format = SelectField(
        "Dates written as",
        choices=choices(DATE_FORMATS.items()),
        default=DEFAULT_DATE_FORMAT,
        validators=[DataRequired(message="Choose how dates are written.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = choices((z, z.replace("_", " ")) for z in zone_names())
        self.time_zone.validate_choice = False  # the service names an unknown zone next to the field
