"""Links a customer opens without an account: signed (HMAC-SHA256 with a key
the table keeps), expiring, and for status pages revocable per ticket.

A link's token is ``<purpose>.<ticket id>.<issued>.<expires>[.<extra>].<signature>``
(issued in epoch milliseconds, expiry in seconds, base 36). The purpose is signed too, so a survey
link never opens a status page. A token changed in any character, signed with
another key or past its expiry is refused with the reason (the page says it in
both languages); a status link issued before its ticket's revocation is refused.
"""

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from helpdesk.errors import HelpdeskError

STATUS_LINK_LIFETIME = timedelta(days=30)
STATUS_PAGE_PATH = "/api/public/status/"
_SIGNATURE_CHARS = 32


class LinkPurpose(StrEnum):
    STATUS = "st"
    SURVEY = "sv"


class LinkProblem(StrEnum):
    TAMPERED = "tampered"
    EXPIRED = "expired"
    REVOKED = "revoked"


class LinkRefused(HelpdeskError):
    """A customer link that is not ours, or no longer valid."""

    message_key = "error.link_refused"

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class LinkKeys(Protocol):
    def customer_link_key(self) -> str | None: ...

    def create_customer_link_key(self, secret: str, at: datetime) -> bool: ...


class RevokedLinks(LinkKeys, Protocol):
    def status_links_revoked_before(self, ticket_id: str) -> datetime | None: ...


@dataclass(frozen=True)
class SignedLink:
    purpose: LinkPurpose
    ticket_id: str
    issued_at: datetime
    expires_at: datetime
    extra: str = ""


_keys: dict[str, bytes] = {}  # table name → key
_lock = threading.Lock()


def signing_key(store: LinkKeys, now: datetime) -> bytes:
    """The key every function signs with: read once per process; the first
    function ever to need it makes it (a conditional write: one key wins)."""
    table = str(getattr(getattr(store, "settings", None), "table_name", ""))
    with _lock:
        cached = _keys.get(table)
        if cached is not None:
            return cached
        secret = store.customer_link_key()
        if secret is None:
            store.create_customer_link_key(secrets.token_hex(32), now)
            secret = store.customer_link_key()
        if secret is None:  # pragma: no cover - the write above or another's is there
            raise RuntimeError("no customer link key")
        key = bytes.fromhex(secret)
        _keys[table] = key
        return key


def forget_signing_key() -> None:
    """Drop the kept key (tests: a fresh table has none, or another)."""
    with _lock:
        _keys.clear()


def _b36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
        if not value:
            return out


def _signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:_SIGNATURE_CHARS]


def sign(store: LinkKeys, link: SignedLink, now: datetime) -> str:
    parts = [link.purpose.value, link.ticket_id, _b36(int(link.issued_at.timestamp() * 1000)),
             _b36(int(link.expires_at.timestamp()))]  # fmt: skip
    if link.extra:
        parts.append(link.extra)
    payload = ".".join(parts)
    return f"{payload}.{_signature(signing_key(store, now), payload)}"


def read(store: LinkKeys, token: str, purpose: LinkPurpose, now: datetime) -> SignedLink:
    """The link a token stands for; ``LinkRefused`` when tampered or expired."""
    parts = token.split(".")
    if len(parts) not in (5, 6) or len(token) > 300 or parts[0] != purpose.value:
        raise LinkRefused(LinkProblem.TAMPERED)
    payload, given = ".".join(parts[:-1]), parts[-1]
    if not hmac.compare_digest(_signature(signing_key(store, now), payload), given):
        raise LinkRefused(LinkProblem.TAMPERED)
    issued = datetime.fromtimestamp(int(parts[2], 36) / 1000, tz=UTC)
    expires = datetime.fromtimestamp(int(parts[3], 36), tz=UTC)
    if expires <= now:
        raise LinkRefused(LinkProblem.EXPIRED)
    return SignedLink(purpose, parts[1], issued, expires, parts[4] if len(parts) == 6 else "")


def status_link(store: LinkKeys, base_url: str, ticket_id: str, now: datetime) -> str:
    """A new status page link for the ticket, valid for ``STATUS_LINK_LIFETIME``
    (``base_url`` empty: the path alone, for the console to complete)."""
    issued = now.replace(microsecond=now.microsecond // 1000 * 1000)
    expires = (issued + STATUS_LINK_LIFETIME).replace(microsecond=0)
    token = sign(store, SignedLink(LinkPurpose.STATUS, ticket_id, issued, expires), now)
    return f"{base_url.rstrip('/')}{STATUS_PAGE_PATH}{token}"


def open_status_link(store: RevokedLinks, token: str, now: datetime) -> SignedLink:
    """The status link a token stands for, checked against the ticket's revocation."""
    link = read(store, token, LinkPurpose.STATUS, now)
    revoked = store.status_links_revoked_before(link.ticket_id)
    if revoked is not None and link.issued_at <= revoked:
        raise LinkRefused(LinkProblem.REVOKED)
    return link
