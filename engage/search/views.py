"""One search over everything the user may see, and the navigation's jump box."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from engage.ids import number_arg
from engage.search import services

bp = Blueprint("search", __name__)


@bp.route("/search")
def index():
    q = request.args.get("q", "").strip()[: services.MAX_QUERY]
    kind = services.clean_kind(request.args.get("kind"))
    results = services.search(current_user, q, kind, number_arg(request.args, "page") or 1)
    return render_template(
        "search/index.html",
        q=q,
        kind=kind,
        results=results,
        labels=services.LABELS,
        href=services.href,
        min_length=services.MIN_LENGTH,
        cap=services.CAP,
    )


@bp.route("/search/jump")
def jump():
    """The jump box's options (htmx): a listbox of the best matches, each a link to its record."""
    q = request.args.get("q", "").strip()[: services.MAX_QUERY]
    hits = services.jump(current_user, q) if len(q) >= services.MIN_LENGTH else []
    return render_template("search/_jump.html", q=q, hits=hits, labels=services.LABELS, href=services.href)
