"""Replies leave on WhatsApp: free text inside the customer-service window, the
approved template the agent chose outside it."""

from typing import Protocol

from helpdesk.channels.interactive import interactive_of
from helpdesk.channels.outbound import OutboundRequest, queued_message
from helpdesk.errors import WhatsAppRejected
from helpdesk.models import Channel, DeliveryStatus, IdentityKind, Message, MessageKind
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import template_of


class WhatsAppSender(Protocol):
    def send_text(self, to: str, body: str, reply_to: str | None = None) -> str: ...

    def mark_read(self, wamid: str) -> None: ...

    def send_template(self, to: str, name: str, language: str, parameters: list[str]) -> str: ...

    def send_buttons(self, to: str, body: str, buttons: list[tuple[str, str]]) -> str: ...

    def send_list(self, to: str, body: str, button: str, rows: list[tuple[str, str]]) -> str: ...


def deliver_whatsapp(
    request: OutboundRequest, store: HelpdeskStore, sender: WhatsAppSender, final_attempt: bool
) -> DeliveryStatus | None:
    """Send a queued WhatsApp reply once. A rule violation (Meta's 4xx) fails it
    at once; anything else raises to be retried, and fails on the last attempt."""
    message = queued_message(store, request)
    if message is None:
        return None
    thread = store.get_thread(request.ticket_id)
    contact = thread.contact if thread else None
    wa_id = next((i.value for i in contact.identities if i.kind is IdentityKind.WHATSAPP), None) if contact else None
    if wa_id is None:
        store.mark_delivery(message, DeliveryStatus.FAILED, "no_whatsapp_id")
        return DeliveryStatus.FAILED
    template = template_of(message)
    last_inbound = _last_customer_message(thread.messages if thread else ())
    if last_inbound is not None:
        _mark_read(sender, last_inbound)
    try:
        if template is not None:
            wamid = sender.send_template(wa_id, template.name, template.language, list(template.parameters))
        elif (choices := interactive_of(message)) is not None and choices.style == "list":
            wamid = sender.send_list(wa_id, message.text, choices.button, list(choices.options))
        elif choices is not None:
            wamid = sender.send_buttons(wa_id, message.text, list(choices.options))
        else:
            wamid = sender.send_text(wa_id, message.text)
    except WhatsAppRejected as rejected:
        store.mark_delivery(message, DeliveryStatus.FAILED, f"{rejected.code}: {rejected.title}")
        logger.info("whatsapp reply rejected", extra={"ticket_id": message.ticket_id, "code": rejected.code})
        return DeliveryStatus.FAILED
    except Exception as exc:
        if not final_attempt:
            raise
        store.mark_delivery(message, DeliveryStatus.FAILED, f"send_failed: {type(exc).__name__}")
        return DeliveryStatus.FAILED
    store.record_sent(message, wamid)
    return DeliveryStatus.SENT


def _last_customer_message(messages: tuple[Message, ...]) -> str | None:
    inbound = [
        m for m in messages if m.kind is MessageKind.INBOUND and m.channel is Channel.WHATSAPP and m.channel_message_id
    ]
    return inbound[-1].channel_message_id if inbound else None


def _mark_read(sender: WhatsAppSender, wamid: str) -> None:
    """Blue ticks for the customer's message being answered; never blocks the reply."""
    try:
        sender.mark_read(wamid)
    except Exception:  # noqa: BLE001 - a read receipt is a courtesy, the reply matters
        logger.info("could not mark the customer's message read", extra={"wamid": wamid[:64]})
