"""Messenger and Instagram events into the help desk.

``accept_webhook`` (the webhook Lambda) checks ``X-Hub-Signature-256`` before
anything is stored, splits the envelope (``payloads.split_webhook``) and queues
each event on the FIFO queue, one message group per customer. ``handle_update``
(the worker) makes a customer's message, postback or reaction one
``InboundMessage`` for ``ingest`` (idempotent on Meta's ``mid``; the PSID or
IGSID is the contact's identity), fetching attachments into the attachments
bucket; a delivery or read receipt moves the delivery state of the page's
replies forward, never back, and never opens a ticket.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from helpdesk import limits
from helpdesk.assistant.answers import RETRIEVAL, AnswerWriter
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.assistant.on_channels import answer_on_channel
from helpdesk.assistant.turns import HandOver
from helpdesk.channels.meta_messaging.payloads import MalformedWebhook, MetaUpdate, split_webhook
from helpdesk.channels.whatsapp.inbound import InvalidSignature, UpdateQueue, keep_malformed, verify_signature
from helpdesk.conversations.ingest import InboundMessage, IngestResult, ingest
from helpdesk.errors import MetaRejected, MetaUnavailable
from helpdesk.files import FileStore, keep_file, sniff_content_type
from helpdesk.knowledge.finding import ArticlesFor
from helpdesk.models import Channel, DeliveryStatus, Identity, IdentityKind, Message, MessageKind, Notice
from helpdesk.observability import BusinessMetric, count, logger
from helpdesk.rules.sending import OutboxFactory
from helpdesk.settings import MetaMessagingSettings
from helpdesk.store import HelpdeskStore
from helpdesk.untrusted import one_line

__all__ = ["InvalidSignature", "MalformedWebhook", "accept_webhook", "handle_update", "verification_challenge"]

IDENTITY_KINDS = {Channel.MESSENGER: IdentityKind.MESSENGER, Channel.INSTAGRAM: IdentityKind.INSTAGRAM}
FETCHED_TYPES = ("image", "video", "audio", "file", "story_mention")
SHARED_TYPES = ("share", "reel", "ig_reel", "post", "ig_post", "fallback", "template", "location")
ORDER = {DeliveryStatus.SENT: 1, DeliveryStatus.DELIVERED: 2, DeliveryStatus.READ: 3}


def verification_challenge(params: dict[str, str], settings: MetaMessagingSettings) -> str | None:
    """Meta's subscription check: the challenge to echo when the token is ours, else None."""
    if params.get("hub.mode") == "subscribe" and params.get("hub.verify_token") == settings.verify_token:
        return params.get("hub.challenge", "")
    return None


def accept_webhook(raw_body: bytes, signature: str | None, settings: MetaMessagingSettings,
                   queue: UpdateQueue, store: HelpdeskStore | None = None) -> int:  # fmt: skip
    """Queue each event of a signed delivery; how many. Raises ``InvalidSignature``
    (nothing stored) or ``MalformedWebhook`` (nothing queued; its reason answers;
    the body is kept aside in ``store`` for agents, once however often Meta
    sends it again)."""
    try:
        verify_signature(raw_body, signature, settings.app_secret)
    except InvalidSignature:
        logger.warning("meta webhook signature refused")
        raise
    try:
        updates = split_webhook(raw_body)
    except MalformedWebhook as malformed:
        count(BusinessMetric.META_MALFORMED_WEBHOOKS)
        logger.warning("malformed meta webhook refused", extra={"reason": malformed.reason})
        if store is not None:
            keep_malformed(raw_body, malformed.reason, store, Channel.MESSENGER)
        raise
    queue.enqueue([(f"{u.channel}.{u.group}", f"{u.channel}.{u.dedup_id}", u) for u in updates])
    logger.info("meta webhook queued", extra={"updates": len(updates)})
    return len(updates)


class AttachmentSource(Protocol):
    def attachment(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """The bytes at a Meta CDN URL and their type; ``MetaRejected`` when refused."""


class Profile(Protocol):
    @property
    def name(self) -> str | None: ...

    @property
    def picture_url(self) -> str | None: ...


class ProfileSource(Protocol):
    def profile(self, scoped_id: str, instagram: bool) -> Profile | None:
        """The customer's name and picture link, when Meta shares them."""


@dataclass(frozen=True)
class AttachmentStorage:
    """Where customers' files go: fetched from ``source``, kept in ``bucket``."""

    source: AttachmentSource
    files: FileStore
    bucket: str
    max_bytes: int


def handle_update(update: MetaUpdate, store: HelpdeskStore, attachments: AttachmentStorage | None = None,
                  outbox: OutboxFactory | None = None, profiles: ProfileSource | None = None,
                  search: ArticlesFor | None = None, hand_over: HandOver | None = None,
                  callbacks: Callbacks | None = None, writer: AnswerWriter = RETRIEVAL,
                  ) -> IngestResult | list[Message]:  # fmt: skip
    """Apply one queued event: a receipt moves replies forward (the ones it
    moved), anything else lands on the customer's ticket, where the assistant
    may answer it (with ``search``, the public articles, and ``writer``, how it
    words an answer; ``helpdesk.assistant``).
    A customer seen for the first time gets their name and picture from
    ``profiles`` (asked once: later messages find the contact)."""
    if update.kind == "receipt":
        return apply_receipt(update, store)
    inbound = inbound_message(update)
    if store.find_channel_message(update.channel, inbound.channel_message_id) is None:
        if attachments is not None:
            inbound = _with_attachments(inbound, attachments)
        if profiles is not None and store.find_identity(inbound.sender) is None:
            inbound = _with_profile(inbound, profiles.profile(update.group, update.channel is Channel.INSTAGRAM),
                                    attachments)  # fmt: skip
    result = ingest(inbound, store, outbox)
    if not result.duplicate:
        count(BusinessMetric.MESSAGES_IN, update.channel)
    if search is not None and outbox is not None:
        answer_on_channel(store, result, inbound, search, lambda: outbox().queue, hand_over, callbacks, writer)
    return result


def inbound_message(update: MetaUpdate) -> InboundMessage:
    """Meta's event → the help desk's ``InboundMessage``."""
    event = update.event
    timestamp = int(event.get("timestamp") or 0)
    text, notices = _content(event)
    return InboundMessage(
        channel=update.channel,
        channel_message_id=update.dedup_id,
        sender=Identity(kind=IDENTITY_KINDS[update.channel], value=update.group),
        sent_at=datetime.fromtimestamp(timestamp / 1000, UTC) if timestamp else datetime.now(UTC),
        text=text,
        notices=tuple(notices),
        addressed_to=(update.page_id,) if update.page_id else (),
    )


def _content(event: dict[str, Any]) -> tuple[str, list[Notice]]:
    """The text an agent reads, and what else they should know."""
    if (postback := event.get("postback")) is not None:
        notice = Notice(key="postback", params={"payload": str(postback.get("payload", ""))[:1000]})
        return str(postback.get("title", "")), [notice]
    if (reaction := event.get("reaction")) is not None:
        message = str(reaction.get("mid", ""))
        if reaction.get("action") == "unreact":
            return "", [Notice(key="reaction_removed", params={"message": message})]
        emoji = str(reaction.get("emoji") or reaction.get("reaction") or "")
        return emoji, [Notice(key="reaction", params={"message": message})]
    body: dict[str, Any] = event.get("message") or {}
    notices: list[Notice] = []
    if (quick := body.get("quick_reply")) is not None:
        notices.append(Notice(key="quick_reply", params={"payload": str(quick.get("payload", ""))[:1000]}))
    reply_to = body.get("reply_to") or {}
    if (story := reply_to.get("story")) is not None:
        notices.append(Notice(key="story_reply", params={"url": str(story.get("url", ""))[:2000],
                                                         "story": str(story.get("id", ""))}))  # fmt: skip
    elif reply_to.get("mid"):
        notices.append(Notice(key="reply_to", params={"message": str(reply_to["mid"])}))
    for attachment in body.get("attachments") or []:
        kind = str(attachment.get("type", "unknown"))
        url = str((attachment.get("payload") or {}).get("url") or "")
        if kind == "story_mention":
            notices.append(Notice(key="story_mention", params={"url": url[:2000]}))
        if kind in FETCHED_TYPES and url:
            notices.append(Notice(key="media", params={"type": kind, "url": url[:2000]}))
        elif kind in SHARED_TYPES:
            notices.append(Notice(key="shared", params={"type": kind, "url": url[:2000]}))
        else:
            notices.append(Notice(key="unsupported", params={"type": kind, "error": ""}))
    if body.get("is_unsupported"):
        notices.append(Notice(key="unsupported", params={"type": "message", "error": ""}))
    if body.get("is_deleted"):
        notices.append(Notice(key="deleted", params={"message": str(body.get("mid", ""))}))
    return str(body.get("text", "")), notices


def _with_profile(
    inbound: InboundMessage, profile: Profile | None, storage: AttachmentStorage | None
) -> InboundMessage:
    """The new customer's name, and their picture kept in the attachments bucket
    (a picture Meta refuses, or that is no image, is left out: it is a courtesy)."""
    if profile is None:
        return inbound
    found: dict[str, object] = {"sender_name": one_line(profile.name)} if profile.name else {}
    if profile.picture_url and storage is not None:
        try:
            content, content_type = storage.source.attachment(profile.picture_url, limits.PROFILE_PICTURE_MAX_BYTES)
        except (MetaRejected, MetaUnavailable) as refused:
            logger.info("profile picture not kept", extra={"reason": type(refused).__name__})
        else:
            if sniff_content_type(content, content_type).startswith("image/"):
                found["sender_picture"] = keep_file(storage.files, storage.bucket, "pictures", content, "perfil",
                                                    content_type)  # fmt: skip
    return inbound.model_copy(update=found)


def _with_attachments(inbound: InboundMessage, storage: AttachmentStorage) -> InboundMessage:
    """Fetch each file the message names into the attachments bucket; a file Meta
    refuses (expired link, too large, an address we may not reach) becomes a
    notice. Meta being unavailable raises: the update is retried in order."""
    kept = list(inbound.attachments)
    notices = []
    for notice in inbound.notices:
        if notice.key != "media":
            notices.append(notice)
            continue
        try:
            content, mime_type = storage.source.attachment(notice.params["url"], storage.max_bytes)
        except MetaRejected as refused:
            notices.append(Notice(key="media_unavailable", params={"type": notice.params["type"],
                                                                   "reason": refused.title}))  # fmt: skip
            continue
        kept.append(keep_file(storage.files, storage.bucket, str(inbound.channel), content, "", mime_type))
        notices.append(Notice(key="media", params={"type": notice.params["type"]}))  # the CDN link expires
    return inbound.model_copy(update={"attachments": tuple(kept), "notices": tuple(notices)})


def apply_receipt(update: MetaUpdate, store: HelpdeskStore) -> list[Message]:
    """A delivery or read receipt: the replies it names by ``mid``, or every reply
    on the customer's open conversation sent up to its ``watermark``, move
    forward (a late "delivered" never undoes "read"); unknown ones are ignored."""
    delivery = update.event.get("delivery")
    body = delivery if delivery is not None else update.event.get("read") or {}
    status = DeliveryStatus.DELIVERED if delivery is not None else DeliveryStatus.READ
    mids = [str(m) for m in body.get("mids") or []] + ([str(body["mid"])] if body.get("mid") else [])
    if mids:
        found = [store.find_channel_message(update.channel, mid) for mid in mids]
        replies = [m for m in found if m is not None]
    else:
        replies = _sent_until(update, store, int(body.get("watermark") or 0))
    return [moved for reply in replies if (moved := _forward(store, reply, status)) is not None]


def _sent_until(update: MetaUpdate, store: HelpdeskStore, watermark: int) -> list[Message]:
    if not watermark:
        return []
    known = store.find_identity(Identity(kind=IDENTITY_KINDS[update.channel], value=update.group))
    ticket_id = store.find_open_ticket_id(known.contact_id, update.channel) if known is not None else None
    thread = store.get_thread(ticket_id) if ticket_id is not None else None
    until = datetime.fromtimestamp(watermark / 1000, UTC)
    return [m for m in (thread.messages if thread else ())
            if m.kind is MessageKind.OUTBOUND and m.channel_message_id and m.sent_at <= until]  # fmt: skip


def _forward(store: HelpdeskStore, message: Message, status: DeliveryStatus) -> Message | None:
    current = ORDER.get(message.delivery_status, 0)
    if message.delivery_status is DeliveryStatus.FAILED or ORDER[status] <= current:
        return None
    return store.mark_delivery(message, status, None)
