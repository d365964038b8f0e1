"""The caller as a contact flow needs them: Connect's "Invoke AWS Lambda
function" block sends a ``ContactFlowEvent`` and waits at most 8 seconds for a
flat map of strings, which the flow reads as ``$.External.<key>`` to greet the
caller by name, in their language, and route VIPs.

A lookup is a handful of GetItems and one Query: the identity (as a phone, then
as a WhatsApp number), the contact, their open conversations, one ticket.
"""

from typing import Any

from pydantic import ConfigDict, Field

from helpdesk.errors import InvalidIdentity
from helpdesk.models import UNSOLVED_STATUSES, Channel, Contact, Identity, IdentityKind
from helpdesk.observability import logger
from helpdesk.people.contacts import normalize_identity
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

# Whose open conversation a caller most likely calls about, first to last.
CONVERSATION_ORDER = (Channel.PHONE, Channel.WHATSAPP, Channel.CHAT)
MERGES_FOLLOWED = 5  # merges chain rarely; never follow a loop forever


class _Lenient(Validated):
    model_config = ConfigDict(frozen=True, extra="ignore")


class FlowEndpoint(_Lenient):
    Address: str = ""
    Type: str = ""


class FlowContactData(_Lenient):
    ContactId: str = ""
    Channel: str = ""
    InitiationMethod: str = ""
    CustomerEndpoint: FlowEndpoint | None = None
    SystemEndpoint: FlowEndpoint | None = None
    Attributes: dict[str, str] = Field(default_factory=dict)


class FlowDetails(_Lenient):
    ContactData: FlowContactData
    Parameters: dict[str, str] = Field(default_factory=dict)


class ContactFlowEvent(_Lenient):
    """What Connect sends a Lambda a contact flow invokes."""

    Name: str = "ContactFlowEvent"
    Details: FlowDetails

    @property
    def caller_number(self) -> str:
        endpoint = self.Details.ContactData.CustomerEndpoint
        return endpoint.Address if endpoint is not None else ""


class CallerProfile(Validated):
    """What the flow learns of the caller; ``answer()`` is Connect's flat map."""

    model_config = ConfigDict(frozen=True)

    found: bool
    name: str = ""
    ticket_number: int | None = None
    tier: str = ""
    language: str = "es"

    def answer(self) -> dict[str, str]:
        return {
            "found": "true" if self.found else "false",
            "name": self.name,
            "ticket_number": str(self.ticket_number) if self.ticket_number is not None else "",
            "tier": self.tier,
            "language": self.language,
        }


def caller_profile(store: HelpdeskStore, number: str) -> CallerProfile:
    """The caller behind ``number``: their name, tier and language, and the
    number of their open ticket (phone first, then WhatsApp, then chat)."""
    contact = _caller(store, number)
    if contact is None:
        logger.info("caller looked up", extra={"found": False})
        return CallerProfile(found=False)
    profile = CallerProfile(
        found=True,
        name=contact.name,
        ticket_number=_open_ticket_number(store, contact),
        tier=contact.tier or "",
        language=contact.language.value,
    )
    logger.info("caller looked up", extra={"found": True, "contact_id": contact.id})
    return profile


def _caller(store: HelpdeskStore, number: str) -> Contact | None:
    """The contact holding ``number`` as a phone or a WhatsApp number, after
    merges. (Read here rather than through ``people.lookup``, whose editing
    rooms would add half a second to the cold start Connect waits on.)"""
    if not number.strip():
        return None  # a withheld number
    try:
        phone = normalize_identity(Identity(kind=IdentityKind.PHONE, value=number))
    except InvalidIdentity:
        return None
    for identity in (phone, Identity(kind=IdentityKind.WHATSAPP, value=phone.value.lstrip("+"))):
        record = store.find_identity(identity)
        contact = store.get_contact(record.contact_id) if record else None
        for _ in range(MERGES_FOLLOWED):
            if contact is None or contact.merged_into is None:
                break
            contact = store.get_contact(contact.merged_into)
        if contact is not None and contact.erased_at is None:
            return contact
    return None


def _open_ticket_number(store: HelpdeskStore, contact: Contact) -> int | None:
    open_tickets = store.open_conversations(contact.id)
    for channel in CONVERSATION_ORDER:
        ticket_id = open_tickets.get(channel)
        ticket = store.get_ticket(ticket_id) if ticket_id else None
        if ticket is not None and ticket.status in UNSOLVED_STATUSES:
            return ticket.number
    return None


def answer_flow(event: dict[str, Any], store: HelpdeskStore) -> dict[str, str]:
    """A contact flow's question, answered."""
    return caller_profile(store, ContactFlowEvent.model_validate(event).caller_number).answer()
