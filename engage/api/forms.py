from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from engage.api.tokens import DEFAULT_DAYS, MAX_DAYS
from engage.formtools import choices

SCOPE_CHOICES = choices([("read", "Read"), ("write", "Read and write")])


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Give the token a name."), Length(max=100)],
        description="e.g. BI export",
    )
    scope = SelectField("Access", choices=SCOPE_CHOICES, default="read")
    days = IntegerField(
        "Lasts (days)",
        default=DEFAULT_DAYS,
        validators=[
            DataRequired(message=f"Enter a number of days, 1 to {MAX_DAYS}."),
            NumberRange(1, MAX_DAYS, message=f"A token lasts between 1 and {MAX_DAYS} days."),
        ],
    )
