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
from typing import Any, Literal
from urllib.parse import unquote_plus

from pydantic import ConfigDict, Field

from helpdesk.channels.email.parsing import LOOSE_ADDRESS, Address, MailAttachment, ParsedMail, parse_mail
from helpdesk.channels.email.reply_view import reply_view
from helpdesk.channels.email.thread_keys import ticket_in_addresses, ticket_in_message_ids, ticket_number_in_subject
from helpdesk.channels.outbound import OutboundQueue
from helpdesk.conversations.ingest import InboundMessage, IngestResult, ThreadHints, ingest, sanitize_html
from helpdesk.errors import AutomaticMessageWithoutTicket, HelpdeskError, InvalidIdentity
from helpdesk.files import FileStore, keep_file
from helpdesk.models import (
    Attachment,
    Channel,
    DeliveryStatus,
    Identity,
    IdentityKind,
    MessageKind,
    Notice,
    SetAside,
)
from helpdesk.observability import BusinessMetric, count, logger
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings, raw_mail_prefix
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import acknowledge_new_ticket
from helpdesk.validated import Validated

# One message item holds all four, under DynamoDB's 400 KB per item.
MAX_TEXT = 64 * 1024
MAX_FULL_TEXT = 112 * 1024
MAX_HTML = 80 * 1024  # what is shown first
MAX_FULL_HTML = 112 * 1024  # the whole mail, behind "show quoted text"
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
    *,
    taken_in: bool = False,
) -> MailReceipt:
    """File one received mail; idempotent on ``delivery.provider_id``. A new
    ticket from a person (not an auto-reply) is acknowledged through ``outbound``.
    ``taken_in``: a person looked at a mail set aside as spam or as an auto-reply
    and made it a ticket, so neither verdict sets it aside again."""
    parsed = parse_mail(raw)
    spam, virus = _verdicts(parsed, delivery, raw)
    if virus == "FAIL":
        return _set_aside(store, delivery, parsed, "quarantined_virus")
    if spam == "FAIL" and not taken_in:
        return _set_aside(store, delivery, parsed, "quarantined_spam")
    if parsed.delivery_report is not None:
        return _bounce(store, delivery, parsed)
    if not parsed.readable:
        parsed = _unreadable_but_from(parsed, raw)
        if parsed.sender is None:
            return _set_aside(store, delivery, parsed, "unreadable", "; ".join(parsed.problems))
    if parsed.sender is None:
        return _set_aside(store, delivery, parsed, "no_sender")
    inbound = _inbound(parsed, delivery, files, settings)
    try:
        outbox = (lambda: Outbox(outbound, settings)) if outbound is not None else None
        result = ingest(inbound.model_copy(update={"automatic": False}) if taken_in else inbound, store, outbox)
    except InvalidIdentity:
        return _set_aside(store, delivery, parsed, "no_sender", parsed.sender.email)
    except AutomaticMessageWithoutTicket:
        return _set_aside(store, delivery, parsed, "automatic_without_ticket")
    if not result.duplicate:
        count(BusinessMetric.MESSAGES_IN, Channel.EMAIL)
    if outbound is not None and (result.created_ticket or (result.duplicate and _opened_ticket(result, store))):
        # Again on a redelivery: the delivery that opened the ticket may have
        # failed before the acknowledgment was stored or queued.
        contact = store.get_contact(result.ticket.contact_id)
        acknowledge_new_ticket(store, outbound, result.ticket, contact, settings, redelivered=result.duplicate)
    return _receipt(result)


def _opened_ticket(result: IngestResult, store: HelpdeskStore) -> bool:
    """Whether this (redelivered) mail is the one its ticket began with."""
    thread = store.get_thread(result.ticket.id)
    inbound = [m for m in thread.messages if m.kind is MessageKind.INBOUND] if thread else []
    return bool(inbound) and inbound[0].id == result.message.id


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
    full_html = _with_inline_images(parsed.html, by_content_id) if parsed.html else None
    # What the agent reads first; the whole mail stays behind "show quoted text".
    view = reply_view(parsed.subject, parsed.text, full_html)
    full_text, text = view.full_text, view.text
    notices += _truncation_notices(text, full_text, full_html)
    if not parsed.readable:
        notices += (Notice(key="mail_unreadable"),)
    html = view.html[:MAX_HTML] if view.html else None
    kept_html = full_html[:MAX_FULL_HTML] if full_html and view.html != full_html else None
    if not parsed.readable or parsed.problems:
        logger.info("mail parsed with problems", extra={"problems": list(parsed.problems)[:10]})
    support = settings.support_address.lower()
    addressed_to = tuple(
        address
        for address in (*delivery.recipients, *(a.email for a in parsed.to), *(a.email for a in parsed.cc))
        if _is_text(address)  # raw 8-bit bytes in a header (k.g\udcfcnther@…) are never our address
    )
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
        full_html=kept_html,
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
        # which of the desk's addresses it was sent to (``channels/setup.py``)
        addressed_to=tuple(dict.fromkeys(a.lower() for a in addressed_to if len(a) <= 320))[:100],
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
    too_long = len(text) > MAX_TEXT or len(full_text) > MAX_FULL_TEXT
    too_long = too_long or (html is not None and len(html) > MAX_FULL_HTML)
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


class NotTakenIn(HelpdeskError):
    """A set-aside mail that cannot become a ticket: carrying a virus, or with
    nobody to answer; or no longer there."""

    message_key = "error.set_aside_not_taken_in"


TAKEN_IN_REASONS = ("quarantined_spam", "automatic_without_ticket", "unreadable")


def take_in_set_aside(
    received_at: datetime, entry_id: str, store: HelpdeskStore, files: FileStore, settings: MailSettings
) -> SetAside:
    """Make a set-aside mail a ticket through the same intake, once: a second
    call finds the same ticket (the provider id is filed like any delivery).
    No acknowledgment is sent: it may answer an auto-reply."""
    entry = store.get_set_aside(received_at, entry_id)
    if entry is None or entry.original is None or entry.reason not in TAKEN_IN_REASONS:
        raise NotTakenIn(entry_id)
    if entry.ticket_id is not None:
        return entry
    raw = files.get(entry.original.bucket, entry.original.key)
    delivery = MailDelivery(provider_id=entry.id, original=entry.original, received_at=entry.received_at)
    receipt = receive_mail(raw, delivery, store, files, settings, taken_in=True)
    if receipt.ticket_id is None:
        raise NotTakenIn(entry_id)
    filed = entry.model_copy(update={"ticket_id": receipt.ticket_id})
    store.set_aside(filed)
    logger.info("set-aside mail taken in", extra={"ticket_id": receipt.ticket_id, "reason": entry.reason})
    return filed


class SetAsideMail(Validated):
    """A set-aside mail as a person reads it before deciding: its entry, its
    text, and its HTML sanitized like any message's (none when it carries a
    virus: nothing of it is rendered)."""

    model_config = ConfigDict(frozen=True)

    entry: SetAside
    text: str
    html: str | None = None


def read_set_aside(received_at: datetime, entry_id: str, store: HelpdeskStore, files: FileStore) -> SetAsideMail:
    entry = store.get_set_aside(received_at, entry_id)
    if entry is None or entry.original is None:
        raise NotTakenIn(entry_id)
    parsed = parse_mail(files.get(entry.original.bucket, entry.original.key))
    dangerous = entry.reason == "quarantined_virus"
    html = sanitize_html(parsed.html)[:MAX_HTML] if parsed.html and not dangerous else None
    return SetAsideMail(entry=entry, text=parsed.text[:MAX_FULL_TEXT], html=html)


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


class _Verdict(Validated):
    status: Literal["PASS", "FAIL", "GRAY", "PROCESSING_FAILED"]


class _SesReceipt(Validated):
    model_config = ConfigDict(extra="ignore")

    recipients: list[str]
    spamVerdict: _Verdict
    virusVerdict: _Verdict


class _SesMail(Validated):
    model_config = ConfigDict(extra="ignore")

    timestamp: datetime
    messageId: str


class _SesMessage(Validated):
    mail: _SesMail
    receipt: _SesReceipt


class SesReceiptRecord(Validated):
    """The fields of an SES receipt rule's Lambda event record intake uses."""

    model_config = ConfigDict(extra="ignore")

    eventSource: Literal["aws:ses"]
    ses: _SesMessage


def stored_by_ses(record: dict[str, Any], raw_mail_bucket: str) -> StoredMail:
    """An SES receipt rule's Lambda event record: the rule's S3 action wrote the
    mail at ``RAW_MAIL_PREFIX`` + SES message id, and SES's verdicts come with it."""
    ses = SesReceiptRecord.model_validate(record).ses
    mail, receipt = ses.mail, ses.receipt
    return StoredMail(
        bucket=raw_mail_bucket,
        key=raw_mail_prefix() + mail.messageId,
        provider_id=mail.messageId,
        received_at=mail.timestamp,
        recipients=tuple(str(r).lower() for r in receipt.recipients),
        spam_verdict=receipt.spamVerdict.status,
        virus_verdict=receipt.virusVerdict.status,
    )


class _Bucket(Validated):
    name: str


class _Object(Validated):
    key: str


class _S3Entity(Validated):
    bucket: _Bucket
    object: _Object


class _S3Record(Validated):
    model_config = ConfigDict(extra="ignore")

    eventName: str
    eventTime: datetime
    s3: _S3Entity


class ObjectCreatedNotification(Validated):
    """The fields of an S3 event notification intake uses (S3 sends an
    ``s3:TestEvent`` without ``Records`` when the notification is configured)."""

    model_config = ConfigDict(extra="ignore")

    Records: list[_S3Record] = Field(default_factory=list)
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


def _is_text(address: str) -> bool:
    """Whether an address is plain text (undecodable header bytes come as lone surrogates)."""
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
