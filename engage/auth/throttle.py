"""Holding back password guessing, in a store every worker shares.

Failed sign-ins are counted over a sliding window (LOGIN_WINDOW_MINUTES, 15) per pair of
account and client (LOGIN_PAIR_LIMIT, 10) and per client (LOGIN_CLIENT_LIMIT, 50). A client
over either count is refused before its password is even checked; nothing is counted per
account alone, so nobody can lock the real user out from another client. An admin's unlock
clears an account's pairs. The client is the request's address (an IPv6 client's /64, which
one host can hold whole), so behind a proxy TRUSTED_PROXIES must be set (see config.py).

The store is the database (table `login_failures`, old rows cleared as new ones come) unless
LOGIN_THROTTLE_STORAGE names a `limits` storage such as redis://host:6379.
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from engage.auth.models import LoginFailure
from engage.extensions import db
from engage.mixins import utcnow


def client_key(remote_addr: str | None) -> str:
    """The client a failure counts against: the IPv4 address, or the IPv6 /64."""
    try:
        address = ipaddress.ip_address((remote_addr or "").strip())
    except ValueError:
        return (remote_addr or "unknown")[:64]
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def account_key(email: str | None) -> str:
    return (email or "").strip().lower()[:254]


@dataclass(frozen=True)
class Limits:
    pair: int
    client: int
    window: timedelta

    @classmethod
    def from_config(cls) -> "Limits":
        config = current_app.config
        return cls(
            int(config["LOGIN_PAIR_LIMIT"]),
            int(config["LOGIN_CLIENT_LIMIT"]),
            timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"])),
        )


class DatabaseStore:
    """Failures as rows, written in the request's transaction (the login view keeps it on a 401)."""

    def retry_at(self, limits: Limits, account: str, client: str) -> datetime | None:
        since = utcnow() - limits.window
        for condition, limit in (
            ((LoginFailure.account == account, LoginFailure.client == client), limits.pair),
            ((LoginFailure.client == client,), limits.client),
        ):
            # The failure whose ageing-out brings the count back under the limit.
            stmt = (
                select(LoginFailure.failed_at)
                .where(*condition, LoginFailure.failed_at > since)
                .order_by(LoginFailure.failed_at.desc())
                .offset(limit - 1)
                .limit(1)
            )
            oldest = db.session.execute(stmt).scalar_one_or_none()
            if oldest is not None:
                return oldest + limits.window
        return None

    def failed(self, limits: Limits, account: str, client: str) -> None:
        now = utcnow()
        db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - limits.window))
        db.session.add(LoginFailure(account=account, client=client, failed_at=now))

    def succeeded(self, limits: Limits, account: str, client: str) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.account == account, LoginFailure.client == client))

    def held_clients(self, limits: Limits, account: str) -> int:
        stmt = (
            select(LoginFailure.client)
            .where(LoginFailure.account == account, LoginFailure.failed_at > utcnow() - limits.window)
            .group_by(LoginFailure.client)
            .having(func.count() >= limits.pair)
        )
        return len(db.session.execute(stmt).all())

    def unlock(self, limits: Limits, account: str) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.account == account))


class LimitsStore:
    """Failures in a `limits` storage (Redis, Memcached …), as moving windows.

    An unlock bumps the account's generation, which is part of every pair key, so the pairs of
    every client are forgotten at once without listing keys."""

    def __init__(self, uri: str):
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self.storage = storage_from_string(uri)
        self.strategy = MovingWindowRateLimiter(self.storage)

    def _items(self, limits: Limits, account: str, client: str):
        from limits import RateLimitItemPerSecond

        seconds = int(limits.window.total_seconds())
        generation = str(self.storage.get(f"engage-login-gen/{account}"))
        pair = RateLimitItemPerSecond(limits.pair, seconds, namespace="engage-login-pair")
        return (
            (pair, (generation, account, client)),
            (RateLimitItemPerSecond(limits.client, seconds, namespace="engage-login-client"), (client,)),
        )

    def retry_at(self, limits: Limits, account: str, client: str) -> datetime | None:
        for item, keys in self._items(limits, account, client):
            if not self.strategy.test(item, *keys):
                reset = self.strategy.get_window_stats(item, *keys).reset_time
                return datetime.fromtimestamp(reset, utcnow().tzinfo)
        return None

    def failed(self, limits: Limits, account: str, client: str) -> None:
        for item, keys in self._items(limits, account, client):
            self.strategy.hit(item, *keys)

    def succeeded(self, limits: Limits, account: str, client: str) -> None:
        item, keys = self._items(limits, account, client)[0]
        self.strategy.clear(item, *keys)

    def held_clients(self, limits: Limits, account: str) -> int:
        return 0  # not countable without listing keys; the unlock works all the same

    def unlock(self, limits: Limits, account: str) -> None:
        self.storage.incr(f"engage-login-gen/{account}", int(limits.window.total_seconds()) * 2)


def _store():
    uri = current_app.config.get("LOGIN_THROTTLE_STORAGE") or "database"
    if uri == "database":
        return DatabaseStore()
    stores = current_app.extensions.setdefault("engage_login_throttle", {})
    if uri not in stores:
        stores[uri] = LimitsStore(uri)
    return stores[uri]


def wait_minutes(email: str, remote_addr: str | None) -> int | None:
    """Minutes until this client may try this account again, or None when it may now."""
    at = _store().retry_at(Limits.from_config(), account_key(email), client_key(remote_addr))
    if at is None:
        return None
    return max(1, math.ceil((at - utcnow()).total_seconds() / 60))


def failed(email: str, remote_addr: str | None) -> None:
    """Count a wrong password (or an unknown email) from this client."""
    _store().failed(Limits.from_config(), account_key(email), client_key(remote_addr))


def succeeded(email: str, remote_addr: str | None) -> None:
    """The right password: this client's failures on this account are forgotten."""
    _store().succeeded(Limits.from_config(), account_key(email), client_key(remote_addr))


def held_clients(email: str) -> int:
    """How many clients are held back from this account now (for the admin's user page)."""
    return _store().held_clients(Limits.from_config(), account_key(email))


def unlock(email: str) -> None:
    """Let every client try this account again (an admin's unlock; a password reset)."""
    _store().unlock(Limits.from_config(), account_key(email))
