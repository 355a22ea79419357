"""Fixtures of the security suite."""

from tests.security.seeded import world  # noqa: F401  (the seeded demo data and its ids)
