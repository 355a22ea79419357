"""Users of Engage and their roles."""

import secrets

from flask_login import UserMixin
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.mixins import Timestamped, Versioned

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
    # Changing this signs the user out of every session (see load_user).
    session_token: Mapped[str] = mapped_column(String(64), default=random_token)
    # The secret of the user's subscribable calendar feed; replaced to revoke it.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=random_token)
    feed_scope: Mapped[str] = mapped_column(String(20), default="mine")  # mine / following / team

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
