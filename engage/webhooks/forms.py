from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from engage.formtools import VersionField, choices
from engage.webhooks.events import EVENTS
from engage.webhooks.urls import HOST_LIMIT, URL_LIMIT


class SubscriptionForm(FlaskForm):
    version = VersionField()
    name = StringField("Name", validators=[DataRequired(message="Name the receiver."), Length(max=120)])
    url = StringField(
        "Address", validators=[DataRequired(message="Enter the address to send events to."), Length(max=URL_LIMIT)]
    )
    events = SelectMultipleField(
        "Events", choices=choices((k, f"{k} — {v}") for k, v in EVENTS.items()), render_kw={"size": len(EVENTS)}
    )
    allowed_host = StringField("Allowed host", validators=[Length(max=HOST_LIMIT)])
