"""Outgoing webhooks in the table: endpoints (listed through a directory on
``by_status``), each endpoint's recent delivery attempts (newest first, removed
by their time to live), the events already fanned out (a marker per event id,
so a stream record handed over twice is sent once), and the stream's item
images read back as domain models. Endpoints are kept as the domain's own
JSON, secret included; the table is encrypted at rest and only the webhook
functions and the agent API read it."""

from datetime import datetime
from typing import Any

from helpdesk.models import AuditEntry, Message, Ticket, TicketEvent
from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.conversions import event_from, message_from, ticket_from
from helpdesk.store.items import (
    EventItem,
    HelpdeskItem,
    MessageItem,
    TicketItem,
    WebhookAttemptItem,
    WebhookEndpointItem,
    WebhookEventItem,
)
from helpdesk.store.table import TableAccess


class Webhooks(TableAccess):
    # endpoints

    def put_webhook_endpoint(self, endpoint_id: str, value: dict[str, Any], audit: AuditEntry | None = None) -> None:
        item = WebhookEndpointItem(
            *keys.webhook_key(endpoint_id),
            value=value,
            GSI1PK=keys.WEBHOOK_DIRECTORY,
            GSI1SK=keys.directory_sk(str(value.get("url", "")), endpoint_id),
        )
        self._save_setting(item, audit)

    def get_webhook_endpoint(self, endpoint_id: str) -> dict[str, Any] | None:
        item = get_or_none(WebhookEndpointItem, *keys.webhook_key(endpoint_id), consistent_read=True)
        return dict(item.value) if item else None

    def list_webhook_endpoints(self) -> list[dict[str, Any]]:
        items = HelpdeskItem.by_status.query(keys.WEBHOOK_DIRECTORY)
        return [dict(item.value) for item in items if isinstance(item, WebhookEndpointItem)]

    def delete_webhook_endpoint(self, endpoint_id: str, audit: AuditEntry | None = None) -> None:
        self._save_setting(WebhookEndpointItem(*keys.webhook_key(endpoint_id)), audit, delete=True)

    # the delivery log

    def record_webhook_attempt(
        self, endpoint_id: str, attempt_id: str, at: datetime, value: dict[str, Any], expires_at: datetime
    ) -> None:
        WebhookAttemptItem(
            *keys.webhook_attempt_key(endpoint_id, at, attempt_id), value=value, expires_at=expires_at
        ).save()

    def webhook_attempts(self, endpoint_id: str, limit: int) -> list[dict[str, Any]]:
        """The endpoint's latest attempts, newest first."""
        items = HelpdeskItem.query(
            keys.webhook_pk(endpoint_id),
            HelpdeskItem.SK.startswith(keys.ATTEMPT_PREFIX),
            scan_index_forward=False,
            limit=limit,
        )
        return [dict(item.value) for item in items if isinstance(item, WebhookAttemptItem)]

    # events fanned out

    def claim_webhook_event(self, event_id: str, expires_at: datetime) -> bool:
        """True the first time ``event_id`` is claimed (until it expires); False after."""
        item = WebhookEventItem(*keys.webhook_event_key(event_id), expires_at=expires_at)
        return conditionally(lambda: item.save(condition=WebhookEventItem.PK.does_not_exist()))

    def release_webhook_event(self, event_id: str) -> None:
        """Forget a claim whose deliveries could not be queued (the retry claims it again)."""
        WebhookEventItem(*keys.webhook_event_key(event_id)).delete()

    # what the stream hands over

    @staticmethod
    def ticket_from_image(image: dict[str, Any] | None) -> Ticket | None:
        """A ticket's stream image (DynamoDB JSON) as a ticket; None for no image."""
        if not image:
            return None
        item = HelpdeskItem.from_raw_data(image)
        return ticket_from(item) if isinstance(item, TicketItem) else None

    @staticmethod
    def event_from_image(image: dict[str, Any] | None) -> TicketEvent | None:
        """A history entry's stream image as the entry; None for no image or another item."""
        if not image:
            return None
        item = HelpdeskItem.from_raw_data(image)
        return event_from(item) if isinstance(item, EventItem) else None

    @staticmethod
    def message_from_image(image: dict[str, Any] | None) -> Message | None:
        if not image:
            return None
        item = HelpdeskItem.from_raw_data(image)
        return message_from(item) if isinstance(item, MessageItem) else None
