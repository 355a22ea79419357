"""One signed POST (Standard Webhooks): to the checked address itself, with a timeout, no redirects."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime

from standardwebhooks.webhooks import Webhook

from engage.webhooks.urls import Target

READ_LIMIT = 4096  # of a receiver's answer: only its status matters


@dataclass
class Answer:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _Pinned:
    """Connect to `address` (the one checked), while Host, SNI and the certificate name the host."""

    address: str

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        if isinstance(self, http.client.HTTPSConnection):
            self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass


def headers(secret: str, message_id: str, when: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with the subscription's secret."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, body),
    }


def post(target: Target, signed: dict[str, str], body: str, timeout: float) -> Answer:
    started = time.perf_counter()
    status, error = None, ""
    connection_class = PinnedHTTPS if target.scheme == "https" else PinnedHTTP
    kwargs = {"context": ssl.create_default_context()} if target.scheme == "https" else {}
    connection = connection_class(target.host, target.port, timeout=timeout, **kwargs)
    connection.address = target.addresses[0]
    try:
        connection.request(
            "POST",
            target.path,
            body=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": "Engage-Webhooks/1", **signed},
        )
        response = connection.getresponse()
        response.read(READ_LIMIT)
        status = response.status
    except (OSError, http.client.HTTPException, ssl.SSLError) as failure:
        error = f"{type(failure).__name__}: {failure}"[:300] if str(failure) else type(failure).__name__
    finally:
        connection.close()
    return Answer(status, error, int((time.perf_counter() - started) * 1000))
