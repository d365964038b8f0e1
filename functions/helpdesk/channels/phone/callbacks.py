"""Callback requests ("llámenme"): a customer asks, from the help center's
contact form, to be called at a number and a time that suits them.

The form's ticket carries the number and the preferred time. When the
deployment connects an Amazon Connect instance, the call is placed through it
(``StartOutboundVoiceContact``, through the ``CallbackDialer`` port; its
contact events then become the call's phone message like any other call).
Without one, or when Connect refuses, the callback is an agent's task: a
``callback`` follow-up in the console's follow-up queue, due within a day.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol

from pydantic import ConfigDict, Field

from helpdesk.errors import CallbackRefused, InvalidIdentity
from helpdesk.follow_ups.entries import FollowUpReason, open_follow_up
from helpdesk.models import Identity, IdentityKind, Ticket
from helpdesk.observability import logger
from helpdesk.people.contacts import normalize_identity
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated


class CallbackDialer(Protocol):
    """Places a call to a customer (Amazon Connect, ``providers/connect.py``)."""

    def start_callback(self, number: str, request_id: str, attributes: dict[str, str]) -> str:
        """Start the call; the provider's id for it. ``request_id`` makes a
        repeated start the same call (Connect's client token)."""


class DialerUnavailable(Exception):
    """The provider did not take the call (throttled, misconfigured, down)."""


class CallbackRequest(Validated):
    """The number to call and when the customer prefers it (their own words:
    "hoy después de las 5", "mañana por la mañana")."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    number: Annotated[str, Field(max_length=40)]  # checked by ``callback_number``
    preferred_time: Annotated[str, Field(max_length=120)] = ""


@dataclass(frozen=True)
class CallbackOutcome:
    ticket_id: str
    number: str  # E.164
    connect_contact_id: str | None = None  # Connect placed the call
    task_opened: bool = False  # an agent's task instead


def callback_number(raw: str) -> str:
    """The number to call, E.164; ``CallbackRefused`` when it is not a number
    (with its country code) anyone can be called at."""
    written = raw.strip()
    if written.startswith("00"):
        written = "+" + written[2:]
    if not written.startswith("+"):  # digits alone may be any country's: "4455-6677" is not +44 556677
        raise CallbackRefused("no country code")
    try:
        return normalize_identity(Identity(kind=IdentityKind.PHONE, value=written)).value
    except InvalidIdentity as exc:
        raise CallbackRefused("not a phone number") from exc


def callback_text(request: CallbackRequest, number: str) -> str:
    """How the request reads on the ticket (agents read Spanish and English)."""
    when = request.preferred_time or "lo antes posible / as soon as possible"
    return f"📞 Llámenme / Call me back: {number}\nHora preferida / Preferred time: {when}"


def request_callback(
    store: HelpdeskStore,
    ticket: Ticket,
    request: CallbackRequest,
    dialer: CallbackDialer | None,
    request_id: str,
    now: datetime,
) -> CallbackOutcome:
    """Place the call through Connect when it is configured, else (or when it
    refuses) open the agents' task. Safe to repeat with the same ``request_id``."""
    number = callback_number(request.number)
    if dialer is not None:
        attributes = {"ticket_id": ticket.id, "ticket_number": str(ticket.number)}
        if request.preferred_time:
            attributes["preferred_time"] = request.preferred_time
        try:
            contact_id = dialer.start_callback(number, request_id, attributes)
        except DialerUnavailable:
            logger.warning("callback not placed; an agent's task instead", extra={"ticket_id": ticket.id})
        else:
            logger.info("callback placed", extra={"ticket_id": ticket.id})
            return CallbackOutcome(ticket_id=ticket.id, number=number, connect_contact_id=contact_id)
    detail = f"{number} · {request.preferred_time or 'lo antes posible / as soon as possible'}"
    opened = open_follow_up(store, ticket, FollowUpReason.CALLBACK, detail, now)
    return CallbackOutcome(ticket_id=ticket.id, number=number, task_opened=opened)
