"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`)."""

from engage.errors import MESSAGES
from engage.errors import problem as base_problem

EXTRA = {
    401: ("Not authenticated", "Send a live personal access token: Authorization: Bearer eng_…"),
    412: ("Precondition failed", "The record changed since you read it (or If-Match was missing); read it again."),
}


class ApiProblem(Exception):
    """An API request refused with `status`: its detail, and field → messages for a 400."""

    def __init__(self, status: int, detail: str | None = None, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail or "")
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def problem(status: int, detail: str | None = None, errors: dict | None = None, headers: dict | None = None):
    if status in EXTRA:
        MESSAGES.setdefault(status, EXTRA[status])
    response = base_problem(status, detail, errors)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="engage"'
    return response


def from_exception(error: ApiProblem):
    return problem(error.status, error.detail, error.errors, error.headers)
