"""Small helpers that views share: the acting user, safe redirects, pagination."""

from dataclasses import dataclass
from math import ceil
from urllib.parse import urlsplit

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import Select, func, select

from engage.audit.services import Actor
from engage.errors import ConflictError, ValidationError
from engage.extensions import db


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


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def paginate(stmt: Select, page: int | None = None, per_page: int | None = None) -> Page:
    """Run `stmt` for one page plus one COUNT: two statements whatever the data size."""
    page = page or page_number()
    per_page = per_page or current_app.config["PAGE_SIZE"]
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    pages = max(1, ceil(total / per_page))
    page = min(page, pages)
    items = list(db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars().unique())
    return Page(items=items, page=page, per_page=per_page, total=total)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % and _ taken literally (escape '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def apply_form_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the matching form fields."""
    for field, message in error.errors.items():
        target = getattr(form, field, None) if field else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
        else:
            form.form_errors.append(message)


@dataclass
class Outcome:
    """What `submit` did: `ok` with the service's return value, or the status to render with."""

    ok: bool
    status: int
    value: object = None


def submit(form, action) -> Outcome:
    """Validate `form` and, if it is valid, run `action()` (one service call) and commit.

    A ValidationError from the service rolls back and lands next to the form's fields
    (status 400); a ConflictError (someone saved first) rolls back and is shown above the
    form (409); an invalid POST is 400; a GET is 200. The view redirects on `ok` and
    otherwise re-renders the form with `status`.
    """
    if not form.validate_on_submit():
        return Outcome(False, 400 if request.method == "POST" else 200)
    try:
        value = action()
    except ValidationError as error:
        db.session.rollback()
        apply_form_errors(form, error)
        return Outcome(False, 400)
    except ConflictError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return Outcome(False, 409)
    db.session.commit()
    return Outcome(True, 200, value)
