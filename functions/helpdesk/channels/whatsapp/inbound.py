"""WhatsApp Cloud API webhooks into the help desk (ARCHITECTURE §3, flow 1).

The webhook only checks the signature, splits Meta's envelope into one queue
item per customer message or status, and answers at once (``accept_webhook``);
the worker maps each item here (``handle_update``): a message becomes an
``InboundMessage`` for ``ingest``, a status updates the delivery of the outbound
message it names and never opens a ticket. AWS End User Messaging Social's SNS
notifications carry the same entries (``handle_social_messaging``).

Meta's payloads are read leniently (unknown fields are kept, not refused): new
fields appear often, and ``wa_id``, ``from``, ``contacts`` and the newer user-id
fields are all optional.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from helpdesk.assistant.answers import RETRIEVAL, AnswerWriter
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.assistant.on_channels import answer_on_channel
from helpdesk.assistant.turns import HandOver
from helpdesk.clock import utc_now
from helpdesk.conversations.ingest import InboundMessage, IngestResult, ingest
from helpdesk.errors import HelpdeskError, InvalidIdentity, WhatsAppRejected
from helpdesk.files import FileStore, keep_file
from helpdesk.knowledge.finding import ArticlesFor
from helpdesk.models import Channel, DeliveryStatus, Identity, IdentityKind, Message, Notice, SetAside
from helpdesk.observability import BusinessMetric, count, logger
from helpdesk.people.contacts import normalize_identity
from helpdesk.rules.sending import OutboxFactory
from helpdesk.settings import WhatsAppSettings
from helpdesk.store import HelpdeskStore
from helpdesk.surveys.answering import answer_from_message, may_answer_a_survey
from helpdesk.untrusted import load_json
from helpdesk.validated import Validated

# The order a delivery moves forward in; a late "delivered" never undoes "read".
STATUS_ORDER = {"sent": 1, "delivered": 2, "read": 3, "played": 3}
MAX_KEPT_BODY = 64 * 1024


class InvalidSignature(HelpdeskError):
    message_key = "error.unauthenticated"


class _Lenient(Validated):
    model_config = ConfigDict(extra="allow")


class Change(_Lenient):
    field: str
    value: dict[str, Any]


class Entry(_Lenient):
    id: str = ""
    changes: list[Change] = Field(default_factory=list)


class WebhookEnvelope(_Lenient):
    object: str
    entry: list[Entry]


class QueuedUpdate(Validated):
    """One customer message or one status, as queued for the worker."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["message", "status"]
    group: str  # the customer: messages of one customer are handled in order
    dedup_id: str
    phone_number_id: str = ""
    item: dict[str, Any]
    contact: dict[str, Any] = Field(default_factory=dict)


def verify_signature(raw_body: bytes, header: str | None, app_secret: str) -> None:
    """``X-Hub-Signature-256: sha256=<hex HMAC of the raw body with the app secret>``."""
    if not header or not header.startswith("sha256="):
        raise InvalidSignature("missing signature")
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower()):
        raise InvalidSignature("signature does not match")


class UpdateQueue(Protocol):
    def enqueue(self, items: list[tuple[str, str, BaseModel]]) -> None:
        """``items``: (message group, deduplication id, body); in order per group."""


def verification_challenge(params: dict[str, str], settings: WhatsAppSettings) -> str | None:
    """Meta's subscription check: the challenge to echo when the token is ours, else None."""
    if params.get("hub.mode") == "subscribe" and params.get("hub.verify_token") == settings.verify_token:
        return params.get("hub.challenge", "")
    return None


def accept_webhook(
    raw_body: bytes, signature: str | None, settings: WhatsAppSettings, queue: UpdateQueue, store: HelpdeskStore
) -> int:
    """Queue each customer message and status of a signed delivery; how many.
    Raises ``InvalidSignature`` (nothing stored). A signed body that is not Meta's
    envelope is kept aside for inspection and counted, not refused: Meta would
    retry it for days."""
    try:
        verify_signature(raw_body, signature, settings.app_secret)
    except InvalidSignature:
        logger.warning("webhook signature refused")
        raise
    try:
        updates = split_webhook(raw_body)
    except ValueError as exc:
        keep_malformed(raw_body, str(exc), store)
        count(BusinessMetric.MALFORMED_WEBHOOKS)
        return 0
    queue.enqueue([(u.group, u.dedup_id, u) for u in updates])
    logger.info("webhook queued", extra={"updates": len(updates)})
    return len(updates)


def keep_malformed(raw_body: bytes, reason: str, store: HelpdeskStore, channel: Channel = Channel.WHATSAPP) -> None:
    """A signed body that is not Meta's envelope, kept aside for agents, once:
    the same body again (Meta retries what was refused) finds its entry, named
    by the body's hash, in the month's list (a rare read: Meta's signature is
    needed to get here)."""
    entry = SetAside(
        id=hashlib.sha256(raw_body).hexdigest()[:32],
        channel=channel,
        reason="malformed_webhook",
        received_at=utc_now(),
        detail=f"{reason}\n{raw_body[:MAX_KEPT_BODY].decode('utf-8', 'replace')}",
    )
    if any(kept.id == entry.id for kept in store.set_aside_in_month(entry.received_at)):
        return
    store.set_aside(entry)
    logger.warning("malformed webhook kept", extra={"reason": reason})


def handle_social_messaging(
    sns_message: str,
    store: HelpdeskStore,
    media: "MediaStorage | None" = None,
    outbox: OutboxFactory | None = None,
    search: ArticlesFor | None = None,
    hand_over: HandOver | None = None,
    callbacks: Callbacks | None = None,
    writer: AnswerWriter = RETRIEVAL,
) -> list[IngestResult | Message | None]:
    """Apply the updates of one AWS End User Messaging Social notification; one
    that is not such a notification is logged and ignored (retrying cannot help)."""
    try:
        updates = split_social_messaging(sns_message)
    except ValueError:
        logger.warning("social messaging notification not understood; ignored")
        return []
    return [handle_update(update, store, media, outbox, search, hand_over, callbacks, writer) for update in updates]


def split_social_messaging(sns_message: str) -> list[QueuedUpdate]:
    """AWS End User Messaging Social publishes each of Meta's entries to SNS as
    ``{"whatsAppWebhookEntry": "<the entry as a JSON string>", …}``: the same
    updates as Meta's own webhook, already authenticated by AWS."""
    try:
        notification = load_json(sns_message)
        entry = load_json(notification["whatsAppWebhookEntry"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a social messaging notification: {type(exc).__name__}") from exc
    envelope = {"object": "whatsapp_business_account", "entry": [entry]}
    return split_webhook(json.dumps(envelope).encode())


def split_webhook(raw_body: bytes) -> list[QueuedUpdate]:
    """Queue items from a (signature-checked) body. Raises ValueError for a body
    that is not Meta's envelope; fields other than ``messages`` are ignored."""
    try:
        envelope = WebhookEnvelope.model_validate(load_json(raw_body))
    except (ValueError, ValidationError) as exc:
        raise ValueError(f"not a WhatsApp webhook: {type(exc).__name__}") from exc
    updates: list[QueuedUpdate] = []
    for entry in envelope.entry:
        for change in entry.changes:
            if change.field != "messages":
                continue  # account, template and call notifications: not conversations
            value = change.value
            phone_number_id = str((value.get("metadata") or {}).get("phone_number_id", ""))
            contacts = {str(c.get("wa_id") or c.get("user_id") or ""): c for c in value.get("contacts") or []}
            for message in value.get("messages") or []:
                sender = _sender(message, contacts)
                updates.append(
                    QueuedUpdate(
                        kind="message",
                        group=sender or "unknown",
                        dedup_id=str(message.get("id") or ""),
                        phone_number_id=phone_number_id,
                        item=message,
                        contact=contacts.get(sender) or next(iter(contacts.values()), {}),
                    )
                )
            for status in value.get("statuses") or []:
                updates.append(
                    QueuedUpdate(
                        kind="status",
                        group=str(status.get("recipient_id") or status.get("recipient_user_id") or "unknown"),
                        dedup_id=f"{status.get('id', '')}:{status.get('status', '')}",
                        phone_number_id=phone_number_id,
                        item=status,
                    )
                )
    if any(not update.dedup_id.strip(":") for update in updates):
        raise ValueError("a message or status without an id")
    return updates


def _sender(message: dict[str, Any], contacts: dict[str, dict[str, Any]]) -> str:
    """The customer's WhatsApp id: ``from``, else a contact's ``wa_id``; the first
    that is a phone number's digits."""
    # Without "from", a lone contact is the sender; with several, guessing could
    # put one customer's message on another's ticket.
    only_contact = tuple(contacts) if len(contacts) == 1 else ()
    candidates = (message.get("from"), *only_contact, message.get("from_user_id"))
    usable = [str(c) for c in candidates if c and str(c).lstrip("+").isdigit()]
    return usable[0] if usable else next((str(c) for c in candidates if c), "")


class MediaSource(Protocol):
    def media(self, media_id: str, max_bytes: int) -> tuple[bytes, str]: ...


@dataclass(frozen=True)
class MediaStorage:
    """Where a message's media goes: fetched from ``source``, kept in ``bucket``."""

    source: MediaSource
    files: FileStore
    bucket: str
    max_bytes: int


def handle_update(
    update: QueuedUpdate,
    store: HelpdeskStore,
    media: MediaStorage | None = None,
    outbox: OutboxFactory | None = None,
    search: ArticlesFor | None = None,
    hand_over: HandOver | None = None,
    callbacks: Callbacks | None = None,
    writer: AnswerWriter = RETRIEVAL,
) -> IngestResult | Message | None:
    """Apply one queued update; one that can never succeed (no usable sender) is
    set aside for agents instead of being retried into the dead-letter queue.
    ``outbox``: where the rules' (and the assistant's) replies are queued;
    ``search``: the public articles, for the assistant (``helpdesk.assistant``),
    ``hand_over``, its handoff to people, ``writer``, how it words an answer."""
    if update.kind == "status":
        return apply_status(update.item, store)
    try:
        inbound = inbound_message(update)
        if outbox is not None and _survey_answer(inbound, store, outbox):
            return None
        if (
            media is not None
            and any(notice.key == "media" for notice in inbound.notices)
            and store.find_channel_message(Channel.WHATSAPP, inbound.channel_message_id) is None
        ):
            inbound = _with_media(inbound, media)
        result = ingest(inbound, store, outbox)
    except InvalidIdentity:
        _set_aside_without_sender(update, store)
        return None
    if not result.duplicate:
        count(BusinessMetric.MESSAGES_IN, Channel.WHATSAPP)
    if search is not None and outbox is not None:
        answer_on_channel(store, result, inbound, search, lambda: outbox().queue, hand_over, callbacks, writer)
    return result


def _survey_answer(inbound: InboundMessage, store: HelpdeskStore, outbox: OutboxFactory) -> bool:
    """A known contact's answer to their survey (or "no quiero encuestas"): taken
    as such, and no message on any ticket (``helpdesk.surveys.answering``). Most
    messages cannot be one, which their words alone tell: they read nothing here."""
    option = next((n.params.get("id") or n.params.get("payload") for n in inbound.notices
                   if n.key in ("interactive_reply", "template_button")), None)  # fmt: skip
    if not may_answer_a_survey(inbound.text, option):
        return False
    if store.find_channel_message(Channel.WHATSAPP, inbound.channel_message_id) is not None:
        return False  # a message already on a ticket: ingest finds it
    known = store.find_identity(normalize_identity(inbound.sender))
    if known is None:
        return False
    return answer_from_message(store, known.contact_id, inbound.text, option, inbound.channel_message_id,
                               Channel.WHATSAPP, utc_now(), outbox)  # fmt: skip


def _set_aside_without_sender(update: QueuedUpdate, store: HelpdeskStore) -> None:
    store.set_aside(
        SetAside(
            id=update.dedup_id,
            channel=Channel.WHATSAPP,
            reason="no_sender",
            received_at=datetime.now(UTC),
            sender=update.group[:64],
            detail=json.dumps(update.item)[:4000],
        )
    )


def _with_media(inbound: InboundMessage, media: MediaStorage) -> InboundMessage:
    """Fetch each media the message names into the attachments bucket; media Meta
    refuses (expired, too large) becomes a notice. Meta being unavailable raises,
    so the update is retried (in order: the customer's later messages wait)."""
    attachments = list(inbound.attachments)
    notices = []
    for notice in inbound.notices:
        if notice.key != "media" or not notice.params.get("media_id"):
            notices.append(notice)
            continue
        try:
            content, mime_type = media.source.media(notice.params["media_id"], media.max_bytes)
        except WhatsAppRejected as refused:
            notices.append(Notice(key="media_unavailable", params={**notice.params, "reason": refused.title}))
            continue
        filename = notice.params.get("filename", "")
        attachments.append(keep_file(media.files, media.bucket, "whatsapp", content, filename, mime_type))
        notices.append(notice)
    return inbound.model_copy(update={"attachments": tuple(attachments), "notices": tuple(notices)})


def inbound_message(update: QueuedUpdate) -> InboundMessage:
    """Meta's message → the help desk's ``InboundMessage``."""
    message = update.item
    kind = str(message.get("type", "unknown"))
    raw_body = message.get(kind)
    body: dict[str, Any] = raw_body if isinstance(raw_body, dict) else {}
    text, notices = _content(kind, body, message)
    context = message.get("context") or {}
    if context.get("forwarded") or context.get("frequently_forwarded"):
        notices.append(Notice(key="forwarded", params={"many_times": str(bool(context.get("frequently_forwarded")))}))
    if context.get("id") and kind != "reaction":
        notices.append(Notice(key="reply_to", params={"message": str(context["id"])}))
    profile = (update.contact.get("profile") or {}).get("name")
    return InboundMessage(
        channel=Channel.WHATSAPP,
        channel_message_id=str(message["id"]),
        sender=Identity(kind=IdentityKind.WHATSAPP, value=update.group),
        sender_name=profile,
        sent_at=datetime.fromtimestamp(int(message.get("timestamp") or 0), UTC)
        if message.get("timestamp")
        else datetime.now(UTC),
        text=text,
        notices=tuple(notices),
        # the business number it was sent to (``channels/setup.py``)
        addressed_to=(update.phone_number_id,) if update.phone_number_id else (),
    )


def _content(kind: str, body: dict[str, Any], message: dict[str, Any]) -> tuple[str, list[Notice]]:
    """The text an agent reads, and what else they should know, by message type."""
    notices: list[Notice] = []
    if kind == "text":
        return str(body.get("body", "")), notices
    if kind in ("image", "video", "document", "audio", "voice", "sticker"):
        params = {"type": kind, "media_id": str(body.get("id", "")), "mime_type": str(body.get("mime_type", ""))}
        if body.get("filename"):
            params["filename"] = str(body["filename"])
        notices.append(Notice(key="media", params=params))
        return str(body.get("caption", "")), notices
    if kind == "location":
        where = ", ".join(str(body[k]) for k in ("name", "address") if body.get(k))
        point = f"{body.get('latitude')},{body.get('longitude')}"
        notices.append(Notice(key="location", params={"latitude": str(body.get("latitude")),
                                                      "longitude": str(body.get("longitude"))}))  # fmt: skip
        return f"📍 {where} ({point})".replace("  ", " ").strip(), notices
    if kind == "contacts":
        cards = message.get("contacts") or []
        lines = []
        for card in cards:
            name = (card.get("name") or {}).get("formatted_name", "")
            phones = ", ".join(str(p.get("phone", "")) for p in card.get("phones") or [])
            lines.append(f"👤 {name} {phones}".strip())
        return "\n".join(lines), notices
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply") or body.get("nfm_reply") or {}
        notices.append(Notice(key="interactive_reply", params={"id": str(reply.get("id", ""))}))
        return str(reply.get("title") or reply.get("body") or ""), notices
    if kind == "button":
        notices.append(Notice(key="template_button", params={"payload": str(body.get("payload", ""))}))
        return str(body.get("text", "")), notices
    if kind == "reaction":
        emoji = str(body.get("emoji") or "")
        notices.append(Notice(key="reaction" if emoji else "reaction_removed",
                              params={"message": str(body.get("message_id", ""))}))  # fmt: skip
        return emoji, notices
    if kind == "revoke":
        notices.append(Notice(key="deleted", params={"message": str(body.get("original_message_id", ""))}))
        return "", notices
    if kind == "order":
        items = body.get("product_items") or []
        notices.append(Notice(key="order", params={"items": str(len(items))}))
        return str(body.get("text", "")), notices
    errors = message.get("errors") or []
    title = str(errors[0].get("title") or errors[0].get("message") or "") if errors else ""
    notices.append(Notice(key="unsupported", params={"type": kind, "error": title}))
    return "", notices


def apply_status(status: dict[str, Any], store: HelpdeskStore) -> Message | None:
    """Move an outbound message's delivery forward (never back); a failure shows
    Meta's error title. Statuses for messages we do not know are ignored."""
    message = store.find_channel_message(Channel.WHATSAPP, str(status.get("id", "")))
    if message is None:
        return None
    name = str(status.get("status", ""))
    if name == "failed":
        errors = status.get("errors") or [{}]
        title = str(errors[0].get("title") or errors[0].get("message") or "failed")
        code = errors[0].get("code")
        return store.mark_delivery(message, DeliveryStatus.FAILED, f"{code}: {title}" if code else title)
    if name not in STATUS_ORDER:
        return None
    current = STATUS_ORDER.get(message.delivery_status.value, 0)
    if STATUS_ORDER[name] <= current or message.delivery_status is DeliveryStatus.FAILED:
        return message
    new = DeliveryStatus.READ if name == "played" else DeliveryStatus(name)
    return store.mark_delivery(message, new, None)
