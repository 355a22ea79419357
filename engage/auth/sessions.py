"""Signed-in sessions kept on the server, so that signing out really ends one.

The session cookie is signed, not stored: on its own, a copy taken before sign-out would still
sign in. So each sign-in adds a row to `user_sessions` and puts its secret in the cookie (as
Flask-Login's user id, "id:secret"); the user loader accepts the cookie only while the row
exists. Signing out deletes the row; a password change deletes the user's other rows; a
deactivation or an admin's password reset deletes them all. Rows expire after
PERMANENT_SESSION_LIFETIME and are cleared as others sign in.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from engage.auth.models import User, UserSession
from engage.extensions import db
from engage.mixins import utcnow


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(user: User) -> User:
    """A new session for `user` (on sign-in): a fresh secret, whatever the browser sent before."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.expires_at < now))
    secret = secrets.token_urlsafe(32)
    lifetime = timedelta(seconds=int(current_app.config["PERMANENT_SESSION_LIFETIME"]))
    db.session.add(UserSession(user_id=user.id, secret_hash=_hash(secret), created_at=now, expires_at=now + lifetime))
    user.session_secret = secret
    return user


def load(user_id: str) -> User | None:
    """Flask-Login's user loader: the active user whose session row the cookie names, or None."""
    ident, _, secret = (user_id or "").partition(":")
    if not ident.isdigit() or len(ident) > 18 or not secret:
        return None
    row = db.session.execute(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(ident), UserSession.secret_hash == _hash(secret), UserSession.expires_at > utcnow())
    ).scalar_one_or_none()
    if row is None or not row.active:
        return None
    row.session_secret = secret
    return row


def end(user: User) -> None:
    """Sign-out: this session's row goes, so its cookie signs no one in again."""
    if user.session_secret:
        db.session.execute(delete(UserSession).where(UserSession.secret_hash == _hash(user.session_secret)))
    user.session_secret = ""


def end_others(user: User, keep_current: bool = True) -> None:
    """Every session of `user` ends, except (with `keep_current`) the one this object was loaded for."""
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_current and user.session_secret:
        stmt = stmt.where(UserSession.secret_hash != _hash(user.session_secret))
    db.session.execute(stmt)


def count(user: User) -> int:
    """How many live sessions `user` has (shown to admins on the user's page)."""
    return db.session.execute(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
    ).scalar_one()
