from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput


class TopicForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    name = StringField("Name", validators=[DataRequired(message="Enter the topic's name."), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
