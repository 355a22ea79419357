from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField

from engage.formtools import VersionField


class DocumentForm(FlaskForm):
    file = FileField("Add a document")


class NoteForm(FlaskForm):
    body = TextAreaField("Note (Markdown)")
    version = VersionField()
