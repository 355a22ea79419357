from flask import Blueprint, jsonify
from sqlalchemy import text

from engage.auth.permissions import public
from engage.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    """200 when the app and its database answer (load balancers and `make run` poll this)."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
