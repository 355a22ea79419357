"""An out-of-the-box Flask-Admin list of Engage's `people` table, for `bench/admin_compare.py`:
the same database, engine settings (SQLite WAL and busy timeout, PostgreSQL without JIT) and
page size as Engage's /people, and Flask-Admin's stock `ModelView` with nothing tuned. Served by
gunicorn exactly as Engage is (`bench.admin_app:app`)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView

from engage import config, models, sqlite  # noqa: F401  (the whole schema, as Engage maps it)
from engage.extensions import db
from engage.people.models import Person


def create() -> Flask:
    app = Flask(__name__)
    instance = os.environ.get("ENGAGE_INSTANCE", os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"))
    settings = config.load(instance, {"TESTING": True})  # the database URL and engine options only
    app.config.update(
        SECRET_KEY=os.environ["SECRET_KEY"],
        SQLALCHEMY_DATABASE_URI=settings["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS=settings["SQLALCHEMY_ENGINE_OPTIONS"],
    )
    sqlite.install()
    db.init_app(app)
    admin = Admin(app, name="Flask-Admin")
    view = ModelView(Person, db.session, name="People", endpoint="person")
    view.page_size = app.config.get("ADMIN_PAGE_SIZE", 25)  # Engage's PAGE_SIZE, so both pages show 25 rows
    admin.add_view(view)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


app = create()
