"""A large import as a task: the confirmed upload imported by a worker, all or nothing, in one
transaction of its own (this is an edge, like the CLI), its progress and outcome in the upload's
notes for the import page to show. The web worker that took the confirmation answers at once."""

from flask import current_app

from engage import tasks
from engage.audit.services import Actor
from engage.auth.models import User
from engage.extensions import db
from engage.transfer import steps


@tasks.task()
def import_upload(kind: str, token: str, user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    steps.run_import(Actor(user, None), current_app.instance_path, kind, token, db.session.commit, db.session.rollback)
