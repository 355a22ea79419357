"""Accounts: creating users, signing in, changing passwords and roles."""

import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import Select, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth import sessions, throttle
from engage.auth.models import ROLES, User, random_token
from engage.auth.permissions import locks_self_out
from engage.dateformats import DATE_FORMATS
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.queries import check_version
from engage.validation import Invalid, normalise_zone

MIN_PASSWORD = 10
# Compared against when the email is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = None


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    """Validate an address (syntax only, no DNS) and return its normalised form."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError({"email": str(error)})


def _check_password(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError({field: f"Use at least {MIN_PASSWORD} characters."})


def find_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == (email or "").strip().lower())
    ).scalar_one_or_none()


def first_admin() -> User | None:
    """The longest-standing active admin: whom the command line acts as when told no one else."""
    stmt = select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id).limit(1)
    return db.session.execute(stmt).scalar_one_or_none()


def users_query() -> Select:
    """Every user for the admin's list: active ones first, each group by name."""
    return select(User).order_by(User.active.desc(), User.name, User.id)


def get_user(user_id: int) -> User:
    """The user with this id; NotFoundError when there is none."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError()
    return user


def create_user(actor: Actor, email: str, name: str, role: str, password: str) -> User:
    """Add a user; the email must be new and the password long enough."""
    email = normalise_email(email)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the person's name."
    if role not in ROLES:
        errors["role"] = f"Choose one of: {', '.join(ROLES)}."
    if find_by_email(email):
        errors["email"] = "A user with this email already exists."
    if errors:
        raise ValidationError(errors)
    _check_password(password)
    user = User(email=email, name=name, role=role, active=True, password_hash=_hash(password))
    audit.record_create(actor, user, f"User {email} ({role})")
    return user


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: the user, or the minutes this client must wait, or neither."""

    user: User | None = None
    wait_minutes: int | None = None


def authenticate(actor: Actor, email: str, password: str) -> SignIn:
    """Check the credentials unless this client is held back; on success start a new server-side
    session. Failures are counted (auth/throttle.py) and audited; held-back attempts are neither,
    so a flood of them grows nothing."""
    global _DUMMY_HASH
    wait = throttle.wait_minutes(email, actor.remote_addr)
    if wait:
        return SignIn(wait_minutes=wait)
    user = find_by_email(email)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or _hash(random_token())
        check_password_hash(_DUMMY_HASH, password or "")
        throttle.failed(email, actor.remote_addr)
        audit.record(actor, "login-failed", User, None, f"Unknown email {(email or '')[:100]!r}")
        return SignIn()
    if not user.active or not check_password_hash(user.password_hash, password or ""):
        throttle.failed(email, actor.remote_addr)
        audit.record(actor, "login-failed", User, user.id, f"Wrong password or inactive: {user.email}")
        return SignIn()
    throttle.succeeded(email, actor.remote_addr)
    audit.record(Actor(user, actor.remote_addr), "login", User, user.id, f"Signed in: {user.email}")
    return SignIn(user=sessions.start(user))


def sign_out(user: User) -> None:
    """End this session on the server: its cookie, replayed, signs no one in."""
    sessions.end(user)


def change_password(actor: Actor, user: User, current: str, new: str) -> None:
    """Change a user's own password; every other session of theirs ends."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError({"current_password": "This is not your current password."})
    _check_password(new, "new_password")
    if new == current:
        raise ValidationError({"new_password": "Choose a password different from the current one."})
    user.password_hash = _hash(new)
    user.must_change_password = False
    audit.record_change(actor, "password", user, f"Password changed: {user.email}")
    sessions.end_others(user)  # after the audit: its DELETE flushes the user's changes


def set_time_zone(actor: Actor, user: User, zone: str | None, date_format: str | None = None) -> User:
    """The user's own zone and date format, for the times and dates Engage shows them; an unknown
    zone or format is refused at its field."""
    try:
        user.time_zone = normalise_zone(zone, required=True)
    except Invalid as error:
        raise ValidationError({"time_zone": str(error)})
    if date_format is not None:
        if date_format not in DATE_FORMATS:
            raise ValidationError({"date_format": "Choose one of the date formats listed."})
        user.date_format = date_format
    summary = f"Time zone set to {user.time_zone}, dates as {DATE_FORMATS[user.date_format]}: {user.email}"
    audit.record_change(actor, "update", user, summary)
    return user


def sign_in_status(user: User) -> dict:
    """For the admin's user page: live sessions, and clients held back after failed passwords."""
    return {"sessions": sessions.count(user), "held_clients": throttle.held_clients(user.email)}


def unlock(actor: Actor, user: User) -> None:
    """An admin lets every client try this account again after failed passwords."""
    throttle.unlock(user.email)
    audit.record(actor, "unlock", User, user.id, f"Sign-in unlocked: {user.email}")


def reset_password(actor: Actor, user: User) -> str:
    """An admin replaces a user's password with a temporary one, returned to be shown once: the
    user must change it on first sign-in. Every session of theirs ends and the account is unlocked."""
    if actor.user is not None and actor.user.id == user.id:
        raise ValidationError("Change your own password from your account page.")
    if not user.active:
        raise ValidationError("Reactivate the user before resetting their password.")
    temporary = secrets.token_urlsafe(12)
    user.password_hash = _hash(temporary)
    user.must_change_password = True
    audit.record_change(actor, "password-reset", user, f"Temporary password set by an admin: {user.email}")
    sessions.end_others(user, keep_current=False)
    throttle.unlock(user.email)
    return temporary


def update_user(actor: Actor, user: User, version: int, name: str, role: str, active: bool) -> User:
    """An admin changes a user's name, role or active flag."""
    check_version(user, version, "user")
    if role not in ROLES:
        raise ValidationError({"role": f"Choose one of: {', '.join(ROLES)}."})
    if locks_self_out(actor.user, user, role, active):
        raise ValidationError({"role": "You cannot remove your own admin role or deactivate yourself."})
    if not (name or "").strip():
        raise ValidationError({"name": "Enter the person's name."})
    user.name = name.strip()
    user.role = role
    deactivated = user.active and not active
    user.active = active
    audit.record_change(actor, "update", user, f"User {user.email}")
    if deactivated:
        sessions.end_others(user, keep_current=False)  # signs them out everywhere
    return user
