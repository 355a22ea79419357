"""Server-Timing (engage/timing.py): off by default; when on, each response says how many SQL
statements it ran, which bench/pages.py reports per page."""

import re

from engage import create_app
from tests.conftest import _config, emptied, fresh_app, login


def test_no_server_timing_by_default(app, client):
    assert "Server-Timing" not in client.get("/login").headers


def test_server_timing_counts_the_statements_of_a_page(database, tmp_path):
    app = fresh_app(database, tmp_path)
    timed = create_app({**_config(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path)), "SERVER_TIMING": True})
    try:
        from engage.extensions import db
        from tests.factories import make_person, make_user

        with timed.app_context():
            email = make_user(role="editor").email
            for n in range(3):
                make_person(name=f"Timed Person {n}")
            db.session.commit()
        client = timed.test_client()
        login(client, email)
        header = client.get("/people").headers["Server-Timing"]
        found = re.fullmatch(r'db;desc="(\d+) statements";dur=[\d.]+, app;dur=[\d.]+', header)
        assert found, header
        assert int(found.group(1)) > 1  # the page's own queries, at least its rows and their count
    finally:
        emptied(timed, database)
