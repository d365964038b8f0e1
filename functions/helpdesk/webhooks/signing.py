"""Signatures and secrets of outgoing webhooks.

A receiver recomputes ``sha256=<hex HMAC-SHA256 of the raw body>`` with the
endpoint's secret and compares it with ``X-Atiende-Signature`` (in constant time).
A secret is shown to the administrator once, when it is generated; after that
only its hint (the last four characters) is ever shown, and it is never logged.
"""

import hashlib
import hmac
import secrets

SIGNATURE_PREFIX = "sha256="
GENERATED_SECRET_BYTES = 32


def signature(body: bytes, secret: str) -> str:
    """The ``X-Atiende-Signature`` header's value for ``body``."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_by(body: bytes, secret: str, header: str) -> bool:
    """Whether ``header`` is the signature of ``body`` with ``secret`` (what a receiver checks)."""
    return hmac.compare_digest(signature(body, secret), header)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(GENERATED_SECRET_BYTES)


def hint(secret: str) -> str:
    """What of a secret may be shown again: its last four characters."""
    return "…" + secret[-4:]
