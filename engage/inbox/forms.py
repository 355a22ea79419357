from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from engage.consultations.models import CONFIDENTIALITY
from engage.formtools import IsoDateField, choices


class EmailUploadForm(FlaskForm):
    file = FileField("Email file (.eml or .msg)")


class ProposalForm(FlaskForm):
    title = StringField("Title")
    confidentiality = SelectField("Confidentiality", choices=choices(CONFIDENTIALITY.items()), default="normal")
    summary = TextAreaField("Summary", render_kw={"rows": 10})


class CallForm(FlaskForm):
    summary = TextAreaField(
        "What was said", validators=[DataRequired(message="Say in a line or two what the call was about.")]
    )
    held_on = IsoDateField("Date", validators=[DataRequired(message="Enter the date as YYYY-MM-DD.")])
