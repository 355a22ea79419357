"""`Server-Timing` on every response when ENGAGE_SERVER_TIMING is set: the SQL statements the request
ran and the time spent in them, and the whole request's time, as browsers' developer tools show it
(and as bench/pages.py reads it to report statements per page). Off by default: it names nothing
secret, but a production server has no reason to describe its work."""

import time

from flask import Flask, g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _before(conn, cursor, statement, parameters, context, executemany):
    if has_app_context() and "timing_started" in g:
        conn.info.setdefault("timing_query_started", []).append(time.perf_counter())


def _after(conn, cursor, statement, parameters, context, executemany):
    if has_app_context() and "timing_started" in g:
        started = conn.info["timing_query_started"].pop()
        g.timing_statements += 1
        g.timing_sql += time.perf_counter() - started


def _start():
    g.timing_started, g.timing_statements, g.timing_sql = time.perf_counter(), 0, 0.0


def _header(response):
    if "timing_started" in g:
        total = (time.perf_counter() - g.timing_started) * 1000
        response.headers["Server-Timing"] = (
            f'db;desc="{g.timing_statements} statements";dur={g.timing_sql * 1000:.1f}, app;dur={total:.1f}'
        )
    return response


def register(app: Flask) -> None:
    if not app.config.get("SERVER_TIMING"):
        return
    if not event.contains(Engine, "before_cursor_execute", _before):
        event.listen(Engine, "before_cursor_execute", _before)
        event.listen(Engine, "after_cursor_execute", _after)
    app.before_request(_start)
    app.after_request(_header)
