"""Which URLs may receive outgoing webhooks: no SSRF into the account.

In AWS an endpoint is ``https://`` and every address its host resolves to is a
public one: private, loopback, link-local (the instance metadata service),
multicast, reserved and unspecified addresses are refused, at registration and
again before every delivery (the host is resolved again, and the delivery
connects to the address that was checked, so a name cannot be re-pointed in
between). The local stack allows ``http://127.0.0.1``, ``http://localhost`` and
``http://[::1]`` besides: loopback, and nothing else private.
Redirects are never followed (``helpdesk.providers.webhook_http``).
"""

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from helpdesk.errors import HelpdeskError

MAX_URL_LENGTH = 2048
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

# host, port → the addresses it resolves to (none: it does not resolve)
Resolver = Callable[[str, int], Sequence[str]]


class UrlNotAllowed(HelpdeskError):
    """Not an https URL (or, locally, an http one on loopback), or carries credentials."""

    message_key = "error.webhook_url_not_allowed"


class PrivateAddress(HelpdeskError):
    """The host is, or resolves to, an address deliveries may not reach."""

    message_key = "error.webhook_private_address"


class HostNotFound(HelpdeskError):
    message_key = "error.webhook_host_not_found"


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (one of ``addresses``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def check_url(url: str, allow_loopback: bool) -> tuple[str, str, int, str]:
    """The URL's scheme, host, port and path, if its form is allowed (no lookup)."""
    if len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        raise UrlNotAllowed(url[:80])
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlNotAllowed("unreadable") from exc
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise UrlNotAllowed("host, credentials or fragment")
    local = allow_loopback and host in LOOPBACK_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise UrlNotAllowed("scheme")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def refused(address: str, allow_loopback: bool) -> bool:
    """Whether deliveries may not reach ``address``."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return not allow_loopback
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private


def vet(url: str, allow_loopback: bool, resolve: Resolver) -> Target:
    """The URL checked, its host resolved now: every address must be allowed."""
    scheme, host, port, path = check_url(url, allow_loopback)
    literal = _literal(host)
    if literal is not None:
        addresses: tuple[str, ...] = (literal,)
    else:
        addresses = tuple(dict.fromkeys(resolve(host, port)))
    if not addresses:
        raise HostNotFound(host)
    if any(refused(address, allow_loopback) for address in addresses):
        raise PrivateAddress(host)
    if allow_loopback and host not in LOOPBACK_HOSTS and all(refused(a, False) for a in addresses):
        raise PrivateAddress(host)  # locally too, only the loopback names reach loopback
    return Target(scheme, host, port, path, addresses)


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None
