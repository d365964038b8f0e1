"""An e-mail received by the support address becomes a ticket message, a bounce
on the reply it bounces, or a set-aside entry: never nothing (ARCHITECTURE §3,
flows 1 and 2).

SES stores each mail's raw MIME in the raw-mail bucket before anyone reads it;
how it was announced (an S3 notification through SQS, or an SES receipt rule's
own event, which also carries SES's verdicts) becomes a ``StoredMail``, and
``file_stored_mail`` files it.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict

from helpdesk.channels.email.parsing import LOOSE_ADDRESS, Address, MailAttachment, ParsedMail, parse_mail
from helpdesk.channels.email.reply_text import visible_text
from helpdesk.channels.email.thread_keys import ticket_in_addresses, ticket_in_message_ids, ticket_number_in_subject
from helpdesk.channels.outbound import OutboundQueue
from helpdesk.conversations.ingest import InboundMessage, IngestResult, ThreadHints, ingest
from helpdesk.errors import AutomaticMessageWithoutTicket, InvalidIdentity
from helpdesk.files import FileStore, keep_file
from helpdesk.models import Attachment, Channel, DeliveryStatus, Identity, IdentityKind, Notice, SetAside
from helpdesk.observability import BusinessMetric, count, logger
from helpdesk.settings import MailSettings, raw_mail_prefix
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import acknowledge_new_ticket

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parser.models import SesRecordModel

MAX_TEXT = 64 * 1024
MAX_FULL_TEXT = 128 * 1024
MAX_HTML = 160 * 1024
CID = re.compile(r"""cid:(?P<id>[^"'\s>)]+)""", re.IGNORECASE)


class MailOutcome(StrEnum):
    INGESTED = "ingested"
    DUPLICATE = "duplicate"
    BOUNCE_RECORDED = "bounce_recorded"
    SET_ASIDE = "set_aside"


@dataclass(frozen=True)
class MailDelivery:
    """How the mail reached us: the provider's id, where its raw MIME is kept,
    and what the provider's checks said (``PASS``/``FAIL``/``GRAY``…)."""

    provider_id: str
    original: Attachment
    received_at: datetime
    recipients: tuple[str, ...] = ()
    spam_verdict: str | None = None
    virus_verdict: str | None = None


@dataclass(frozen=True)
class MailReceipt:
    outcome: MailOutcome
    ticket_id: str | None = None
    message_id: str | None = None
    created_ticket: bool = False
    reason: str | None = None


def receive_mail(
    raw: bytes,
    delivery: MailDelivery,
    store: HelpdeskStore,
    files: FileStore,
    settings: MailSettings,
    outbound: OutboundQueue | None = None,
) -> MailReceipt:
    """File one received mail; idempotent on ``delivery.provider_id``. A new
    ticket from a person (not an auto-reply) is acknowledged through ``outbound``."""
    parsed = parse_mail(raw)
    spam, virus = _verdicts(parsed, delivery, raw)
    if virus == "FAIL":
        return _set_aside(store, delivery, parsed, "quarantined_virus")
    if spam == "FAIL":
        return _set_aside(store, delivery, parsed, "quarantined_spam")
    if parsed.delivery_report is not None:
        return _bounce(store, delivery, parsed)
    if not parsed.readable:
        parsed = _unreadable_but_from(parsed, raw)
        if parsed.sender is None:
            return _set_aside(store, delivery, parsed, "unreadable", "; ".join(parsed.problems))
    if parsed.sender is None:
        return _set_aside(store, delivery, parsed, "no_sender")
    try:
        result = ingest(_inbound(parsed, delivery, files, settings), store)
    except InvalidIdentity:
        return _set_aside(store, delivery, parsed, "no_sender", parsed.sender.email)
    except AutomaticMessageWithoutTicket:
        return _set_aside(store, delivery, parsed, "automatic_without_ticket")
    if not result.duplicate:
        count(BusinessMetric.MESSAGES_IN, Channel.EMAIL)
    if result.created_ticket:
        count(BusinessMetric.TICKETS_CREATED, Channel.EMAIL)
    if result.created_ticket and outbound is not None:
        acknowledge_new_ticket(store, outbound, result.ticket, store.get_contact(result.ticket.contact_id), settings)
    return _receipt(result)


def _unreadable_but_from(parsed: ParsedMail, raw: bytes) -> ParsedMail:
    """A mail no parser could read still belongs to whoever the From line names:
    it becomes a message with a "could not be read" notice, the raw kept."""
    head = raw[:16384].decode("latin-1")
    line = re.search(r"^From:[^\r\n]*", head, re.IGNORECASE | re.MULTILINE)
    address = LOOSE_ADDRESS.search(line.group()) if line else None
    if address is None:
        return parsed
    return replace(parsed, sender=Address("", address.group().strip(".").lower()))


def _receipt(result: IngestResult) -> MailReceipt:
    return MailReceipt(
        outcome=MailOutcome.DUPLICATE if result.duplicate else MailOutcome.INGESTED,
        ticket_id=result.ticket.id,
        message_id=result.message.id,
        created_ticket=result.created_ticket,
    )


def _verdicts(parsed: ParsedMail, delivery: MailDelivery, raw: bytes) -> tuple[str | None, str | None]:
    """SES gives verdicts in the event; the S3 copy carries them as headers."""
    head = raw[:16384].decode("latin-1")

    def header(name: str) -> str | None:
        match = re.search(rf"^{name}:\s*(\w+)", head, re.IGNORECASE | re.MULTILINE)
        return match.group(1).upper() if match else None

    spam = (delivery.spam_verdict or header("X-SES-Spam-Verdict") or "").upper() or None
    virus = (delivery.virus_verdict or header("X-SES-Virus-Verdict") or "").upper() or None
    return spam, virus


def _inbound(parsed: ParsedMail, delivery: MailDelivery, files: FileStore, settings: MailSettings) -> InboundMessage:
    sender = parsed.sender
    assert sender is not None  # noqa: S101 - checked by the caller
    attachments, notices, by_content_id = _store_attachments(parsed.attachments, files, settings)
    full_text = parsed.text
    text = visible_text(full_text)
    notices += _truncation_notices(text, full_text, parsed.html)
    if not parsed.readable:
        notices += (Notice(key="mail_unreadable"),)
    html = _with_inline_images(parsed.html, by_content_id)[:MAX_HTML] if parsed.html else None
    if not parsed.readable or parsed.problems:
        logger.info("mail parsed with problems", extra={"problems": list(parsed.problems)[:10]})
    support = settings.support_address.lower()
    addressed_to = (*delivery.recipients, *(a.email for a in parsed.to), *(a.email for a in parsed.cc))
    ticket_id = ticket_in_message_ids(parsed.thread_ids, settings.support_domain) or ticket_in_addresses(
        addressed_to, settings.support_address
    )
    return InboundMessage(
        channel=Channel.EMAIL,
        channel_message_id=delivery.provider_id,
        sender=Identity(kind=IdentityKind.EMAIL, value=sender.email),
        sender_name=sender.name or None,
        # When SES received it: a Date header is the sender's clock (often skewed,
        # sometimes forged), and would misplace a reply before what it answers.
        sent_at=delivery.received_at,
        subject=parsed.subject,
        text=text[:MAX_TEXT],
        html=html,
        full_text=full_text[:MAX_FULL_TEXT] if text != full_text.strip() else None,
        attachments=attachments,
        original=delivery.original,
        notices=notices,
        cc=tuple(
            dict.fromkeys(
                a.email
                for a in parsed.cc
                if a.email != sender.email and a.email.split("@")[-1] != support.split("@")[-1]
            )
        ),
        automatic=parsed.auto_reply,
        thread=ThreadHints(
            ticket_id=ticket_id,
            replies_to=parsed.thread_ids,
            ticket_number=ticket_number_in_subject(parsed.subject),
        ),
        thread_key=parsed.message_id,
    )


def _store_attachments(
    parts: tuple[MailAttachment, ...], files: FileStore, settings: MailSettings
) -> tuple[tuple[Attachment, ...], tuple[Notice, ...], dict[str, Attachment]]:
    stored: list[Attachment] = []
    notices: list[Notice] = []
    by_content_id: dict[str, Attachment] = {}
    total = 0
    for part in parts:
        size = len(part.content)
        label = part.filename or part.declared_type
        if size > settings.max_attachment_bytes or total + size > settings.max_mail_attachment_bytes:
            notices.append(Notice(key="attachment_too_large", params={"filename": label, "size": str(size)}))
            continue
        total += size
        attachment = keep_file(
            files, settings.attachments_bucket, "mail", part.content, part.filename, part.declared_type
        )
        stored.append(attachment)
        if part.content_id:
            by_content_id[part.content_id.lower()] = attachment
    return tuple(stored), tuple(notices), by_content_id


def _with_inline_images(html: str, by_content_id: dict[str, Attachment]) -> str:
    """``cid:`` references point at the stored attachments (served by the API)."""

    def rewrite(match: re.Match[str]) -> str:
        attachment = by_content_id.get(match.group("id").lower())
        return f"/api/attachments/{attachment.key}" if attachment else "about:blank"

    return CID.sub(rewrite, html)


def _truncation_notices(text: str, full_text: str, html: str | None) -> tuple[Notice, ...]:
    too_long = len(text) > MAX_TEXT or len(full_text) > MAX_FULL_TEXT or (html is not None and len(html) > MAX_HTML)
    return (Notice(key="text_truncated"),) if too_long else ()


def _bounce(store: HelpdeskStore, delivery: MailDelivery, parsed: ParsedMail) -> MailReceipt:
    report = parsed.delivery_report
    assert report is not None  # noqa: S101 - checked by the caller
    bounced = (
        store.find_channel_message(Channel.EMAIL, report.original_message_id) if report.original_message_id else None
    )
    if bounced is None or not report.failed:
        reason = "unmatched_bounce" if bounced is None else "delivery_delayed"
        return _set_aside(store, delivery, parsed, reason, f"{report.status} {report.diagnostic}".strip())
    error = f"{report.status} {report.diagnostic}".strip() or "bounced"
    store.mark_delivery(bounced, DeliveryStatus.FAILED, error)
    count(BusinessMetric.SENDS_FAILED, Channel.EMAIL)
    logger.info("bounce recorded", extra={"ticket_id": bounced.ticket_id, "message_id": bounced.id})
    return MailReceipt(MailOutcome.BOUNCE_RECORDED, ticket_id=bounced.ticket_id, message_id=bounced.id)


def _set_aside(
    store: HelpdeskStore, delivery: MailDelivery, parsed: ParsedMail, reason: str, detail: str = ""
) -> MailReceipt:
    store.set_aside(
        SetAside(
            id=delivery.provider_id,
            channel=Channel.EMAIL,
            reason=reason,
            received_at=delivery.received_at,
            sender=parsed.sender.email if parsed.sender else "",
            subject=parsed.subject[:250],
            original=delivery.original,
            detail=detail[:500],
        )
    )
    logger.info("mail set aside", extra={"reason": reason, "provider_id": delivery.provider_id})
    return MailReceipt(MailOutcome.SET_ASIDE, reason=reason)


def raw_mail_reference(bucket: str, key: str, raw: bytes) -> Attachment:
    """The Attachment that points at a raw mail already in ``bucket``."""
    return Attachment(
        bucket=bucket,
        key=key,
        filename="original.eml",
        content_type="message/rfc822",
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


@dataclass(frozen=True)
class StoredMail:
    """A received mail SES already stored: where its raw MIME is, the provider's
    id it is filed under, and what SES's checks said, when the event says."""

    bucket: str
    key: str
    provider_id: str
    received_at: datetime
    recipients: tuple[str, ...] = ()
    spam_verdict: str | None = None
    virus_verdict: str | None = None


def file_stored_mail(
    stored: StoredMail, store: HelpdeskStore, files: FileStore, settings: MailSettings, outbound: OutboundQueue
) -> MailReceipt:
    """Read a stored mail's raw MIME and file it (``receive_mail``)."""
    raw = files.get(stored.bucket, stored.key)
    delivery = MailDelivery(
        provider_id=stored.provider_id,
        original=raw_mail_reference(stored.bucket, stored.key, raw),
        received_at=stored.received_at,
        recipients=stored.recipients,
        spam_verdict=stored.spam_verdict,
        virus_verdict=stored.virus_verdict,
    )
    receipt = receive_mail(raw, delivery, store, files, settings, outbound)
    logger.info("mail received", extra={"outcome": receipt.outcome.value, "ticket_id": receipt.ticket_id})
    return receipt


def stored_by_ses(record: "SesRecordModel", raw_mail_bucket: str) -> StoredMail:
    """An SES receipt rule's Lambda event: the rule's S3 action wrote the mail at
    ``RAW_MAIL_PREFIX`` + SES message id, and SES's verdicts come with it."""
    mail, receipt = record.ses.mail, record.ses.receipt
    return StoredMail(
        bucket=raw_mail_bucket,
        key=raw_mail_prefix() + mail.messageId,
        provider_id=mail.messageId,
        received_at=mail.timestamp,
        recipients=tuple(str(r).lower() for r in receipt.recipients),
        spam_verdict=receipt.spamVerdict.status,
        virus_verdict=receipt.virusVerdict.status,
    )


class _Bucket(BaseModel):
    name: str


class _Object(BaseModel):
    key: str


class _S3Entity(BaseModel):
    bucket: _Bucket
    object: _Object


class _S3Record(BaseModel):
    model_config = ConfigDict(extra="ignore")

    eventName: str
    eventTime: datetime
    s3: _S3Entity


class ObjectCreatedNotification(BaseModel):
    """The fields of an S3 event notification intake uses (S3 sends an
    ``s3:TestEvent`` without ``Records`` when the notification is configured)."""

    model_config = ConfigDict(extra="ignore")

    Records: list[_S3Record] = []
    Event: str | None = None


def stored_by_s3(notification: str) -> list[StoredMail]:
    """The mails an S3 notification announces (the body of an SQS message); the
    object's name, which SES makes its message id, is the provider's id."""
    announced = ObjectCreatedNotification.model_validate_json(notification)
    found = []
    for s3 in announced.Records:
        if not s3.eventName.startswith("ObjectCreated"):
            continue
        key = unquote_plus(s3.s3.object.key)
        found.append(StoredMail(s3.s3.bucket.name, key, key.rsplit("/", 1)[-1], s3.eventTime.astimezone(UTC)))
    return found
