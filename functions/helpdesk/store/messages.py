"""Messages on tickets and what finds them again: the pointer from a
provider's message id (which makes a second delivery fail), e-mail thread keys,
delivery updates; and the inbound set aside as no message."""

from collections.abc import Iterable
from datetime import datetime

from pynamodb.expressions.update import Action

from helpdesk.errors import StaleTicket
from helpdesk.models import Attachment, Channel, DeliveryStatus, Message, PhoneCall, SetAside, TicketEvent
from helpdesk.store import keys
from helpdesk.store.conditions import Transaction, conditionally, get_or_none
from helpdesk.store.conversions import event_item, message_from, message_item, set_aside_from, set_aside_item
from helpdesk.store.items import HelpdeskItem, MessageItem, PointerItem, SetAsideItem
from helpdesk.store.table import TableAccess

DUPLICATE = "channel_message"  # the operation that fails on a second delivery


def put_message(transaction: Transaction, message: Message, first_delivery: bool) -> None:
    """The message and the pointer from its provider id to it; on its first
    delivery the pointer must not exist yet (operation ``DUPLICATE`` fails on
    a second one)."""
    item = message_item(message)
    transaction.put("message", item)
    if message.channel_message_id is not None:
        transaction.put(
            DUPLICATE,
            PointerItem(
                *keys.channel_message_key(message.channel, message.channel_message_id),
                ticket_id=message.ticket_id,
                message_sk=item.SK,
            ),
            HelpdeskItem.PK.does_not_exist() if first_delivery else None,
        )


def add_message(transaction: Transaction, message: Message, events: Iterable[TicketEvent]) -> None:
    """A newly delivered message with the history events it causes."""
    put_message(transaction, message, first_delivery=True)
    for event in events:
        transaction.put("event", event_item(event))


class Messages(TableAccess):
    def get_message(self, ticket_id: str, sent_at: datetime, message_id: str) -> Message | None:
        item = get_or_none(
            MessageItem, keys.ticket_pk(ticket_id), keys.message_sk(sent_at, message_id), consistent_read=True
        )
        return message_from(item) if item else None

    def find_channel_message(self, channel: Channel, channel_message_id: str) -> Message | None:
        pointer = get_or_none(PointerItem, *keys.channel_message_key(channel, channel_message_id), consistent_read=True)
        if pointer is None or pointer.message_sk is None:
            return None
        item = get_or_none(MessageItem, keys.ticket_pk(pointer.ticket_id), pointer.message_sk, consistent_read=True)
        return message_from(item) if item else None

    def copy_message(self, message: Message) -> None:
        """Store a message on another ticket (merging tickets), pointing its
        provider id there too; idempotent."""
        transaction = self._transaction()
        put_message(transaction, message, first_delivery=False)
        transaction.commit()

    def replace_message(self, message: Message) -> None:
        """Overwrite a stored message (erasure of its content)."""
        message_item(message).save(condition=HelpdeskItem.PK.exists())

    def replace_event(self, event: TicketEvent) -> None:
        event_item(event).save(condition=HelpdeskItem.PK.exists())

    def mark_delivery(self, message: Message, status: DeliveryStatus, error: str | None) -> Message:
        """Record what the provider says became of an outbound message."""
        item = MessageItem(*keys.message_key(message))
        actions: list[Action] = [MessageItem.delivery_status.set(status.value)]
        actions.append(MessageItem.delivery_error.set(error[:500]) if error else MessageItem.delivery_error.remove())
        item.update(actions=actions, condition=HelpdeskItem.PK.exists())
        return message.model_copy(update={"delivery_status": status, "delivery_error": error})

    def replace_call(
        self, message: Message, call: PhoneCall, text: str | None = None, attachments: tuple[Attachment, ...] = ()
    ) -> Message:
        """The message's call becomes ``call`` (and, for a voicemail, its text
        the transcript and ``attachments`` the recording), only if it is still
        the call ``message`` holds (``StaleTicket`` otherwise: read again and merge)."""
        item = MessageItem(*keys.message_key(message))
        before = message.call.model_dump(mode="json", exclude={"missed"}) if message.call else None
        condition = HelpdeskItem.PK.exists() & (
            MessageItem.call.does_not_exist() if before is None else MessageItem.call == before
        )
        actions: list[Action] = [MessageItem.call.set(call.model_dump(mode="json", exclude={"missed"}))]
        changes: dict[str, object] = {"call": call}
        if text is not None:
            actions.append(MessageItem.text.set(text))
            changes["text"] = text
        if attachments:
            kept = (*message.attachments, *attachments)
            actions.append(MessageItem.attachments.set([a.model_dump(mode="json") for a in kept]))
            changes["attachments"] = kept
        if not conditionally(lambda: item.update(actions=actions, condition=condition)):
            raise StaleTicket(None)
        return message.model_copy(update=changes)

    def record_sent(self, message: Message, provider_id: str) -> Message:
        """The provider took the message and named it ``provider_id`` (a wamid):
        remember the name, so its status updates find the message."""
        item = MessageItem(*keys.message_key(message))
        # Only these two change: the stored text stays as it was (an identity
        # code's message is sent with the code, and stored with its mask).
        sent: list[Action] = [
            MessageItem.channel_message_id.set(provider_id),
            MessageItem.delivery_status.set(DeliveryStatus.SENT.value),
        ]
        transaction = self._transaction()
        transaction.update("message", item, sent, condition=HelpdeskItem.PK.exists())
        transaction.put(
            DUPLICATE,
            PointerItem(
                *keys.channel_message_key(message.channel, provider_id), ticket_id=message.ticket_id, message_sk=item.SK
            ),
        )
        transaction.commit_or_raise({}, otherwise=lambda: StaleTicket(None))
        return message.model_copy(update={"channel_message_id": provider_id, "delivery_status": DeliveryStatus.SENT})

    # e-mail thread keys

    def find_ticket_id_by_thread(self, message_ids: Iterable[str]) -> str | None:
        """The ticket of the first of ``message_ids`` (most relevant first) we know."""
        wanted = list(dict.fromkeys(message_ids))[:50]
        if not wanted:
            return None
        found = {item.PK: item.ticket_id for item in PointerItem.batch_get([keys.thread_key(m) for m in wanted])}
        for message_id in wanted:
            if (ticket_id := found.get(keys.thread_key(message_id)[0])) is not None:
                return ticket_id
        return None

    def remember_thread_key(self, message_id: str, ticket_id: str) -> None:
        """Map an e-mail Message-ID to its ticket; the first mapping wins."""
        item = PointerItem(*keys.thread_key(message_id), ticket_id=ticket_id)
        conditionally(lambda: item.save(condition=HelpdeskItem.PK.does_not_exist()))

    # inbound that became no message

    def set_aside(self, entry: SetAside) -> None:
        """Keep an inbound that became no message (idempotent on its id):
        quarantined, unreadable, unanswerable auto-replies, unmatched bounces."""
        set_aside_item(entry).save()

    def get_set_aside(self, received_at: datetime, entry_id: str) -> SetAside | None:
        probe = SetAside(id=entry_id, channel=Channel.EMAIL, reason="", received_at=received_at)
        item = get_or_none(SetAsideItem, *keys.set_aside_key(probe), consistent_read=True)
        return set_aside_from(item) if item else None

    def set_aside_in_month(self, month: datetime) -> list[SetAside]:
        items = SetAsideItem.query(keys.set_aside_pk(month), scan_index_forward=False)
        return [set_aside_from(item) for item in items]
