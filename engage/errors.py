"""Error pages and the few app-wide exceptions that services raise."""

from flask import Flask, Response, json, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from engage import transaction
from engage.limits import too_large_message


class DomainError(Exception):
    """Base for errors a service raises and a view turns into a message."""


class ValidationError(DomainError):
    """Input the service refuses; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str] | str, suggestions: dict[str, str] | None = None):
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = errors
        # field → a value the form may offer instead ("Did you mean …?"), shown with the message.
        self.suggestions = suggestions or {}
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))


class ConflictError(DomainError):
    """Someone else saved the record first (optimistic locking)."""

    def __init__(self, message: str = "Someone else changed this record while you were editing it."):
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """The record does not exist, or the acting user may not know that it does (404)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or "")
        self.message = message


class ForbiddenError(DomainError):
    """The acting user's role or relation to the record does not allow this (403)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or "")
        self.message = message


MESSAGES = {
    400: (
        "Bad request",
        "The request could not be understood. If you submitted a form, reload it and try again.",
    ),
    403: ("Not allowed", "Your role does not allow this. Ask an admin if you need access."),
    404: ("Not found", "There is nothing here, or it has been removed."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: (
        "Changed by someone else",
        "This record changed after you opened it. Reload it and make your change again.",
    ),
    413: ("Too large", "The upload is larger than Engage accepts."),
    429: ("Too many attempts", "Too many attempts. Wait a few minutes and try again."),
    500: (
        "Something went wrong",
        "Engage hit an error. Nothing was saved. The team has the details in the log.",
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/healthz") or request.accept_mimetypes.best == "application/json"


def problem(code: int, detail: str | None = None, errors: dict | None = None):
    """An RFC 9457 problem-details response (the JSON API's errors); `errors`: field → message(s)."""
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    body = {"type": "about:blank", "title": title, "status": code, "detail": detail or message}
    if errors:
        body["errors"] = {field or "_form": [m] if isinstance(m, str) else list(m) for field, m in errors.items()}
    return Response(json.dumps(body), status=code, mimetype="application/problem+json")


def render_error(code: int, detail: str | None = None, errors: dict | None = None):
    """The error page, or for htmx a fragment to show in place, or JSON for a JSON client."""
    if request.path.startswith("/api/"):
        return problem(code, detail, errors)
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    if _wants_json():
        return jsonify(error=title, detail=detail or message), code
    template = "_error_fragment.html" if request.headers.get("HX-Request") == "true" else "error.html"
    return render_template(template, code=code, title=title, message=detail or message), code


# Domain errors a service raises: their status, and the message to show.
_DOMAIN = {
    ValidationError: (400, lambda e: " ".join(e.errors.values())),
    ConflictError: (409, lambda e: e.message),
    StaleDataError: (409, lambda e: ConflictError().message),
    NotFoundError: (404, lambda e: e.message),
    ForbiddenError: (403, lambda e: e.message),
}


def _domain_of(error: Exception):
    """The entry for a domain error or a subclass of one (e.g. briefings' NotFound)."""
    return next(entry for kind, entry in _DOMAIN.items() if isinstance(error, kind))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "The form expired or was not sent from Engage (missing security token). Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # a ready response, e.g. the login page on throttling
            return error.response
        if error.code == 413:
            return render_error(413, too_large_message())
        if error.code in MESSAGES:
            return render_error(error.code, None)
        return error

    # Domain errors a service raises outside a form (see web.submit for those inside one):
    # the request's writes are abandoned and the error becomes its page, app-wide.
    def domain_error(error: Exception):
        transaction.abandon()
        status, detail = _domain_of(error)
        return render_error(status, detail(error), getattr(error, "errors", None))

    for kind in _DOMAIN:
        app.register_error_handler(kind, domain_error)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        transaction.abandon()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
