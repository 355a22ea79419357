from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from engage.formtools import VersionField


class TopicForm(FlaskForm):
    version = VersionField()
    name = StringField("Name", validators=[DataRequired(message="Enter the topic's name."), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
