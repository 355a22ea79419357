"""Sign-in, sign-out, the user's own account page and the admin's user management."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engage import transaction
from engage.auth import services
from engage.auth.forms import EditUserForm, LoginForm, NewUserForm, PasswordForm
from engage.auth.models import User
from engage.auth.permissions import admin_only, personal, public
from engage.extensions import db, limiter, login_manager
from engage.ids import as_id
from engage.web import current_actor, paginate, safe_next, submit

bp = Blueprint("auth", __name__)

ACCOUNT_LIMIT = "10 per 15 minutes"
CLIENT_LIMIT = "50 per 15 minutes"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    ident, _, token = user_id.partition(":")
    if (number := as_id(ident)) is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _account_key() -> str:
    return "login-account:" + request.form.get("email", "").strip().lower()


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _throttled(limit):
    form = LoginForm()
    form.email.errors = [
        "Too many failed sign-ins. Wait 15 minutes and try again, or ask an admin to reset your password."
    ]
    return current_app.make_response((render_template("auth/login.html", form=form), 429))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    ACCOUNT_LIMIT,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
    on_breach=_throttled,
    scope="login-account",
)
@limiter.limit(CLIENT_LIMIT, methods=["POST"], deduct_when=_login_failed, on_breach=_throttled, scope="login-client")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("dashboard.home")))
    form = LoginForm(next=request.args.get("next", ""))
    outcome = submit(form, lambda: services.authenticate(current_actor(), form.email.data, form.password.data))
    if outcome.ok and outcome.value:
        session.clear()  # a fresh session on sign-in: nothing carried over
        login_user(outcome.value)
        return redirect(safe_next(form.next.data, url_for("dashboard.home")))
    status = outcome.status
    if outcome.ok:  # refused: the audit event of the failed sign-in is kept despite the 401
        transaction.keep()
        g.login_failed = True
        form.password.errors = ["The email or password is not right."]
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@personal
def logout():
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@personal
def account():
    form = PasswordForm()
    outcome = submit(
        form,
        lambda: services.change_password(
            current_actor(), current_user, form.current_password.data, form.new_password.data
        ),
    )
    if outcome.ok:
        login_user(current_user)  # keep this session; the others end
        flash("Your password is changed. Other sessions have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), outcome.status


@bp.route("/admin/users")
@admin_only
def users():
    return render_template("auth/users.html", page=paginate(services.users_query()))


def _save_user(form, user: User | None, action, message: str):
    """The user form, new (`user` None) or one user's: saved through `action` (one service call),
    then back to the list with `message` about the saved user; or the form again with its messages."""
    outcome = submit(form, action)
    if outcome.ok:
        flash(message.format(user=outcome.value), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user), outcome.status


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = NewUserForm()
    return _save_user(
        form,
        None,
        lambda: services.create_user(
            current_actor(), form.email.data, form.name.data, form.role.data, form.password.data
        ),
        "{user.name} can now sign in as {user.role}.",
    )


@bp.route("/admin/users/<id:user_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = EditUserForm(obj=user)
    return _save_user(
        form,
        user,
        lambda: services.update_user(
            current_actor(), user, form.version.data, form.name.data, form.role.data, form.active.data
        ),
        "{user.name} is saved.",
    )
