"""Accounts: creating users, signing in, changing passwords and roles."""

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import Select, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from engage.audit import services as audit
from engage.audit.services import Actor
from engage.auth.models import ROLES, User, random_token
from engage.auth.permissions import locks_self_out
from engage.errors import NotFoundError, ValidationError
from engage.extensions import db
from engage.queries import check_version

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


def authenticate(actor: Actor, email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Both outcomes are audited."""
    global _DUMMY_HASH
    user = find_by_email(email)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or _hash(random_token())
        check_password_hash(_DUMMY_HASH, password or "")
        audit.record(actor, "login-failed", User, None, f"Unknown email {email[:100]!r}")
        return None
    if not user.active or not check_password_hash(user.password_hash, password or ""):
        audit.record(actor, "login-failed", User, user.id, f"Wrong password or inactive: {user.email}")
        return None
    audit.record(Actor(user, actor.remote_addr), "login", User, user.id, f"Signed in: {user.email}")
    return user


def change_password(actor: Actor, user: User, current: str, new: str) -> None:
    """Change a user's own password; every other session of theirs ends."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError({"current_password": "This is not your current password."})
    _check_password(new, "new_password")
    user.password_hash = _hash(new)
    user.session_token = random_token()
    audit.record_change(actor, "password", user, f"Password changed: {user.email}")


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
    if user.active and not active:
        user.session_token = random_token()  # signs them out everywhere
    user.active = active
    audit.record_change(actor, "update", user, f"User {user.email}")
    return user
