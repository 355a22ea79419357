"""Sign-in, sign-out, the user's own account page and the admin's user management."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engage import transaction
from engage.auth import services, sessions
from engage.auth.forms import EditUserForm, LoginForm, NewUserForm, PasswordForm, TimeZoneForm
from engage.auth.models import User
from engage.auth.permissions import admin_only, personal, public
from engage.dateformats import DATE_FORMATS
from engage.extensions import login_manager
from engage.web import current_actor, paginate, safe_next, submit
from engage.zones import ZONE_COOKIE

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return sessions.load(user_id)


def _throttled(form: LoginForm, minutes: int):
    form.email.errors = [
        f"Too many failed sign-ins from here. Wait {minutes} minute{'s' if minutes != 1 else ''} and try "
        "again, or ask an admin to unlock your account or reset your password."
    ]
    return render_template("auth/login.html", form=form), 429


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("dashboard.home")))
    form = LoginForm(next=request.args.get("next", ""))
    outcome = submit(form, lambda: services.authenticate(current_actor(), form.email.data, form.password.data))
    if outcome.ok and outcome.value and outcome.value.user:
        user = outcome.value.user
        session.clear()  # a fresh session on sign-in: nothing carried over, a new server-side row
        login_user(user)
        if user.must_change_password:
            flash("An admin reset your password: choose your own to go on.", "warning")
            return redirect(url_for("auth.account"))
        return redirect(safe_next(form.next.data, url_for("dashboard.home")))
    if outcome.ok and outcome.value.wait_minutes:
        return _throttled(form, outcome.value.wait_minutes)
    status = outcome.status
    if outcome.ok:  # refused: the failure's count and audit event are kept despite the 401
        transaction.keep()
        form.password.errors = ["The email or password is not right."]
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@personal
def logout():
    services.sign_out(current_user)
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
    return _account_page(
        form,
        TimeZoneForm(formdata=None, time_zone=current_user.time_zone, date_format=current_user.date_format),
        outcome.status,
    )


def _account_page(form, zone_form, status: int):
    return render_template("auth/account.html", form=form, zone_form=zone_form), status


@bp.route("/account/zone", methods=["POST"])
@personal
def account_zone():
    form = TimeZoneForm()
    outcome = submit(
        form,
        lambda: services.set_time_zone(current_actor(), current_user, form.time_zone.data, form.date_format.data),
    )
    if not outcome.ok:
        return _account_page(PasswordForm(formdata=None), form, outcome.status)
    flash(
        f"Times are now shown in {outcome.value.time_zone}, dates as {DATE_FORMATS[outcome.value.date_format]}.",
        "success",
    )
    response = redirect(url_for("auth.account") + "#time-zone")
    response.delete_cookie(ZONE_COOKIE)  # a zone picked on a page before gives way to the account's
    return response


@bp.route("/admin/users")
@admin_only
def users():
    return render_template("auth/users.html", page=paginate(services.users_query()))


def _user_form(form, user: User | None, status: int):
    status_of = services.sign_in_status(user) if user else None
    return render_template("auth/user_form.html", form=form, user=user, sign_in=status_of), status


def _save_user(form, user: User | None, action, message: str):
    """The user form, new (`user` None) or one user's: saved through `action` (one service call),
    then back to the list with `message` about the saved user; or the form again with its messages."""
    outcome = submit(form, action)
    if outcome.ok:
        flash(message.format(user=outcome.value), "success")
        return redirect(url_for("auth.users"))
    return _user_form(form, user, outcome.status)


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


@bp.route("/admin/users/<id:user_id>/unlock", methods=["POST"])
@admin_only
def unlock_user(user_id: int):
    user = services.get_user(user_id)
    services.unlock(current_actor(), user)
    flash(f"Every client may try to sign in as {user.name} again.", "success")
    return redirect(url_for("auth.edit_user", user_id=user.id))


@bp.route("/admin/users/<id:user_id>/reset-password", methods=["POST"])
@admin_only
def reset_password(user_id: int):
    user = services.get_user(user_id)
    temporary = services.reset_password(current_actor(), user)
    # Shown on this page only: not flashed (the session cookie is signed, not encrypted), not stored.
    return render_template("auth/password_reset.html", user=user, temporary=temporary)
