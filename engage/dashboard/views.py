"""The home page."""

from flask import Blueprint, render_template
from flask_login import current_user

from engage.dashboard import services

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    return render_template("dashboard/home.html", home=services.home(current_user))
