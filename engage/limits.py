"""How much a request may send: refused with 413 before a byte of the body is parsed.

`MAX_CONTENT_LENGTH` (the whole body) and `MAX_FORM_MEMORY_SIZE` (any one non-file field) apply
to every request: Werkzeug checks the declared length before reading, and stops a chunked body
as soon as it passes the limit. A route that takes an upload declares its own limit with
`@upload_limit(config_key)`; the hook below applies it before CSRF (the first reader of the form).
"""

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

_LIMIT = "_engage_upload_limit"
DOCUMENT_MAX_BYTES = 25 * 1024 * 1024  # one uploaded document or emailed message (ENGAGE_DOCUMENT_MAX_BYTES)
FORM_OVERHEAD = 64 * 1024  # the other fields of an upload form (token, hidden values)


def upload_limit(config_key: str, copies: int = 1):
    """Mark a view as taking an upload of at most config[`config_key`] bytes; `copies` counts a
    file the form also sends back (e.g. base64 in a hidden field on a confirm step)."""

    def mark(view):
        setattr(view, _LIMIT, (config_key, copies))
        return view

    return mark


def limit_for(view) -> int | None:
    """The body limit a view declared, in bytes (None: the app-wide MAX_CONTENT_LENGTH)."""
    declared = getattr(view, _LIMIT, None)
    if declared is None:
        return None
    key, copies = declared
    return current_app.config[key] * copies + FORM_OVERHEAD


def apply_route_limit() -> None:
    """before_request: the matched route's own body limit, set before anything reads the body.

    A body sent without a length (chunked) is read here up to the limit: Werkzeug would stop
    there silently and parse a truncated form; a body that reaches the limit is refused (413).
    """
    view = current_app.view_functions.get(request.endpoint or "")
    limit = limit_for(view) if view is not None else None
    if limit is not None:
        request.max_content_length = limit
        request.max_form_memory_size = limit
    if request.content_length is None and request.max_content_length and "wsgi.input_terminated" in request.environ:
        request.get_data(cache=True, parse_form_data=False)
        if isinstance(request.stream, LimitedStream) and request.stream.is_exhausted:
            raise RequestEntityTooLarge()


def too_large_message() -> str:
    """What the 413 page says: the limit that applied to this request."""
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return "The request is larger than Engage accepts."
    size = f"{limit / 1024 / 1024:.1f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return (
        f"The request is larger than Engage accepts here ({size}); nothing was read or saved. "
        "Send a smaller file or less text."
    )


def register(app: Flask) -> None:
    app.before_request(apply_route_limit)
