"""A queued reply leaves on its ticket's channel (ARCHITECTURE §3, flow 3):
e-mail through the ``Mailer``, WhatsApp through the ``WhatsAppSender``, Messenger
and Instagram through the ``MetaSender`` (Meta's Send API), web chat
by the live fan-out (the stored reply reaches the visitor's WebSocket from the
table's stream, so it is sent once stored); a channel
without a sender yet fails visibly on the ticket, never silently.

A failed send raises, to be tried again after a growing delay (``retry_delay``:
20 s, 40 s, 80 s… up to 15 minutes); the last allowed attempt marks the message
failed instead, so agents see it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from helpdesk.channels.email.outbound import Mailer, deliver_email
from helpdesk.channels.meta_messaging.outbound import META_CHANNELS, MetaSender, deliver_meta
from helpdesk.channels.outbound import OutboundRequest, queued_message
from helpdesk.channels.whatsapp.outbound import WhatsAppSender, deliver_whatsapp
from helpdesk.clock import utc_now
from helpdesk.files import FileStore
from helpdesk.models import Channel, DeliveryStatus
from helpdesk.observability import BusinessMetric, count, logger
from helpdesk.settings import MailSettings, meta_window_settings
from helpdesk.store import HelpdeskStore

BASE_DELAY_SECONDS = 10
MAX_DELAY_SECONDS = 900  # SQS allows a message to be hidden for 12 hours; a reply should not wait that long


@dataclass(frozen=True)
class Senders:
    """The ways out, each built when a reply first needs it (a batch of e-mail
    replies never reads the WhatsApp token)."""

    mailer: Callable[[], Mailer]
    whatsapp: Callable[[], WhatsAppSender]
    files: Callable[[], FileStore]
    meta: Callable[[], MetaSender] = field(default=lambda: _no_sender("meta"))


def _no_sender(name: str) -> MetaSender:
    raise RuntimeError(f"no {name} sender configured")


def send_reply(
    request: OutboundRequest,
    attempt: int,
    max_attempts: int,
    store: HelpdeskStore,
    senders: Senders,
    mail: MailSettings,
) -> DeliveryStatus | None:
    """Send one queued reply on its ticket's channel (or the one the request
    names: an identity code to the contact's other address); the message's new status
    (None when it is gone or an earlier delivery already handled it). Raises to
    be retried, unless ``attempt`` is the last of ``max_attempts``."""
    final = attempt >= max_attempts
    ticket = store.get_ticket(request.ticket_id)
    channel = request.channel or (ticket.channel if ticket is not None else None)
    if channel is Channel.EMAIL:
        status = deliver_email(request, store, senders.mailer(), mail, final, senders.files())
    elif channel is Channel.WHATSAPP:
        status = deliver_whatsapp(request, store, senders.whatsapp(), final_attempt=final)
    elif channel in META_CHANNELS:
        human_agent = meta_window_settings().human_agent_tag
        status = deliver_meta(request, store, senders.meta(), human_agent, utc_now(), final, senders.files)
    elif channel is Channel.CHAT:
        status = _to_chat(request, store)
    else:
        status = _unavailable(request, store)
    if status is DeliveryStatus.SENT:
        count(BusinessMetric.MESSAGES_OUT, channel)
    elif status is DeliveryStatus.FAILED:
        count(BusinessMetric.SENDS_FAILED, channel)
    logger.info("outbound handled", extra={"ticket_id": request.ticket_id, "status": status, "attempt": attempt})
    return status


def retry_delay(attempt: int) -> int:
    """How long a reply that failed its ``attempt``-th try waits for the next."""
    return min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**attempt)


def _unavailable(request: OutboundRequest, store: HelpdeskStore) -> DeliveryStatus | None:
    """Channels whose sender has not been built yet fail visibly, not silently."""
    message = queued_message(store, request)
    if message is None:
        return None
    store.mark_delivery(message, DeliveryStatus.FAILED, "channel_not_available")
    return DeliveryStatus.FAILED


def _to_chat(request: OutboundRequest, store: HelpdeskStore) -> DeliveryStatus | None:
    """A web chat reply: the live fan-out posts it to the visitor's connection
    (``helpdesk.live.events``, the ticket's conversation room) and the widget
    reloads its transcript; here it is only marked sent."""
    message = queued_message(store, request)
    if message is None:
        return None
    store.mark_delivery(message, DeliveryStatus.SENT, None)
    return DeliveryStatus.SENT
