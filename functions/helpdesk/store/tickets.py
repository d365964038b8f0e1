"""Tickets and their threads. Every ticket write is one transaction, conditional
on the ticket's version, that carries what the change means elsewhere: its
messages and history, the notifications it causes, the breaches it opens or
answers, the agents' loads it moves, the end of
its conversation, a round-robin turn. The models say what each of those is
(``Ticket.load_holder``, ``Ticket.breaches_since``, ``Ticket.ends_conversation``…);
this module writes them together."""

from collections.abc import Iterable
from datetime import datetime

from helpdesk.errors import (
    AgentAtCapacity,
    ConcurrentWrite,
    ConversationAlreadyOpen,
    DuplicateChannelMessage,
    StaleTicket,
)
from helpdesk.models import Identity, Message, Notification, SlaBreach, Ticket, TicketEvent, TicketThread
from helpdesk.store import keys
from helpdesk.store.conditions import Transaction, get_or_none, refuse
from helpdesk.store.contacts import IdentityRecord, read_contact
from helpdesk.store.conversions import (
    breach_from,
    event_from,
    event_item,
    message_from,
    notification_item,
    ticket_from,
    ticket_item,
)
from helpdesk.store.follow_ups import bot_question_item
from helpdesk.store.items import (
    BreachItem,
    CounterItem,
    EventItem,
    HelpdeskItem,
    IdentityItem,
    MessageItem,
    OpenConversationItem,
    PointerItem,
    TicketItem,
)
from helpdesk.store.messages import DUPLICATE, add_message
from helpdesk.store.sla import record_breaches
from helpdesk.store.surveys import mark_solved
from helpdesk.store.table import TableAccess
from helpdesk.store.team import OVER_CAP, Assignment, count_load, turn_to

END_CONVERSATION = "open"  # the operation removing the contact's open-conversation pointer


def put_ticket(transaction: Transaction, before: Ticket, after: Ticket, cap: int | None = None) -> None:
    """The changed ticket, if still at ``before.version`` (operation ``ticket``),
    with the breaches and loads the change moves."""
    item = ticket_item(after)
    item.version = before.version  # condition: still at this version; saved as +1
    transaction.put("ticket", item)
    record_breaches(transaction, before, after)
    count_load(transaction, before, after, cap)
    mark_solved(transaction, before, after)


class Tickets(TableAccess):
    def get_ticket(self, ticket_id: str) -> Ticket | None:
        item = get_or_none(TicketItem, *keys.ticket_key(ticket_id), consistent_read=True)
        return ticket_from(item) if item else None

    def get_tickets(self, ticket_ids: Iterable[str]) -> list[Ticket]:
        item_keys = [keys.ticket_key(ticket_id) for ticket_id in dict.fromkeys(ticket_ids)]
        return [ticket_from(item) for item in TicketItem.batch_get(item_keys)]

    def find_ticket_id_by_number(self, number: int) -> str | None:
        item = get_or_none(PointerItem, *keys.ticket_number_key(number))
        return item.ticket_id if item else None

    def last_ticket_number(self) -> int:
        """The newest ticket number given out (0 before the first ticket)."""
        counter = get_or_none(CounterItem, *keys.TICKET_COUNTER_KEY, consistent_read=True)
        return int(counter.value) if counter is not None and counter.value is not None else 0

    def next_ticket_number(self) -> int:
        """The next ticket number: an atomic counter, so numbers never repeat and
        grow with time (a failed creation leaves a gap, as in every help desk)."""
        counter = CounterItem(*keys.TICKET_COUNTER_KEY)
        counter.update(actions=[CounterItem.value.add(1)])
        return int(counter.value)

    def get_thread(self, ticket_id: str) -> TicketThread | None:
        """The ticket, its contact, its messages in the order sent and its history."""
        ticket: Ticket | None = None
        messages: list[Message] = []
        events: list[TicketEvent] = []
        breaches: list[SlaBreach] = []
        for item in HelpdeskItem.query(keys.ticket_pk(ticket_id)):
            if isinstance(item, TicketItem):
                ticket = ticket_from(item)
            elif isinstance(item, MessageItem):
                messages.append(message_from(item))
            elif isinstance(item, EventItem):
                events.append(event_from(item))
            elif isinstance(item, BreachItem):
                breaches.append(breach_from(item))
        if ticket is None:
            return None
        return TicketThread(
            ticket=ticket,
            contact=read_contact(ticket.contact_id),
            messages=tuple(messages),
            events=tuple(events),
            breaches=tuple(breaches),
        )

    def open_ticket(
        self,
        ticket: Ticket,
        message: Message,
        events: Iterable[TicketEvent],
        sender: Identity,
        sender_record: IdentityRecord,
        open_conversation: bool,
    ) -> None:
        """Create a ticket with its first message in one transaction. Raises
        DuplicateChannelMessage or ConversationAlreadyOpen; nothing is written then."""
        transaction = self._transaction()
        transaction.put("ticket", ticket_item(ticket))
        transaction.put(
            "number",
            PointerItem(*keys.ticket_number_key(ticket.number), ticket_id=ticket.id),
            HelpdeskItem.PK.does_not_exist(),
        )
        add_message(transaction, message, events)
        if open_conversation:
            transaction.put(
                "open",
                OpenConversationItem(*keys.open_key(ticket.contact_id, ticket.channel), ticket_id=ticket.id),
                HelpdeskItem.PK.does_not_exist(),
            )
            open_tickets = dict(sender_record.open_tickets)
            open_tickets[ticket.channel.value] = ticket.id
            transaction.put(
                "identity",
                IdentityItem(*keys.identity_key(sender), contact_id=ticket.contact_id, open_tickets=open_tickets),
                IdentityItem.contact_id == ticket.contact_id,
            )
        transaction.commit_or_raise(
            {DUPLICATE: DuplicateChannelMessage}, otherwise=lambda: ConversationAlreadyOpen("opened meanwhile")
        )

    def append_message(
        self,
        before: Ticket,
        after: Ticket,
        message: Message,
        events: Iterable[TicketEvent],
        notifications: Iterable[Notification] = (),
        notes: Iterable[Message] = (),
        question_due: datetime | None = None,
    ) -> None:
        """Add a message to a ticket (and ``notes`` beside it) and save the
        ticket's new state, if the ticket is still at ``before.version``;
        ``question_due``: the message asks the customer, whose answer is due
        then (the assistant's "¿Te sirvió?"). Raises DuplicateChannelMessage or
        StaleTicket."""
        transaction = self._transaction()
        put_ticket(transaction, before, after)
        add_message(transaction, message, events)
        for note in notes:
            add_message(transaction, note, ())
        if question_due is not None:
            transaction.put("bot question", bot_question_item(after.id, message.created_at, question_due))
        for notification in notifications:
            transaction.put("notification", notification_item(notification))
        transaction.commit_or_raise({DUPLICATE: DuplicateChannelMessage}, otherwise=lambda: StaleTicket(None))

    def save_ticket(
        self,
        before: Ticket,
        after: Ticket,
        events: Iterable[TicketEvent],
        notifications: Iterable[Notification] = (),
        assignment: Assignment | None = None,
    ) -> None:
        """Save a changed ticket with its history (and the notifications it causes)
        if nobody changed it since ``before`` was read; raises StaleTicket with the
        current ticket otherwise. A change that ends the conversation
        (``Ticket.ends_conversation``) removes its open-conversation pointer.
        With an ``assignment`` (automatic assignment), the new assignee must be
        under its cap (AgentAtCapacity otherwise) and the group's round robin
        moves to them in the same transaction."""
        events = list(events)
        notes = list(notifications)
        ending = after.ends_conversation(before)
        try:
            failed = self._commit_ticket_change(before, after, events, notes, ending, assignment)
        except ConcurrentWrite as exc:
            raise StaleTicket(self.get_ticket(after.id)) from exc
        if failed == {END_CONVERSATION}:
            # The conversation pointer already belongs to a newer ticket: close
            # this one and leave the pointer alone.
            failed = self._commit_ticket_change(before, after, events, notes, False, assignment)
        refuse(
            failed,
            {OVER_CAP: lambda: AgentAtCapacity(after.assignee_id or "")},
            otherwise=lambda: StaleTicket(self.get_ticket(after.id)),
        )

    def _commit_ticket_change(
        self,
        before: Ticket,
        after: Ticket,
        events: list[TicketEvent],
        notifications: list[Notification],
        end_conversation: bool,
        assignment: Assignment | None = None,
    ) -> set[str]:
        transaction = self._transaction()
        put_ticket(transaction, before, after, assignment.cap if assignment else None)
        if assignment is not None:
            turn_to(transaction, assignment)
        for event in events:
            transaction.put("event", event_item(event))
        for notification in notifications:
            transaction.put("notification", notification_item(notification))
        if end_conversation:
            transaction.delete(
                END_CONVERSATION,
                OpenConversationItem(*keys.open_key(after.contact_id, after.channel), ticket_id=after.id),
                OpenConversationItem.ticket_id == after.id,
            )
        return transaction.commit()
