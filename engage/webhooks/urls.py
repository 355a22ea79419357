"""Where a webhook may be sent: an `https` URL whose host resolves only to public addresses.

Checked when a subscription is saved or enabled, and again before every delivery (a name that
resolved to a public address at save time may point inside the network later: DNS rebinding);
the delivery then connects to the very address checked. A host an admin allowed explicitly
(`allowed_host`) skips the address rule and may use `http`: an internal receiver, or the tests'
local one.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from engage.errors import ValidationError

URL_LIMIT = 500
HOST_LIMIT = 255


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    addresses: tuple[str, ...]  # what the host resolved to, each one checked


class RefusedURL(ValueError):
    """The URL may not be delivered to; the message says why, for the form or the delivery log."""


def clean_host(value: str) -> str:
    """An allowed-host entry as typed: a bare host name or address (no scheme, port or path)."""
    host = (value or "").strip().lower().rstrip(".")
    if not host:
        return ""
    if len(host) > HOST_LIMIT or (any(c in host for c in "/:@ ?#") and not _is_ip(host)):
        raise ValidationError({"allowed_host": "Enter a host name or address alone, e.g. hooks.internal or 127.0.0.1."})
    return host


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_unspecified)


def resolve(url: str, allowed_host: str = "") -> Target:
    """The checked target of `url`, or RefusedURL saying why it may not be used."""
    url = (url or "").strip()
    if not url:
        raise RefusedURL("Enter the address to send events to.")
    if len(url) > URL_LIMIT:
        raise RefusedURL(f"Keep the address under {URL_LIMIT} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedURL("This is not a valid address (check the port).") from None
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("https", "http") or not host:
        raise RefusedURL("Enter a full https:// address, e.g. https://hooks.example.org/engage.")
    if parts.username or parts.password:
        raise RefusedURL("Put no user name or password in the address; receivers check the signature instead.")
    allowed = bool(allowed_host) and host == allowed_host.strip().lower().rstrip(".")
    if parts.scheme != "https" and not allowed:
        raise RefusedURL("Only https:// addresses are accepted (unless an admin allows this host explicitly).")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise RefusedURL(f"The host {host} does not resolve to any address.") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not allowed:
        for address in addresses:
            if not _public(address):
                raise RefusedURL(
                    f"{host} resolves to {address}, a loopback, private, link-local or reserved address: "
                    "webhooks go to public addresses only (unless an admin allows this host explicitly)."
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses)


def check(url: str, allowed_host: str = "") -> Target:
    """`resolve`, its refusal as a ValidationError on the form's url field."""
    try:
        return resolve(url, allowed_host)
    except RefusedURL as refused:
        raise ValidationError({"url": str(refused)}) from None
