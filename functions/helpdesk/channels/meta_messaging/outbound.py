"""Replies leave on Messenger and Instagram (ARCHITECTURE §3, flow 3).

Meta's window: a reply within 24 hours of the customer's last message is a
plain response; from then up to 7 days only a human agent's reply tagged
``HUMAN_AGENT``, and only when the page has that permission (the
``META_HUMAN_AGENT_TAG`` setting); after that nothing until the customer writes
again. ``reply_allowed`` decides it when the agent replies (the API's 422),
``deliver_meta`` again when the reply leaves (it may have waited in the queue).
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal, Protocol

from helpdesk.channels.interactive import interactive_of
from helpdesk.channels.outbound import OutboundRequest, queued_message
from helpdesk.errors import MetaRejected, OutsideHumanAgentWindow, OutsideMetaWindow
from helpdesk.files import FileStore
from helpdesk.models import Channel, DeliveryStatus, IdentityKind, Ticket
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore

STANDARD_WINDOW = timedelta(hours=24)
MOST_TEXT_CHARS = 2000  # the Send API's limit for one message's text
HUMAN_AGENT_WINDOW = timedelta(days=7)
META_CHANNELS = (Channel.MESSENGER, Channel.INSTAGRAM)
IDENTITY_OF = {Channel.MESSENGER: IdentityKind.MESSENGER, Channel.INSTAGRAM: IdentityKind.INSTAGRAM}


class MetaSender(Protocol):
    def send_text(self, recipient: str, text: str, tag: Literal["HUMAN_AGENT"] | None = None,
                  quick_replies: tuple[tuple[str, str], ...] = ()) -> str: ...  # fmt: skip

    def send_file(self, recipient: str, content: bytes, content_type: str, filename: str,
                  tag: Literal["HUMAN_AGENT"] | None = None) -> str: ...  # fmt: skip


def text_parts(text: str, most: int = MOST_TEXT_CHARS) -> list[str]:
    """A reply as the Send API takes it: parts of at most ``most`` characters,
    cut after the last paragraph, else line, else sentence, else space in the
    part's second half (a word longer than that is cut where it must be); one
    part for a short reply."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > most:
        cuts = (rest.rfind(mark, most // 2, most) for mark in ("\n\n", "\n", ". ", " "))
        cut = next((at + 1 for at in cuts if at >= 0), most)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest]


def reply_tag(last_customer_message: datetime | None, now: datetime, human_agent_allowed: bool) -> str | None:
    """None for a plain response, ``"HUMAN_AGENT"`` for a tagged one; raises
    ``OutsideMetaWindow`` / ``OutsideHumanAgentWindow`` when no reply is allowed."""
    if last_customer_message is None:
        raise OutsideMetaWindow(None)
    waited = now - last_customer_message
    if waited <= STANDARD_WINDOW:
        return None
    if not human_agent_allowed:
        raise OutsideMetaWindow(None)
    if waited > HUMAN_AGENT_WINDOW:
        raise OutsideHumanAgentWindow(None)
    return "HUMAN_AGENT"


def check_reply_window(ticket: Ticket, now: datetime, human_agent_allowed: bool) -> None:
    """The agent API's check before a reply is stored (422 with the reason)."""
    if ticket.channel in META_CHANNELS:
        reply_tag(ticket.last_customer_message_at, now, human_agent_allowed)


def deliver_meta(request: OutboundRequest, store: HelpdeskStore, sender: MetaSender, human_agent_allowed: bool,
                 now: datetime, final_attempt: bool,
                 files: Callable[[], FileStore] | None = None) -> DeliveryStatus | None:  # fmt: skip
    """Send a queued Messenger or Instagram reply once: its files (read from
    ``files``), then its text, whose mid names the reply. Meta's refusal (or the
    window having closed while it waited) fails it at once; anything else raises
    to be retried, and fails on the last attempt."""
    message = queued_message(store, request)
    if message is None:
        return None
    thread = store.get_thread(request.ticket_id)
    ticket = thread.ticket if thread else None
    channel = ticket.channel if ticket is not None else message.channel
    kind = IDENTITY_OF.get(channel)
    contact = thread.contact if thread else None
    recipient = next((i.value for i in contact.identities if i.kind is kind), None) if contact else None
    if recipient is None or ticket is None:
        store.mark_delivery(message, DeliveryStatus.FAILED, "no_meta_recipient")
        return DeliveryStatus.FAILED
    try:
        late = reply_tag(ticket.last_customer_message_at, now, human_agent_allowed) is not None
        tagged: Literal["HUMAN_AGENT"] | None = "HUMAN_AGENT" if late else None
        for attachment in message.attachments:
            if files is None:
                raise MetaRejected(400, "files attached but no file store to read them from")
            content = files().get(attachment.bucket, attachment.key)
            sender.send_file(recipient, content, attachment.content_type, attachment.filename, tagged)
        choices = interactive_of(message)
        parts = text_parts(message.text)
        for part in parts[:-1]:
            sender.send_text(recipient, part, tagged)
        mid = sender.send_text(recipient, parts[-1], tagged, choices.options if choices else ())
    except (OutsideMetaWindow, OutsideHumanAgentWindow) as closed:
        store.mark_delivery(message, DeliveryStatus.FAILED, closed.message_key)
        return DeliveryStatus.FAILED
    except MetaRejected as rejected:
        store.mark_delivery(message, DeliveryStatus.FAILED, f"{rejected.code}: {rejected.title}")
        logger.info("meta reply rejected", extra={"ticket_id": message.ticket_id, "code": rejected.code})
        return DeliveryStatus.FAILED
    except Exception as exc:
        if not final_attempt:
            raise
        store.mark_delivery(message, DeliveryStatus.FAILED, f"send_failed: {type(exc).__name__}")
        return DeliveryStatus.FAILED
    store.record_sent(message, mid)
    return DeliveryStatus.SENT
