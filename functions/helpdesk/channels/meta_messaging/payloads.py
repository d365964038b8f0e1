"""Meta's Messenger Platform webhooks, split into queue items (ARCHITECTURE §3, flow 1).

Messenger (``object: page``) and Instagram (``object: instagram``) deliver the
same envelope: ``entry[].messaging[]``, one event each, with ``sender.id`` the
customer's page-scoped id (PSID) or Instagram-scoped id (IGSID). The webhook
checks the signature, then ``split_webhook`` makes one ``MetaUpdate`` per event
worth keeping: a customer's message, postback or reaction (``kind="message"``),
or a delivery or read receipt of the page's replies (``kind="receipt"``). The
page's own messages coming back (echoes), and events of no conversation
(handovers, opt-ins), are dropped here.

Payloads are read leniently: Meta adds fields often, so unknown ones are kept.
"""

from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError

from helpdesk.models import Channel
from helpdesk.untrusted import load_json
from helpdesk.validated import Validated

PRODUCTS = {"page": Channel.MESSENGER, "instagram": Channel.INSTAGRAM}


class MalformedWebhook(ValueError):
    """A signed body that is not Meta's Messenger Platform envelope; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Lenient(Validated):
    model_config = ConfigDict(extra="allow")


class Party(_Lenient):
    id: str = Field(min_length=1, max_length=64)


class MessagingEvent(_Lenient):
    """One event of ``entry[].messaging[]``: exactly one of ``message``,
    ``postback``, ``reaction``, ``delivery``, ``read`` (others are ignored)."""

    sender: Party
    recipient: Party
    timestamp: int = 0
    message: dict[str, Any] | None = None
    postback: dict[str, Any] | None = None
    reaction: dict[str, Any] | None = None
    delivery: dict[str, Any] | None = None
    read: dict[str, Any] | None = None


class Entry(_Lenient):
    id: str = ""
    time: int = 0
    messaging: list[MessagingEvent] = Field(default_factory=list)


class WebhookEnvelope(_Lenient):
    object: Literal["page", "instagram"]
    entry: list[Entry]


class MetaUpdate(Validated):
    """One customer event, as queued for the worker (in order per customer)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel: Literal[Channel.MESSENGER, Channel.INSTAGRAM]
    kind: Literal["message", "receipt"]
    group: str  # the customer's PSID or IGSID: their events are handled in order
    dedup_id: str = Field(min_length=1, max_length=128)
    page_id: str = ""
    event: dict[str, Any]


def split_webhook(raw_body: bytes) -> list[MetaUpdate]:
    """Queue items from a signature-checked body. Raises ``MalformedWebhook``."""
    try:
        envelope = WebhookEnvelope.model_validate(load_json(raw_body))
    except ValueError as exc:  # ValidationError and NestedTooDeep are ValueErrors
        raise MalformedWebhook(_reason(exc)) from exc
    channel = PRODUCTS[envelope.object]
    updates: list[MetaUpdate] = []
    for entry in envelope.entry:
        for event in entry.messaging:
            update = _update(channel, entry.id, event)
            if update is not None:
                updates.append(update)
    return updates


def _reason(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        return f"{where}: {first['type']}"
    return "not JSON" if "JSON" in str(exc) or "Expecting" in str(exc) else type(exc).__name__


def _update(channel: Channel, page_id: str, event: MessagingEvent) -> MetaUpdate | None:
    """The queue item for one event; None for what is not a conversation's."""
    customer = event.sender.id
    raw = event.model_dump(mode="json", exclude_none=True)
    if event.message is not None:
        if event.message.get("is_echo"):
            return None  # the page's own message (ours, or sent from Meta's inbox)
        mid = str(event.message.get("mid") or "")
        if not mid:
            raise MalformedWebhook("message.mid: missing")
        return MetaUpdate(channel=channel, kind="message", group=customer, dedup_id=mid[:128], page_id=page_id,
                          event=raw)  # fmt: skip
    if event.postback is not None:
        mid = str(event.postback.get("mid") or f"postback.{customer}.{event.timestamp}")
        return MetaUpdate(channel=channel, kind="message", group=customer, dedup_id=mid[:128], page_id=page_id,
                          event=raw)  # fmt: skip
    if event.reaction is not None:
        reaction = event.reaction
        key = f"reaction.{reaction.get('mid', '')}.{reaction.get('action', '')}.{event.timestamp}"
        return MetaUpdate(channel=channel, kind="message", group=customer, dedup_id=key[:128], page_id=page_id,
                          event=raw)  # fmt: skip
    if event.delivery is not None or event.read is not None:
        receipt = "delivery" if event.delivery is not None else "read"
        body = event.delivery or event.read or {}
        key = f"{receipt}.{customer}.{body.get('watermark') or body.get('mid') or ','.join(body.get('mids') or [])}"
        return MetaUpdate(channel=channel, kind="receipt", group=customer, dedup_id=key[:128], page_id=page_id,
                          event=raw)  # fmt: skip
    return None
