from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from engage.formtools import VersionField, choices, optional_id, record_id
from engage.forums.models import FORUM_KINDS


class ForumForm(FlaskForm):
    version = VersionField()
    name = StringField("Name", validators=[DataRequired(message="Enter the forum's name."), Length(max=250)])
    kind = SelectField("Kind", choices=choices(FORUM_KINDS.items()), validate_choice=False)
    description = TextAreaField("Description")
    website = StringField("Website", validators=[Length(max=300)])
    representatives = SelectMultipleField(
        "Our representatives", coerce=record_id, validate_choice=False, render_kw={"size": 8}
    )


class MemberForm(FlaskForm):
    version = VersionField()
    person = SelectField("Person", coerce=optional_id, validate_choice=False)
    organisation = SelectField("Organisation", coerce=optional_id, validate_choice=False)
    role = StringField("Role", validators=[Length(max=120)], default="member")
    term_start = DateField("Term starts", validators=[Optional()])
    term_end = DateField("Term ends", validators=[Optional()])
