"""The admin's view of the audit log."""

from flask import Blueprint, render_template, request

from engage import choices
from engage.audit import queries
from engage.audit.services import DETAILS
from engage.auth.permissions import admin_only
from engage.web import paginate

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("")
@admin_only
def index():
    filters = queries.AuditFilters.from_args(request.args)
    return render_template(
        "audit/index.html",
        page=paginate(queries.events_query(filters), per_page=50),
        users=choices.users(include_inactive=True),
        actions=queries.actions(),
        types=queries.record_types(),
        filtered=filters.filtered,
        record_pages=queries.RECORD_PAGES,
        details_key=DETAILS,
    )
