"""Fixtures of the API tests: a token per role, made through the service."""

import pytest

from engage.api.tokens import create_token
from engage.audit.services import Actor
from engage.auth.models import User
from engage.extensions import db


def make_token(app, email: str, scope: str = "read", name: str = "test token", days: int | None = 30) -> str:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one()
        _, text = create_token(Actor(user), user, name, scope, days)
        db.session.commit()
    return text


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def tokens(app, users):
    """{role: read-and-write token (read for the viewer)}, and "<role>-read" read-only ones."""
    made = {}
    for role, email in users.items():
        made[role] = make_token(app, email, "read" if role == "viewer" else "write", f"{role} token")
        made[f"{role}-read"] = make_token(app, email, "read", f"{role} read token")
    return made
