from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from engage import choices as choice_lists
from engage.formtools import choices


class BriefingForm(FlaskForm):
    tz = StringField("Your time zone", validators=[Optional()], default="UTC")


class LetterForm(FlaskForm):
    date_from = DateField("From", validators=[InputRequired(message="Enter the first day of the period.")])
    date_to = DateField("To", validators=[InputRequired(message="Enter the last day of the period.")])


class EvidenceForm(FlaskForm):
    topic = SelectField("Topic", validators=[InputRequired(message="Choose a topic.")])
    date_from = DateField("From", validators=[InputRequired(message="Enter the first day of the period.")])
    date_to = DateField("To", validators=[InputRequired(message="Enter the last day of the period.")])

    def set_topics(self) -> None:
        """Active topics, led by a prompt."""
        self.topic.choices = choices(choice_lists.as_strings(choice_lists.topics(), blank="Choose a topic…"))
