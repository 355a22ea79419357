from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from engage.formtools import VersionField


class DocumentForm(FlaskForm):
    file = FileField("Add a document")


class NoteForm(FlaskForm):
    text = TextAreaField("Note (Markdown)", validators=[DataRequired(message="Write the note first.")])
    version = VersionField()
