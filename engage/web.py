"""Small helpers that views share: the acting user, safe redirects, pagination, form posts."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import FieldList, FormField

from engage import queries, transaction
from engage.audit.services import Actor
from engage.errors import ConflictError, ValidationError
from engage.extensions import db
from engage.fulltext.query import CAP
from engage.ids import as_number


def current_actor() -> Actor:
    return Actor(user=current_user if current_user.is_authenticated else None, remote_addr=request.remote_addr)


def safe_next(target: str | None, default: str) -> str:
    """Honour `next` only for a path on this site (no scheme, no host, no `//`)."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target


def base_url() -> str:
    """The address links should use: ENGAGE_BASE_URL when set, else the one this request came to."""
    return current_app.config["BASE_URL"] or request.url_root.rstrip("/")


def page_number() -> int:
    return as_number(request.args.get("page", "1"), low=1) or 1  # junk or out of range: the first page


def paginate(stmt: Select, per_page: int | None = None) -> queries.Page:
    """One page of `stmt`, the page number taken from the request. A list filtered by its `q` holds
    at most the search's CAP matches (`fulltext.query.record_ids`): at the cap it says "300+"."""
    page = queries.paginate(stmt, page_number(), per_page)
    page.capped = bool((request.args.get("q") or "").strip()) and page.total >= CAP
    return page


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_form_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the matching form fields (and its suggestions,
    as `form.suggestions`, for the template to offer)."""
    form.suggestions = dict(error.suggestions)
    for field, message in error.errors.items():
        target = getattr(form, field, None) if field else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
        else:
            form.form_errors.append(message)


NUL = "This contains a NUL character (\\0), which Engage cannot store. Remove it and send the form again."


def refuse_nul(form) -> bool:
    """Mark each field whose posted text holds a NUL byte (PostgreSQL cannot store one in text,
    so it would be a 500 there; SQLite is held to the same rule). True when any did."""
    found = False
    for field in _leaf_fields(form):
        if any(isinstance(v, str) and "\x00" in v for v in field.raw_data or ()):
            field.errors = [*list(field.errors or []), NUL]
            found = True
    return found


def _leaf_fields(fields):
    """Every field of a form, into its FieldLists and FormFields (participant rows and the like)."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from _leaf_fields(field.entries)
        elif isinstance(field, FormField):
            yield from _leaf_fields(field.form)
        else:
            yield field


@dataclass
class Outcome:
    """What `submit` did: `ok` with the service's return value, or the status to render with.

    `conflict` holds the message when someone else saved first (status 409).
    """

    ok: bool
    status: int
    value: object = None
    conflict: str | None = None


def submit(form, action) -> Outcome:
    """The one way a form POST is handled: validate `form`, then run `action()` (one service call).

    A GET is 200 and an invalid POST 400, with nothing run. A ValidationError from the service
    lands next to the form's fields (400); a ConflictError or a stale version (someone saved
    first) is shown above the form (409). Either way the request's writes are abandoned, so the
    page re-rendered after it shows the records as they were. On `ok` the edge commits when the
    view returns (see `engage.transaction`); the view redirects, or re-renders with `status`.
    """
    if not form.validate_on_submit():
        return Outcome(False, 400 if request.method == "POST" else 200)
    if refuse_nul(form):
        return Outcome(False, 400)
    try:
        value = action()
        db.session.flush()  # a stale version surfaces here, while the form can still show it
    except ValidationError as error:
        transaction.abandon()
        form.service_error = error  # for pages that show more than messages (e.g. likely duplicates)
        apply_form_errors(form, error)
        return Outcome(False, 400)
    except (ConflictError, StaleDataError) as error:
        transaction.abandon()
        message = error.message if isinstance(error, ConflictError) else ConflictError().message
        form.form_errors.append(message)
        return Outcome(False, 409, conflict=message)
    return Outcome(True, 200, value)


def switch_routes(bp, prefix: str, states: dict[str, bool], handler, *decorators) -> None:
    """One POST route per state of an on/off switch, e.g. {"archive": True, "restore": False}:
    POST `prefix`/archive calls handler(<the path's ids>…, True). `decorators` (an access level)
    apply to each route; the endpoint is the state's name."""
    for name, state in states.items():

        def view(_state=state, **ids):
            return handler(*ids.values(), _state)

        view.__name__ = view.__qualname__ = name
        for decorate in reversed(decorators):
            view = decorate(view)
        bp.add_url_rule(f"{prefix}/{name}", endpoint=name, view_func=view, methods=["POST"])


def saved_or_form(outcome: Outcome, endpoint: str, id_arg: str, template: str, **context):
    """The end of a record's form view: saved, say so and go to the record's page (`endpoint`,
    the record's id as `id_arg`); otherwise show the form again with the outcome's status."""
    if outcome.ok:
        flash(f"“{outcome.value.name}” is saved.", "success")
        return redirect(url_for(endpoint, **{id_arg: outcome.value.id}))
    return render_template(template, **context), outcome.status
