"""Fixtures of the security suite."""

from tests.test_routes import world  # noqa: F401  (the seeded demo data and an id for every route argument)
