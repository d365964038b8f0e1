"""Merging two tickets of one contact (the same question asked twice, or on
two channels): the source's messages join the target's thread in the order
they were sent, the target gains the source's tags and CCs, and the source is
closed as merged. A reply to the source's e-mail thread later lands on the
target (ingest follows ``merged_into``). Each step can run again, so a merge
cut short is finished by asking again."""

from helpdesk.errors import TicketClosed, TicketNotFound, TicketsNotMergeable
from helpdesk.models import Actor, FieldChange, Ticket, TicketStatus
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import change_until_saved


def merge_tickets(store: HelpdeskStore, target_id: str, source_id: str, actor: Actor) -> Ticket:
    target, source = store.get_ticket(target_id), store.get_ticket(source_id)
    if target is None:
        raise TicketNotFound(target_id)
    if source is None:
        raise TicketNotFound(source_id)
    if source.merged_into == target.id:
        return target  # merged already
    if target.id == source.id or target.contact_id != source.contact_id or target.merged_into:
        raise TicketsNotMergeable(source_id)
    if TicketStatus.CLOSED in (target.status, source.status):
        raise TicketClosed(source_id if source.status is TicketStatus.CLOSED else target_id)

    thread = store.get_thread(source.id)
    for message in thread.messages if thread else ():
        store.copy_message(message.model_copy(update={"ticket_id": target.id}))

    def gained(ticket: Ticket) -> dict[str, object]:
        latest = max(
            (m for m in (ticket.last_customer_message_at, source.last_customer_message_at) if m is not None),
            default=None,
        )
        return {
            "tags": tuple(dict.fromkeys((*ticket.tags, *source.tags))),
            "cc": tuple(dict.fromkeys((*ticket.cc, *source.cc))),
            "last_customer_message_at": latest,
        }

    merged = change_until_saved(
        store, target.id, actor, gained, note=FieldChange(field="merged_from", new=f"#{source.number}")
    )
    change_until_saved(
        store,
        source.id,
        actor,
        lambda _: {"status": TicketStatus.CLOSED, "merged_into": target.id},
        note=FieldChange(field="merged_into", new=f"#{target.number}"),
    )
    return merged
