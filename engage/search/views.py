from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from engage.search import services

bp = Blueprint("search", __name__)


@bp.route("/search")
def index():
    q = request.args.get("q", "").strip()[:200]
    sections = services.search(current_user, q)
    known = {s.endpoint: s.endpoint in current_app.view_functions for s in sections}
    return render_template("search/index.html", q=q, sections=sections, known=known, min_length=services.MIN_LENGTH)
