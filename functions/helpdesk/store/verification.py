"""Identity checks (``helpdesk.verification``): a ticket's latest check and the
salted hash of its code, under ``IDCHECK#<ticket id>``; never the code. A new
code is saved with its message on the ticket in one transaction."""

from collections.abc import Iterable
from typing import Any

from helpdesk.errors import ConcurrentWrite, StaleTicket
from helpdesk.models import Message, Ticket, TicketEvent
from helpdesk.store import keys
from helpdesk.store.conditions import Transaction, get_or_none
from helpdesk.store.conversions import event_item
from helpdesk.store.items import IdentityCheckItem
from helpdesk.store.messages import DUPLICATE, add_message
from helpdesk.store.table import TableAccess
from helpdesk.store.tickets import put_ticket


class IdentityChecks(TableAccess):
    def get_identity_check(self, ticket_id: str) -> tuple[dict[str, Any], str] | None:
        """The ticket's latest check and its code's hash, read consistently (an
        answer right after the code went out finds it)."""
        item = get_or_none(IdentityCheckItem, *keys.identity_check_key(ticket_id), consistent_read=True)
        return (dict(item.value), item.code_hash) if item is not None else None

    def save_identity_code(
        self,
        before: Ticket,
        after: Ticket,
        message: Message,
        events: Iterable[TicketEvent],
        check: dict[str, Any],
        code_hash: str,
    ) -> None:
        """A new code's check with the message that carries it, if neither the
        ticket (StaleTicket) nor the check (ConcurrentWrite) changed meanwhile."""
        transaction = self._transaction()
        put_ticket(transaction, before, after)
        add_message(transaction, message, events)
        _put_check(transaction, check, code_hash)
        transaction.commit_or_raise(
            {"ticket": lambda: StaleTicket(None), DUPLICATE: lambda: StaleTicket(None)},
            otherwise=lambda: ConcurrentWrite("identity check"),
        )

    def save_identity_answer(self, check: dict[str, Any], code_hash: str, events: Iterable[TicketEvent]) -> None:
        """The check as a customer's answer left it, with its history entries,
        if no other answer changed it meanwhile (ConcurrentWrite)."""
        transaction = self._transaction()
        _put_check(transaction, check, code_hash)
        for event in events:
            transaction.put("event", event_item(event))
        transaction.commit_or_raise({}, otherwise=lambda: ConcurrentWrite("identity check"))


def _put_check(transaction: Transaction, check: dict[str, Any], code_hash: str) -> None:
    item = IdentityCheckItem(
        *keys.identity_check_key(check["ticket_id"]), value=check, code_hash=code_hash, revision=check["version"]
    )
    first = check["version"] == 1
    condition = IdentityCheckItem.PK.does_not_exist() if first else IdentityCheckItem.revision == check["version"] - 1
    transaction.put("identity_check", item, condition=condition)
