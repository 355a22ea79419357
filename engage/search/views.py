"""One search over everything the user may see."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from engage.search import services

bp = Blueprint("search", __name__)


@bp.route("/search")
def index():
    q = request.args.get("q", "").strip()[:200]
    sections = services.search(current_user, q)
    return render_template("search/index.html", q=q, sections=sections, min_length=services.MIN_LENGTH)
