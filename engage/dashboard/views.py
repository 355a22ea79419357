"""The home page."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from engage.audit.models import AuditEvent
from engage.extensions import db

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    recent = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.user_id == current_user.id, AuditEvent.action.not_in(["login", "login-failed"]))
            .order_by(AuditEvent.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    return render_template("dashboard/home.html", recent=recent)
