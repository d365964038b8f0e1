"""Identity checks for account questions: from a ticket, an agent sends a
one-time code to the contact's known e-mail address or WhatsApp number; the
customer types it in the conversation, and the ticket shows "identity verified"
(who asked, when, how).

- The code is six digits, lives CODE_LIFETIME, allows ATTEMPTS wrong answers and
  at most CODES_PER_HOUR codes per ticket. Only a salted hash is stored.
- The code never reaches the table, the thread or a log: the stored message says
  CODE_MASK where the code goes, and the code rides only on the outbound request
  (``OutboundRequest.code``), which puts it in at the moment of sending.
- A customer message is read for a code only while a check waits, and only when
  it holds a six-digit number; a message with more than MOST_CANDIDATES of them
  counts as one wrong answer (no spraying codes).
- Macros marked ``requires_identity`` are refused on a ticket whose contact has
  not been verified (``require_verified``).
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk.channels.outbound import CODE_MASK, OutboundQueue, OutboundRequest, outbound_message
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import HelpdeskError, IngestGaveUp, TicketNotFound
from helpdesk.models import (
    Actor,
    ActorKind,
    Channel,
    Contact,
    EventKind,
    FieldChange,
    IdentityKind,
    Language,
    Message,
    MessageKind,
    Notice,
    Ticket,
    TicketEvent,
)
from helpdesk.observability import logger
from helpdesk.retrying import until_saved
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

CODE_LIFETIME = timedelta(minutes=10)
ATTEMPTS = 5
CODES_PER_HOUR = 3
MOST_CANDIDATES = 3
# The approved WhatsApp template (authentication category) a code goes out in
# when the customer has not written on WhatsApp in the last 24 hours: its one
# parameter is the code.
CODE_TEMPLATE = "codigo_verificacion"
WHATSAPP_WINDOW = timedelta(hours=24)
_CANDIDATE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})(?!\d)")

CODE_TEXTS = {
    Language.SPANISH: (
        "Tu código de verificación de {team} es {code}. Vence en {minutes} minutos.\n\n"
        "Escríbelo en tu conversación con nuestro equipo. Si no lo pediste, ignora este mensaje."
    ),
    Language.ENGLISH: (
        "Your {team} verification code is {code}. It expires in {minutes} minutes.\n\n"
        "Type it in your conversation with our team. If you did not ask for it, ignore this message."
    ),
}


class CheckStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    FAILED = "failed"  # every attempt used
    EXPIRED = "expired"  # never stored: a pending check past its time


class CheckRequest(Validated):
    """Body of ``POST /api/tickets/{id}/identity-check``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    via: Literal["email", "whatsapp"]


class IdentityCheck(Validated):
    """A ticket's latest identity check, as agents see it (never the code)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ticket_id: str
    via: Channel
    to: str  # the address or number, masked
    status: CheckStatus
    requested_by: Actor
    requested_at: AwareDatetime
    expires_at: AwareDatetime
    attempts_left: Annotated[int, Field(ge=0)]
    codes_sent: tuple[AwareDatetime, ...] = ()  # when codes went out, the last hour's
    verified_at: AwareDatetime | None = None
    version: Annotated[int, Field(ge=1)] = 1

    def seen_at(self, now: datetime) -> "IdentityCheck":
        """The check as it stands at ``now`` (a pending one past its time has expired)."""
        if self.status is CheckStatus.PENDING and now >= self.expires_at:
            return self.model_copy(update={"status": CheckStatus.EXPIRED})
        return self


class NoKnownAddress(HelpdeskError):
    """The contact has no e-mail address or WhatsApp number of that kind."""

    message_key = "error.identity_no_address"


class TooManyCodes(HelpdeskError):
    message_key = "error.identity_too_many_codes"


class IdentityNotVerified(HelpdeskError):
    message_key = "error.identity_not_verified"


def current_check(store: HelpdeskStore, ticket_id: str, now: datetime | None = None) -> IdentityCheck | None:
    found = store.get_identity_check(ticket_id)
    return IdentityCheck.model_validate(found[0]).seen_at(now or utc_now()) if found else None


def send_code(
    store: HelpdeskStore,
    queue: OutboundQueue,
    ticket_id: str,
    request: CheckRequest,
    agent: Actor,
    mail: MailSettings,
) -> IdentityCheck:
    """A new code to the contact's known address of the kind asked for; any
    earlier code of the ticket stops working."""
    via = Channel(request.via)
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)

    def send() -> tuple[IdentityCheck, Message]:
        now = utc_now()
        thread = store.get_thread(ticket_id)
        if thread is None:
            raise TicketNotFound(ticket_id)
        address = _known_address(thread.contact, via)
        if address is None:
            raise NoKnownAddress(request.via)
        found = store.get_identity_check(ticket_id)
        earlier = IdentityCheck.model_validate(found[0]) if found else None
        recent = tuple(t for t in (earlier.codes_sent if earlier else ()) if now - t < timedelta(hours=1))
        if len(recent) >= CODES_PER_HOUR:
            raise TooManyCodes(ticket_id)
        check = IdentityCheck(
            ticket_id=ticket_id,
            via=via,
            to=_masked(address, via),
            status=CheckStatus.PENDING,
            requested_by=agent,
            requested_at=now,
            expires_at=now + CODE_LIFETIME,
            attempts_left=ATTEMPTS,
            codes_sent=(*recent, now),
            version=earlier.version + 1 if earlier else 1,
        )
        ticket = thread.ticket
        message = _code_message(ticket, thread.contact, via, agent, mail, now, thread.messages)
        event = _event(ticket_id, agent, now, EventKind.IDENTITY_CHECK_SENT, f"{via.value}: {check.to}")
        after = ticket.model_copy(update={"updated_at": now, "version": ticket.version + 1})
        store.save_identity_code(
            ticket, after, message, [event], check.model_dump(mode="json"), f"{salt}:{_hashed(salt, code)}"
        )
        return check, message

    check, message = until_saved(send, give_up=lambda: IngestGaveUp("ticket too busy to send a code"))
    queue.enqueue(
        OutboundRequest(ticket_id=ticket_id, message_id=message.id, sent_at=message.sent_at, channel=via, code=code)
    )
    return check


def answer_with(store: HelpdeskStore, ticket: Ticket, message: Message) -> IdentityCheck | None:
    """Read a customer's new message for the code of the ticket's waiting check;
    the check as it became, or None when the message was not an answer. Never
    stands in the way of intake: a failure is logged."""
    candidates = {a + b for a, b in _CANDIDATE.findall(message.text or "")}
    if message.kind is not MessageKind.INBOUND or not candidates:
        return None
    try:
        return until_saved(
            lambda: _answer(store, ticket, message, candidates),
            give_up=lambda: IngestGaveUp("identity check too busy"),
        )
    except Exception:  # noqa: BLE001 - the message is saved; an agent can send a new code
        logger.exception("identity check answer failed", extra={"ticket_id": ticket.id})
        return None


def require_verified(store: HelpdeskStore, ticket_id: str) -> None:
    """Refuse what needs a verified customer (a macro marked ``requires_identity``)."""
    check = current_check(store, ticket_id)
    if check is None or check.status is not CheckStatus.VERIFIED:
        raise IdentityNotVerified(ticket_id)


def _answer(store: HelpdeskStore, ticket: Ticket, message: Message, candidates: set[str]) -> IdentityCheck | None:
    now = utc_now()
    found = store.get_identity_check(ticket.id)
    if found is None:
        return None
    check, stored = IdentityCheck.model_validate(found[0]), found[1]
    if check.seen_at(now).status is not CheckStatus.PENDING:
        return None
    salt, _, digest = stored.partition(":")
    right = len(candidates) <= MOST_CANDIDATES and any(
        hmac.compare_digest(_hashed(salt, c), digest) for c in candidates
    )
    customer = Actor(kind=ActorKind.CONTACT, id=ticket.contact_id, name=message.author.name)
    events = []
    if right:
        after = check.model_copy(
            update={"status": CheckStatus.VERIFIED, "verified_at": now, "version": check.version + 1}
        )
        events.append(_event(ticket.id, customer, now, EventKind.IDENTITY_VERIFIED, f"{check.via.value}: {check.to}"))
    else:
        left = check.attempts_left - 1
        status = CheckStatus.PENDING if left > 0 else CheckStatus.FAILED
        after = check.model_copy(update={"attempts_left": left, "status": status, "version": check.version + 1})
        if left == 0:
            events.append(_event(ticket.id, customer, now, EventKind.IDENTITY_CHECK_FAILED, check.via.value))
    store.save_identity_answer(after.model_dump(mode="json"), stored, events)
    return after


def _known_address(contact: Contact | None, via: Channel) -> str | None:
    kind = IdentityKind.EMAIL if via is Channel.EMAIL else IdentityKind.WHATSAPP
    return next((i.value for i in contact.identities if i.kind is kind), None) if contact else None


def _masked(address: str, via: Channel) -> str:
    """What agents see of where the code went: enough to tell, not to copy."""
    if via is Channel.EMAIL:
        name, _, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}"
    return f"•••{address[-4:]}"


def _hashed(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def _code_message(
    ticket: Ticket,
    contact: Contact | None,
    via: Channel,
    agent: Actor,
    mail: MailSettings,
    now: datetime,
    thread: tuple[Message, ...],
) -> Message:
    """The stored copy of the code's message: CODE_MASK stands for the code."""
    language = contact.language if contact else Language.SPANISH
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    text = CODE_TEXTS[language].format(team=mail.support_name, code=CODE_MASK, minutes=minutes)
    notices: tuple[Notice, ...] = (Notice(key="identity_code", params={"via": via.value}),)
    if via is Channel.WHATSAPP and not _window_open(thread, now):
        template = {"name": CODE_TEMPLATE, "language": language.value, "parameters": f'["{CODE_MASK}"]'}
        notices = (*notices, Notice(key="template", params=template))
    on_its_way = ticket.model_copy(update={"channel": via})  # the contact's other address, maybe
    return outbound_message(on_its_way, text, agent, mail.support_domain, now).model_copy(update={"notices": notices})


def _window_open(thread: tuple[Message, ...], now: datetime) -> bool:
    """Whether the customer wrote on WhatsApp in the last 24 hours (a plain text may go)."""
    last = max(
        (m.sent_at for m in thread if m.kind is MessageKind.INBOUND and m.channel is Channel.WHATSAPP), default=None
    )
    return last is not None and now - last < WHATSAPP_WINDOW


def _event(ticket_id: str, actor: Actor, at: datetime, kind: EventKind, detail: str) -> TicketEvent:
    return TicketEvent(
        id=new_id(),
        ticket_id=ticket_id,
        kind=kind,
        actor=actor,
        at=at,
        changes=(FieldChange(field="identity", old=None, new=detail),),
    )
