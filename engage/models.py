"""Every model, imported once so that Alembic and `create_all` see the whole schema."""

from engage.audit.models import AuditEvent
from engage.auth.models import User

__all__ = ["AuditEvent", "User"]
