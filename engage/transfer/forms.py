"""The import page's form: a file to upload, or the upload it continues (mapping, confirmation)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField


class ImportForm(FlaskForm):
    file = FileField("File")
    upload = HiddenField()
    step = HiddenField(default="upload")  # upload / mapping / confirm
