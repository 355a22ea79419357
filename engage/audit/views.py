"""The admin's view of the audit log."""

from datetime import UTC, datetime, time

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.audit.models import AuditEvent
from engage.auth.models import User
from engage.auth.permissions import admin_only
from engage.extensions import db
from engage.web import paginate


def _date(value: str | None):
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None


bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("")
@admin_only
def index():
    args = request.args
    stmt = select(AuditEvent).options(selectinload(AuditEvent.user)).order_by(AuditEvent.id.desc())
    if args.get("user", "").isdigit():
        stmt = stmt.where(AuditEvent.user_id == int(args["user"]))
    if args.get("action"):
        stmt = stmt.where(AuditEvent.action == args["action"])
    if args.get("record_type"):
        stmt = stmt.where(AuditEvent.record_type == args["record_type"])
    if args.get("record_id", "").isdigit():
        stmt = stmt.where(AuditEvent.record_id == int(args["record_id"]))
    if since := _date(args.get("since")):
        stmt = stmt.where(AuditEvent.at >= datetime.combine(since, time.min, UTC))
    if until := _date(args.get("until")):
        stmt = stmt.where(AuditEvent.at <= datetime.combine(until, time.max, UTC))
    page = paginate(stmt, per_page=50)
    users = db.session.execute(select(User).order_by(User.name)).scalars().all()
    actions = db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars().all()
    types = (
        db.session.execute(select(AuditEvent.record_type).distinct().order_by(AuditEvent.record_type)).scalars().all()
    )
    return render_template("audit/index.html", page=page, users=users, actions=actions, types=types)
