"""Your personal access tokens for the JSON API: made (shown once), listed, revoked."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.api import tokens
from engage.api.forms import TokenForm
from engage.auth.permissions import personal
from engage.ids import as_id
from engage.web import current_actor, submit

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


def _page(form: TokenForm, status: int = 200, new_token: str | None = None):
    return render_template(
        "api/tokens.html", form=form, tokens=tokens.tokens_of(current_user), new_token=new_token
    ), status


@bp.route("", methods=["GET", "POST"])
@personal
def index():
    if (revoking := as_id(request.form.get("revoke"))) is not None:  # a token's Revoke button
        token = tokens.revoke_token(current_actor(), revoking)
        flash(f"The token “{token.name}” is revoked: requests with it are refused from now on.", "success")
        return redirect(url_for("api_tokens.index"))
    form = TokenForm()
    outcome = submit(
        form,
        lambda: tokens.create_token(current_actor(), current_user, form.name.data, form.scope.data, form.days.data),
    )
    if outcome.ok and outcome.status == 200 and form.is_submitted():
        _, text = outcome.value
        return _page(TokenForm(formdata=None), 200, new_token=text)  # the only time it is shown
    return _page(form, outcome.status)
