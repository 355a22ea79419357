"""Deterministic synthetic demo data, written with bulk inserts in one transaction."""

import random
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from engage.auth.models import User, random_token
from engage.extensions import db
from engage.mixins import utcnow

DEMO_USERS = [
    ("admin@example.org", "Ada Admin", "admin"),
    ("editor@example.org", "Eddie Editor", "editor"),
    ("viewer@example.org", "Vera Viewer", "viewer"),
]


@dataclass
class Context:
    """What one seeding step hands to the next: the random source and the ids made so far."""

    rng: random.Random
    people: int
    password: str
    ids: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def bulk_insert(model, rows: list[dict], chunk: int = 5000) -> None:
    """Insert many rows with executemany, in chunks to bound memory."""
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[start : start + chunk])


def seed_users(ctx: Context) -> None:
    now = utcnow()
    password_hash = generate_password_hash(ctx.password, method=current_app.config["PASSWORD_HASH_METHOD"])
    staff = list(DEMO_USERS)
    # More staff, so owners and assignees are spread across a realistic team.
    first = ["Priya", "Tomás", "Aoife", "Kwame", "Mei", "Jonas", "Fatima", "Luca", "Sofia", "Daniel"]
    last = ["Sharma", "García", "Murphy", "Mensah", "Chen", "Berg", "Haddad", "Rossi", "Novak", "Kim"]
    for i in range(12):
        name = f"{first[i % len(first)]} {last[(i * 3) % len(last)]}"
        role = "editor" if i % 3 else "viewer"
        staff.append((f"staff{i + 1}@example.org", name, role))
    rows = [
        dict(
            email=email,
            name=name,
            role=role,
            active=True,
            password_hash=password_hash,
            session_token=random_token(),
            version=1,
            created_at=now,
            updated_at=now,
        )
        for email, name, role in staff
    ]
    bulk_insert(User, rows)
    ctx.ids["users"] = list(db.session.execute(select(User.id).order_by(User.id)).scalars())
    ctx.ids["editors"] = list(
        db.session.execute(select(User.id).where(User.role != "viewer").order_by(User.id)).scalars()
    )
    ctx.counts["users"] = len(rows)


# Each later feature adds its step here, in dependency order.
STEPS = [seed_users]


def database_is_empty() -> bool:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def seed(people: int = 1000, password: str = "engage-demo", seed_value: int = 20261125) -> dict[str, int]:  # noqa: S107
    """Fill an empty database with the demo data set; returns the row counts written."""
    if not database_is_empty():
        raise RuntimeError("The database already has users; seed-demo only fills an empty database.")
    ctx = Context(rng=random.Random(seed_value), people=people, password=password)
    for step in STEPS:
        step(ctx)
    db.session.flush()
    return ctx.counts
