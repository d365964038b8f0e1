"""A write of the table, as its stream hands it over, → the events it means,
queued for the endpoints subscribed to them (``delivery.fan_out``). The
stream's images are read back by the store; a message's later writes
(delivery statuses) are no new message."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from helpdesk.models import EventKind
from helpdesk.webhooks.delivery import DeliveryQueue, fan_out, send_to
from helpdesk.webhooks.events import Event, message_events, rule_call_event, survey_events, ticket_events

if TYPE_CHECKING:
    from helpdesk.store import HelpdeskStore

TICKET_SORT_KEY = "META"  # a ticket's own item; its messages' sort keys start with MSG#
SURVEY_SORT_KEY = "SURVEY"  # a ticket's survey (``helpdesk.surveys``)


@dataclass(frozen=True)
class TableChange:
    """One stream record: the item's sort key and its images (DynamoDB JSON) before and after."""

    sort_key: str
    old_image: dict[str, Any] | None
    new_image: dict[str, Any] | None

    @classmethod
    def of_record(cls, change: dict[str, Any]) -> "TableChange":
        """From a stream record's ``dynamodb`` part."""
        sort_key = str(change.get("Keys", {}).get("SK", {}).get("S", ""))
        return cls(sort_key, change.get("OldImage") or None, change.get("NewImage") or None)


EVENT_SORT_KEY = "EVT#"  # a history entry's sort key starts so


def events_of(store: "HelpdeskStore", change: TableChange) -> list[Event]:
    if change.sort_key == SURVEY_SORT_KEY:
        return survey_events(store.survey_from_image(change.old_image), store.survey_from_image(change.new_image))
    if change.sort_key == TICKET_SORT_KEY:
        return ticket_events(store.ticket_from_image(change.old_image), store.ticket_from_image(change.new_image))
    message = store.message_from_image(change.new_image)
    if message is None or change.old_image is not None:
        return []
    return message_events(message, store.get_ticket(message.ticket_id))


def queue_events_of(store: "HelpdeskStore", queue: DeliveryQueue, change: TableChange, now: datetime) -> int:
    """Queue the deliveries of what ``change`` means; how many were queued."""
    if change.sort_key.startswith(EVENT_SORT_KEY):
        return _rule_calls(store, queue, change, now)
    return fan_out(store, queue, events_of(store, change), now)


def _rule_calls(store: "HelpdeskStore", queue: DeliveryQueue, change: TableChange, now: datetime) -> int:
    """A rule's ``call_webhook`` (a history entry): the ticket to that endpoint."""
    entry = store.event_from_image(change.new_image)
    if entry is None or change.old_image is not None or entry.kind is not EventKind.WEBHOOK_CALLED:
        return 0
    ticket = store.get_ticket(entry.ticket_id)
    if ticket is None:
        return 0
    event = rule_call_event(entry, ticket)
    return sum(send_to(store, queue, event, str(c.new), now) for c in entry.changes if c.new)
