from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from engage.api.tokens import DEFAULT_DAYS, MAX_DAYS
from engage.formtools import WholeNumberField, choices

SCOPE_CHOICES = choices([("read", "Read"), ("write", "Read and write")])


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Give the token a name."), Length(max=100)],
        description="e.g. BI export",
    )
    scope = SelectField("Access", choices=SCOPE_CHOICES, default="read")
    days = WholeNumberField(
        "Lasts (days)",
        default=DEFAULT_DAYS,
        low=1,
        high=MAX_DAYS,
        message=f"A token lasts between 1 and {MAX_DAYS} days: enter a whole number of days.",
        validators=[InputRequired(message=f"Enter a number of days, 1 to {MAX_DAYS}.")],
    )
