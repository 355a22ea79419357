"""One transaction per request, at the edge (as Indico's request handler does).

The request commits once, after the view has returned a response below 400; any error
response, any exception, or a view that abandoned its work (see `abandon`) rolls back.
Views and services never commit or roll back themselves, so a request that fails half
way leaves nothing written.
"""

from flask import Flask, Response, g

from engage.extensions import db


def abandon() -> None:
    """Discard what this request has written so far, and keep the edge from committing.

    Called where a domain error is turned into a response (a form re-rendered with its
    messages, an error page), so the page that follows shows the records as they were.
    """
    db.session.rollback()
    g.engage_abandoned = True


def keep() -> None:
    """Commit this request's writes even though its response is an error.

    For the few writes that record a refusal itself, e.g. the audit event of a failed sign-in.
    """
    g.engage_keep = True


def end(response: Response) -> Response:
    """after_request: commit a successful request, roll back anything else."""
    if g.get("engage_keep") or (response.status_code < 400 and not g.get("engage_abandoned")):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def register(app: Flask) -> None:
    app.after_request(end)


def listen(*listeners) -> None:
    """Install (event name, function) pairs on every ORM session, once: the session hooks that keep
    derived rows (search index, webhook outbox, outcome counts) in the request's transaction."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
