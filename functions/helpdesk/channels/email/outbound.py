"""Replies leave as properly threaded e-mail.

Every mail carries our Message-ID (naming message and ticket), In-Reply-To and
References with the thread so far, the ticket number in the subject, a reply
address with the ticket's token, and text and HTML parts. The From name is the
display name of the support address the customer wrote to (when the channel
setup lists it), else ``SUPPORT_NAME``; the From address is always the support
address, the identity SES verified. Header values are
built by the standard library's ``email`` with ``policy.SMTP``, which refuses any
CR or LF in a header: no field a customer or agent typed can add a header.
"""

from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from helpdesk.channels.email.thread_keys import reply_address, subject_for_reply
from helpdesk.channels.outbound import OutboundRequest, queued_message
from helpdesk.channels.setup import current_channels
from helpdesk.files import FileStore
from helpdesk.models import ActorKind, Attachment, Contact, DeliveryStatus, IdentityKind, Message, Ticket
from helpdesk.observability import logger
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore

MAX_REFERENCES = 20


class Mailer(Protocol):
    """Sends mail we composed, as it is (our headers kept): replies to customers
    and notices to agents. The SES adapter is ``helpdesk.providers.ses.SesMailer``."""

    def send(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> str:
        """Send ``raw`` from ``sender`` to ``recipients``; the provider's message id."""


@dataclass(frozen=True)
class ComposedMail:
    raw: bytes
    recipients: tuple[str, ...]


def compose_reply(
    ticket: Ticket,
    message: Message,
    contact: Contact,
    thread_keys: list[str],
    mail: MailSettings,
    files: list[tuple[Attachment, bytes]] | None = None,
    sender_name: str | None = None,
) -> ComposedMail:
    """The reply as MIME; ``sender_name``: the From name (default ``SUPPORT_NAME``)."""
    to = _email_of(contact)
    if to is None:
        raise ValueError("contact has no e-mail address")
    cc = tuple(c for c in ticket.cc if c != to)
    name = _one_line(sender_name or mail.support_name)
    composed = EmailMessage(policy=policy.SMTP)
    composed["From"] = Address(display_name=name, addr_spec=mail.support_address)
    composed["Reply-To"] = Address(display_name=name, addr_spec=reply_address(mail.support_address, ticket.id))
    composed["To"] = Address(display_name=_one_line(contact.name), addr_spec=to)
    if cc:
        composed["Cc"] = ", ".join(cc)
    composed["Subject"] = _one_line(subject_for_reply(ticket.subject, ticket.number))
    composed["Date"] = format_datetime(message.sent_at)
    composed["Message-ID"] = message.thread_key or ""
    earlier = [key for key in thread_keys if key != message.thread_key][-MAX_REFERENCES:]
    if earlier:
        composed["In-Reply-To"] = earlier[-1]
        composed["References"] = " ".join(earlier)
    if message.author.kind is not ActorKind.AGENT:
        composed["Auto-Submitted"] = "auto-replied"
        composed["X-Auto-Response-Suppress"] = "All"
    composed.set_content(message.text)
    if message.html:
        composed.add_alternative(f"<!doctype html><html><body>{message.html}</body></html>", subtype="html")
    for attachment, content in files or ():
        maintype, _, subtype = attachment.content_type.partition("/")
        composed.add_attachment(
            content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=_one_line(attachment.filename) or "adjunto",
        )
    return ComposedMail(raw=composed.as_bytes(), recipients=(to, *cc))


def deliver_email(
    request: OutboundRequest,
    store: HelpdeskStore,
    mailer: Mailer,
    mail: MailSettings,
    final_attempt: bool,
    files: FileStore | None = None,
) -> DeliveryStatus | None:
    """Send a queued e-mail reply once; raises to be retried unless this is the
    final attempt, which marks the message failed. Returns the new status."""
    message = queued_message(store, request)
    if message is None:
        return None  # gone, or already handled by an earlier delivery of this request
    thread = store.get_thread(request.ticket_id)
    if thread is None or thread.contact is None or _email_of(thread.contact) is None:
        store.mark_delivery(message, DeliveryStatus.FAILED, "no_email_address")
        return DeliveryStatus.FAILED
    keys = [m.thread_key for m in thread.messages if m.thread_key]
    attached = [(a, files.get(a.bucket, a.key)) for a in message.attachments] if files else []
    # Read only for a ticket that arrived on a listed address: others cost nothing more
    sender_name = current_channels(store).sender_name(thread.ticket.recipient) if thread.ticket.recipient else None
    composed = compose_reply(thread.ticket, message, thread.contact, keys, mail, attached, sender_name)
    try:
        mailer.send(composed.raw, mail.support_address, composed.recipients)
    except Exception as exc:
        if not final_attempt:
            raise
        store.mark_delivery(message, DeliveryStatus.FAILED, f"send_failed: {type(exc).__name__}")
        logger.warning("reply failed for good", extra={"ticket_id": message.ticket_id, "message_id": message.id})
        return DeliveryStatus.FAILED
    store.mark_delivery(message, DeliveryStatus.SENT, None)
    return DeliveryStatus.SENT


def _email_of(contact: Contact) -> str | None:
    return next((i.value for i in contact.identities if i.kind is IdentityKind.EMAIL), None)


def _one_line(value: str) -> str:
    return " ".join(value.split())
