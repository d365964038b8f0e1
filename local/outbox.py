"""``GET /dev/outbox`` (local stack only): every outbound message of every
channel as the provider received it, newest first, so a person or a script can
see what would have been sent. E-mail comes from moto's SES record of sends and
from what Cognito would have e-mailed agents (``local/cognito_mail.py``)."""

import email
from datetime import UTC
from email import policy
from email.utils import getaddresses
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

from local import cognito_mail


def _iso(headers: Any) -> str:
    try:
        return str(headers["date"].datetime.astimezone(UTC).isoformat())
    except (AttributeError, TypeError, ValueError):
        return ""


def _addresses(destinations: list[str]) -> list[str]:
    """Each recipient once, as a bare address: moto lists a recipient once per
    header ("Name <a@b>") and once per envelope address ("a@b")."""
    return list(dict.fromkeys(address.lower() for _, address in getaddresses(destinations) if address))


def outbox(region: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for sent in ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages:
        if not isinstance(sent, RawMessage):
            continue
        raw = sent.raw_data if isinstance(sent.raw_data, str) else sent.raw_data.decode("utf-8", "replace")
        headers = email.message_from_string(raw, policy=policy.default)
        entries.append(
            {
                "channel": "email",
                "sent_at": _iso(headers),
                "provider_message_id": sent.id,
                "from": sent.source,
                "to": _addresses(sent.destinations),
                "subject": str(headers.get("subject", "")),
                "message_id": str(headers.get("message-id", "")),
                "in_reply_to": str(headers.get("in-reply-to", "")),
                "raw": raw,
            }
        )
    entries.reverse()
    entries += reversed(cognito_mail.outbox_entries())
    entries.sort(key=lambda entry: str(entry["sent_at"]), reverse=True)
    return entries
