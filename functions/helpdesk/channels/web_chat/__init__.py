"""The live web chat, as its visitors see it: the widget on a customer's site
(``frontend/widget.js``) writes on the ``chat`` channel, and its visitor follows
the conversation over the WebSocket API (``helpdesk.live.sockets``, a
``chat`` connection in the ticket's ``conversation`` room).

- **The visitor's session**: the first message gets a random session token
  (``visitor``, 192 bits) that only the visitor's browser keeps; the help desk
  stores only its SHA-256 as the contact's ``web_session`` identity, so the
  token is the visitor's proof and nobody reading the table can pose as them.
  A visitor sees only the open conversation of their own session.
- **Messages**: each carries the widget's own id (``client_message_id``), so a
  retry after a lost answer never adds the message twice (ingest's
  channel-message uniqueness). Text only: what a visitor types is stored and
  shown as text, never as markup.
- **The assistant** (``helpdesk.assistant``): with the public articles' search,
  each message first goes to the assistant while no person has the
  conversation (and the channel setup leaves it on for the web chat).
- **Sites**: the widget names its site (``data-site``); a listed site gives a
  new conversation its group and language, and once sites are listed only
  theirs, from the origins each names, are taken (``chat_allowed``; the routes
  and the WebSocket check the page's ``Origin``).
- **Sizes and limits**: ``limits.WEB_CHAT_SIZES`` bounds the text, and the public
  routes limit each address and each session (``agent_api.web_chat``).
"""

import hashlib
import secrets
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field

from helpdesk import limits
from helpdesk.assistant import turns as bot
from helpdesk.assistant.answers import RETRIEVAL, AnswerWriter
from helpdesk.assistant.callbacks import Callbacks
from helpdesk.assistant.voices import Voice
from helpdesk.channels.setup import SITE, current_channels
from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.errors import HelpdeskError
from helpdesk.knowledge.finding import ArticleSearch
from helpdesk.models import ActorKind, Channel, Identity, IdentityKind, Language, MessageKind, Ticket, TicketStatus
from helpdesk.people.contacts import normalize_identity
from helpdesk.retrying import until_saved
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

VISITOR_PATTERN = r"^[A-Za-z0-9_-]{24,64}$"  # a session token as the widget keeps it
CLIENT_MESSAGE_ID = r"^[A-Za-z0-9_-]{8,64}$"
SHOWN_KINDS = (MessageKind.INBOUND, MessageKind.OUTBOUND)  # notes and system lines stay with the agents


class ChatRefused(HelpdeskError):
    """A chat request the help desk does not take (``key``: its text, in ``MESSAGES``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class VisitorMessage(Validated):
    """What the widget sends: the visitor's text, and who they say they are."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    visitor: Annotated[str, Field(pattern=VISITOR_PATTERN)] | None = None  # none: a new session
    client_message_id: Annotated[str, Field(pattern=CLIENT_MESSAGE_ID)]
    text: Annotated[str, Field(min_length=1, max_length=limits.WEB_CHAT_SIZES.max_message_chars)]
    name: Annotated[str, Field(max_length=120)] = ""
    email: Annotated[str, Field(max_length=320)] = ""  # checked like the channels' addresses
    locale: Language = Language.SPANISH
    page: Annotated[str, Field(max_length=500)] = ""  # where on the customer's site the visitor wrote
    site: Annotated[str, Field(pattern=SITE)] | None = None  # the widget's data-site (``channels.setup.ChatSite``)


class VisitorSession(Validated):
    """The widget asking for its conversation (the transcript)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    visitor: Annotated[str, Field(pattern=VISITOR_PATTERN)]
    site: Annotated[str, Field(pattern=SITE)] | None = None


class Sent(Validated):
    """The answer to a visitor's message: the session to keep, and where it went."""

    visitor: str
    ticket_id: str
    ticket_number: int
    message_id: str
    duplicate: bool = False
    handoff: bool = False  # the assistant handed the conversation to people with this message


class ChatLine(Validated):
    """One line of the transcript as the widget shows it (text only)."""

    id: str
    client_message_id: str | None = None  # the widget's own id of a visitor's line
    author: str  # "visitor", "agent" or "bot"
    name: str = ""
    text: str
    sent_at: AwareDatetime
    ask: bool = False  # the assistant waits for "sí" or "no" to this line (the widget shows buttons)


def new_visitor_token() -> str:
    return secrets.token_urlsafe(24)


def visitor_identity(token: str) -> Identity:
    """The ``web_session`` identity a visitor's token stands for (its hash, never the token)."""
    return Identity(kind=IdentityKind.WEB_SESSION, value="v" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:48])


def send(
    store: HelpdeskStore,
    message: VisitorMessage,
    now: datetime,
    search: ArticleSearch | None = None,
    hand_over: bot.HandOver | None = None,
    callbacks: Callbacks | None = None,
    writer: AnswerWriter = RETRIEVAL,
) -> Sent:
    """A visitor's message on their conversation's ticket (a new ticket for the
    first one); the same ``client_message_id`` again is the same message. With
    ``search`` (the public articles), the assistant answers it first while no
    person has the conversation; ``hand_over`` starts the handoff flow when it
    gives the conversation to people; ``callbacks``, how it takes a request to
    be called; ``writer``, how it words an answer."""
    email = normalize_identity(Identity(kind=IdentityKind.EMAIL, value=message.email)).value if message.email else ""
    token = message.visitor or new_visitor_token()
    sender = visitor_identity(token)
    first_line = message.text.splitlines()[0][:80]
    text = message.text if not email else f"{message.text}\n\n[{email}]"
    inbound = InboundMessage(
        channel=Channel.CHAT,
        channel_message_id=f"{sender.value}:{message.client_message_id}",
        sender=sender,
        sender_name=message.name or None,
        sent_at=now,
        subject=first_line,
        text=text,
        addressed_to=(message.site,) if message.site else (),  # the site's group and language
    )
    result = ingest(inbound, store)
    turn = bot.Turn()
    if search is not None and not result.duplicate and bot.is_on_duty(result.ticket):
        turn = _assistant(store, search, result.ticket.id, message, now, callbacks, writer)
        if turn.handoff is not None and hand_over is not None:
            hand_over(result.ticket)
    return Sent(
        visitor=token,
        ticket_id=result.ticket.id,
        ticket_number=result.ticket.number,
        message_id=result.message.id,
        duplicate=result.duplicate,
        handoff=turn.handoff is not None,
    )


def _assistant(
    store: HelpdeskStore,
    search: ArticleSearch,
    ticket_id: str,
    message: VisitorMessage,
    now: datetime,
    callbacks: Callbacks | None,
    writer: AnswerWriter,
) -> bot.Turn:
    """The assistant's turn on the ticket as it is now (a rule or an agent may have just changed it)."""

    if Channel.CHAT not in current_channels(store).assistant:
        return bot.Turn()

    def turn() -> bot.Turn:
        ticket = store.get_ticket(ticket_id)
        if ticket is None:
            return bot.Turn()
        return bot.take_turn(store, search, Voice(), ticket, message.text, message.locale, now, None, callbacks,
                             writer)  # fmt: skip

    return until_saved(turn)


class SiteRefused(HelpdeskError):
    """The chat is not open to this site, or not from this page's origin."""

    message_key = "error.chat_site_refused"


def check_site(store: HelpdeskStore, site: str | None, origin: str | None) -> None:
    """Refuse (``SiteRefused``) a request the channel setup's chat sites do not admit."""
    if not current_channels(store).chat_allowed(site or "", origin):
        raise SiteRefused(site or "-")


def conversation_of(store: HelpdeskStore, token: str) -> Ticket | None:
    """The visitor's open conversation (None: they have not written, or it was closed)."""
    record = store.find_identity(visitor_identity(token))
    if record is None:
        return None
    ticket_id = record.open_tickets.get(Channel.CHAT.value) or store.find_open_ticket_id(
        record.contact_id, Channel.CHAT
    )
    ticket = store.get_ticket(ticket_id) if ticket_id else None
    if ticket is None or ticket.contact_id != record.contact_id or ticket.status is TicketStatus.CLOSED:
        return None
    return ticket


def transcript(store: HelpdeskStore, token: str) -> tuple[Ticket | None, list[ChatLine]]:
    """The visitor's conversation as they may see it: their messages and the
    replies, oldest first; never notes, system lines or other tickets."""
    ticket = conversation_of(store, token)
    thread = store.get_thread(ticket.id) if ticket else None
    if ticket is None or thread is None:
        return None, []
    prefix = visitor_identity(token).value + ":"
    lines = []
    for message in sorted(thread.messages, key=lambda m: (m.sent_at, m.id)):
        if message.kind not in SHOWN_KINDS:
            continue
        visitor = message.kind is MessageKind.INBOUND
        author = "visitor" if visitor else ("bot" if message.author.kind is not ActorKind.AGENT else "agent")
        own_id = (message.channel_message_id or "").removeprefix(prefix) if visitor else None
        lines.append(
            ChatLine(
                id=message.id,
                client_message_id=own_id or None,
                author=author,
                name="" if visitor else message.author.name,
                text=message.text,
                sent_at=message.sent_at,
            )
        )
    if lines and lines[-1].author == "bot" and bot.ASKED in ticket.tags:
        lines[-1] = lines[-1].model_copy(update={"ask": True})
    return ticket, lines
