"""Callbacks the assistant takes ("llámenme"): the number is the one the
customer writes, else the one they write from (WhatsApp); the request is the
help center's own (``channels.phone.callbacks.request_callback``): Amazon
Connect places the call when the deployment connects an instance, else an
agent's task opens in the follow-up queue. One per ticket: the assistant hands
the conversation over with it."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from helpdesk.channels.phone.callbacks import (
    CallbackDialer,
    CallbackOutcome,
    CallbackRequest,
    callback_number,
    request_callback,
)
from helpdesk.clock import utc_now
from helpdesk.errors import CallbackRefused
from helpdesk.models import IdentityKind, Ticket
from helpdesk.store import HelpdeskStore

# Written with its country code ("+502 4455 6677", "00502…"): digits alone may be any country's
_NUMBER = re.compile(r"(?:\+|\b00)\d[\d .()-]{6,20}\d")
CALLED_FROM = (IdentityKind.WHATSAPP, IdentityKind.PHONE)  # identities that are a number to call


def number_in(text: str) -> str | None:
    """The first phone number written in ``text`` (E.164), if it has its country code."""
    for found in _NUMBER.finditer(text):
        try:
            return callback_number(found.group())
        except CallbackRefused:
            continue
    return None


@dataclass(frozen=True)
class Callbacks:
    dialer: Callable[[], CallbackDialer | None]  # Amazon Connect when connected (built only when asked)

    def known_number(self, store: HelpdeskStore, ticket: Ticket) -> str | None:
        """The number the customer writes from, if their channel has one."""
        contact = store.get_contact(ticket.contact_id)
        for identity in contact.identities if contact else ():
            if identity.kind in CALLED_FROM:
                try:
                    return callback_number("+" + identity.value.lstrip("+"))
                except CallbackRefused:
                    continue
        return None

    def request(self, store: HelpdeskStore, ticket: Ticket, number: str, words: str) -> CallbackOutcome:
        """Ask for the call, in the customer's words for when (once per ticket)."""
        wanted = CallbackRequest(number=number, preferred_time=words[:120])
        return request_callback(store, ticket, wanted, self.dialer(), f"{ticket.id}-assistant-callback", utc_now())
