"""The home page."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from engage import choices
from engage.dashboard import services

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    cooling = choices.cooling_months(request.args.get("cooling"))
    return render_template("dashboard/home.html", home=services.home(current_user, cooling))
