"""Macros: a saved set of ticket changes plus a reply, applied in one click.

A macro's reply may name a few placeholders, filled from the ticket, its
contact and the agent applying it: ``{{contact.first_name}}``,
``{{contact.name}}``, ``{{ticket.number}}``, ``{{ticket.subject}}``,
``{{agent.name}}`` and ``{{agent.first_name}}``. Anything else between double
braces is refused when the macro is saved, so a typo never reaches a customer.
"""

from typing import Annotated

from pydantic import ConfigDict, Field, field_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.channels.outbound import OutboundQueue
from helpdesk.errors import HelpdeskError, TicketNotFound
from helpdesk.models import Actor, Message, Priority, Ticket, TicketStatus
from helpdesk.rules.running import change_with_rules
from helpdesk.rules.sending import Outbox
from helpdesk.settings import MailSettings
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import Tag, TicketChanges
from helpdesk.tickets.placeholders import PLACEHOLDER, PLACEHOLDERS, render, unknown_placeholders  # noqa: F401 - named here too
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from helpdesk.validated import Validated
from helpdesk.verification import require_verified


class MacroNotFound(HelpdeskError):
    message_key = "error.macro_not_found"


class Macro(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,64}$")]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    reply: Annotated[str, Field(max_length=65536)] = ""  # empty: the macro only changes fields
    status: TicketStatus | None = None
    priority: Priority | None = None
    group_id: Annotated[str, Field(max_length=64)] | None = None
    add_tags: Annotated[tuple[Tag, ...], Field(max_length=20)] = ()
    # For account questions: refused on a ticket whose customer has not passed an
    # identity check (``helpdesk.verification``).
    requires_identity: bool = False

    @field_validator("reply")
    @classmethod
    def _known_placeholders(cls, reply: str) -> str:
        unknown = unknown_placeholders(reply)
        if unknown:
            raise ValueError(f"unknown placeholders: {', '.join(unknown)}")
        return reply

    @field_validator("status")
    @classmethod
    def _not_closed(cls, status: TicketStatus | None) -> TicketStatus | None:
        if status is TicketStatus.CLOSED:
            raise ValueError("a macro cannot close a ticket")
        return status


def apply_macro(
    store: HelpdeskStore, queue: OutboundQueue, ticket_id: str, macro: Macro, agent: Actor, mail: MailSettings
) -> tuple[Ticket, Message | None]:
    """Change the ticket as the macro says, then send its reply (if any) with
    the macro's status; returns the ticket as it ends and the reply."""
    ticket = store.get_ticket(ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if macro.requires_identity:
        require_verified(store, ticket_id)
    fields: dict[str, object] = {}
    if macro.priority is not None:
        fields["priority"] = macro.priority
    if macro.group_id is not None:
        fields["group_id"] = macro.group_id
    if macro.add_tags:
        fields["tags"] = tuple(dict.fromkeys((*ticket.tags, *macro.add_tags)))
    if macro.status is not None and not macro.reply.strip():
        fields["status"] = macro.status
    if fields:  # an agent's change: the rules for "ticket updated" run on it (a pending timer starts)
        changes = TicketChanges.model_validate(fields)
        ticket = change_with_rules(store, ticket_id, changes, ticket.version, agent, outbox=lambda: Outbox(queue, mail))
    reply = None
    if macro.reply.strip():
        body = render(macro.reply, ticket, store.get_contact(ticket.contact_id), agent)
        reply = reply_to_ticket(store, queue, ticket_id, ReplyDraft(body=body, status=macro.status), agent, mail)
        ticket = store.get_ticket(ticket_id) or ticket
    return ticket, reply


def save_macro(store: HelpdeskStore, macro: Macro, actor: Actor) -> Macro:
    found = store.get_macro(macro.id)
    before = Macro.model_validate(found) if found is not None else None
    audit = audit_entry(actor, "macro.saved", macro.id, before, macro)
    store.put_macro(macro.id, macro.name, macro.model_dump(mode="json"), audit)
    return macro


def get_macro(store: HelpdeskStore, macro_id: str) -> Macro:
    found = store.get_macro(macro_id)
    if found is None:
        raise MacroNotFound(macro_id)
    return Macro.model_validate(found)


def list_macros(store: HelpdeskStore) -> list[Macro]:
    return [Macro.model_validate(value) for value in store.list_macros()]


def delete_macro(store: HelpdeskStore, macro_id: str, actor: Actor) -> None:
    before = get_macro(store, macro_id)
    store.delete_macro(macro_id, audit_entry(actor, "macro.deleted", macro_id, before, None))
