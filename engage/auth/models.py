"""Users of Engage and their roles."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from engage.dateformats import DEFAULT_DATE_FORMAT
from engage.extensions import db
from engage.mixins import Timestamped, UTCDateTime, Versioned, utcnow
from engage.zones import DEFAULT_VIEW_ZONE

ROLES = ("admin", "editor", "viewer")


def random_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, Versioned, Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Set by an admin's password reset: every page leads to the account page until it is changed.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The secret of the user's subscribable calendar feed; replaced to revoke it.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=random_token)
    feed_scope: Mapped[str] = mapped_column(String(20), default="mine")  # mine / following / team
    # The IANA zone the reader's own times are shown in (briefings, the engagement page's "your time").
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_VIEW_ZONE, server_default=DEFAULT_VIEW_ZONE)
    # How the reader's dates are written (engage/dateformats.py): pages, briefings and their PDFs.
    date_format: Mapped[str] = mapped_column(
        String(20), default=DEFAULT_DATE_FORMAT, server_default=DEFAULT_DATE_FORMAT
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.active

    # The secret of the signed-in session this object was loaded for (see auth/sessions.py); not a
    # column: each browser session has its own row in user_sessions.
    session_secret: str = ""

    def get_id(self) -> str:  # Flask-Login keeps this in the session cookie
        return f"{self.id}:{self.session_secret}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser session. Deleting the row ends it, whatever cookie the browser holds."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the secret in the cookie, so a copy of the database signs no one in.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LoginFailure(db.Model):
    """A wrong password (or unknown email) from a client: the counts that hold sign-ins back."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_pair", "account", "client", "failed_at"),
        Index("ix_login_failures_client", "client", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(254))  # the email as typed, lower-cased
    client: Mapped[str] = mapped_column(String(64))  # the address (an IPv6 client's /64)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
