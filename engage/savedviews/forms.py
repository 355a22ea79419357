from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField

from engage.formtools import VersionField
from engage.savedviews.models import NAME_MAX


class _ViewFields(FlaskForm):
    name = StringField("Name of the view", render_kw={"maxlength": NAME_MAX, "autocomplete": "off"})
    shared = BooleanField("Share with the team")


class SaveViewForm(_ViewFields):
    """Save the list's current filters: the service checks the name and the filters (its messages
    land next to the fields), so the form has no validators of its own beyond CSRF."""

    list_key = HiddenField()
    query = HiddenField()


class EditViewForm(_ViewFields):
    """Rename a saved view, or share or unshare it; the service checks the name (as when saving)."""

    version = VersionField()
