"""How an API request is let in: a personal access token in `Authorization: Bearer`, never the
session cookie (so there is nothing for a forged cross-site request to ride on), then its scope."""

import time

from flask import Blueprint, current_app, g, request

from engage import transaction
from engage.api import tokens
from engage.api.problems import ApiProblem, from_exception, problem
from engage.audit.services import Actor
from engage.auth.permissions import SAFE_METHODS, can_write
from engage.extensions import limiter

API_PREFIX = "/api/"
OPEN_ENDPOINTS = {"api.openapi", "api.docs"}  # the document and its reference page


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def authenticate_api_request():
    """before_request (after the session gate, before CSRF and rate limits): the token's user is the
    request's user; a missing, unknown, revoked or expired token is 401, a read token writing 403."""
    if not is_api_request() or request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return None
    scheme, _, text = request.headers.get("Authorization", "").partition(" ")
    token = tokens.authenticate(text.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        return problem(401, "Send a live personal access token: Authorization: Bearer eng_…")
    g._login_user = token.user  # flask-login's current_user for this request only; the session is not read
    g.api_token = token
    if request.method not in SAFE_METHODS:
        if not token.writes:
            return problem(403, "This token may only read. Make a read-and-write token to change records.")
        if not can_write(token.user):
            return problem(403, "Your role does not allow changes.")
    return None


def actor() -> Actor:
    token = g.api_token
    return Actor(user=token.user, remote_addr=request.remote_addr, via=token.name)


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_key() -> str:
    token = g.get("api_token")
    return f"api-token:{token.id}" if token is not None else f"api-anonymous:{request.remote_addr}"


def api_blueprint(name: str) -> Blueprint:
    """A blueprint under /api/v1, rate limited per token, its errors as problem details."""
    bp = Blueprint(name, __name__, url_prefix="/api/v1")
    limiter.limit(rate_limit, key_func=rate_key, per_method=False)(bp)

    @bp.errorhandler(ApiProblem)
    def api_problem(error: ApiProblem):
        transaction.abandon()
        return from_exception(error)

    @bp.errorhandler(429)
    def too_many(error):
        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current else 60
        return problem(
            429, "Too many requests with this token. Wait and try again.", headers={"Retry-After": str(wait)}
        )

    return bp
