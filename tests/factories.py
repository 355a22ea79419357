"""Factories: make one record with sensible defaults; tests override what matters to them."""

import itertools

from werkzeug.security import generate_password_hash

from engage.auth.models import User
from engage.extensions import db
from tests.conftest import FAST_HASH, PASSWORD

_seq = itertools.count(1)


def make_user(role: str = "editor", email: str | None = None, name: str | None = None, **kw) -> User:
    n = next(_seq)
    user = User(
        email=email or f"{role}{n}@test.example",
        name=name or f"{role.capitalize()} {n}",
        role=role,
        active=kw.pop("active", True),
        password_hash=generate_password_hash(kw.pop("password", PASSWORD), method=FAST_HASH),
        **kw,
    )
    db.session.add(user)
    db.session.flush()
    return user
