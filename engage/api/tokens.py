"""Personal access tokens: made, listed, revoked, and matched to a request's bearer token.

A token is `eng_` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored: a token this long cannot be guessed, so a slow password hash would add nothing but
latency to every API request. The whole token is shown once, when it is made.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engage.api.models import TOKEN_SCOPES, ApiToken
from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import User
from engage.auth.permissions import can_write
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db

PREFIX = "eng_"
MAX_DAYS = 366
DEFAULT_DAYS = 90


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(
    actor: Actor, user: User, name: str, scope: str, days: int | None = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """A new token for `user` (the actor, or an admin at the command line); returns it and its text."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name, so you can tell it apart from your others later."
    elif len(name) > 100:
        errors["name"] = "Use at most 100 characters for the name."
    if scope not in TOKEN_SCOPES:
        errors["scope"] = "Choose read, or read and write."
    elif scope == "write" and not can_write(user):
        errors["scope"] = "Your role reads only, so a token of yours cannot write: choose read."
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["days"] = f"A token lasts between 1 and {MAX_DAYS} days."
    if errors:
        raise ValidationError(errors)
    text = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=digest(text),
        prefix=text[:10],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "create", ApiToken, token.id, f"API token “{name}” ({scope}) for {user.email}")
    return token, text


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).scalars()
    )


def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (another's is not found)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or actor.user is None or token.user_id != actor.user.id:
        raise NotFoundError("There is no such token.")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        audit.record(actor, "revoke", ApiToken, token.id, f"API token “{token.name}” revoked")
    return token


def is_live(token: ApiToken, now: datetime) -> bool:
    return (
        token.revoked_at is None
        and (token.expires_at is None or token.expires_at > now)
        and token.user is not None
        and token.user.active
    )


def authenticate(text: str | None) -> ApiToken | None:
    """The live token whose text is `text` (its last use noted), or None."""
    if not text or not text.startswith(PREFIX) or len(text) > 200:
        return None
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == digest(text))).scalar_one_or_none()
    now = datetime.now(UTC)
    if token is None or not is_live(token, now):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now  # at most once a minute: not a write on every read
    return token
