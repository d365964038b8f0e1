"""Deliveries: one per event and subscribed endpoint, queued, POSTed, logged.

``fan_out`` queues the deliveries of a batch of events (each event once: its
id is claimed in the table first). The sender calls ``attempt`` for each
queued delivery: the endpoint's URL is vetted again (its host resolved now),
the body is POSTed with its signature and a short timeout, and the attempt
goes into the endpoint's delivery log. A failed attempt is retried after
``backoff`` seconds; the last one gives up: the delivery goes to the
dead-letter queue with its reason, where the console's dead-letters page shows it.
"""

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from pydantic import AwareDatetime, ConfigDict

from helpdesk.clock import new_id
from helpdesk.errors import HelpdeskError
from helpdesk.limits import WEBHOOKS
from helpdesk.observability import logger
from helpdesk.settings import WebhookSettings
from helpdesk.validated import Validated
from helpdesk.webhooks.addresses import Target, vet
from helpdesk.webhooks.endpoints import EndpointNotFound, StoredEndpoint, stored_endpoint
from helpdesk.webhooks.events import Event
from helpdesk.webhooks.signing import signature

if TYPE_CHECKING:
    from helpdesk.store import HelpdeskStore

USER_AGENT = "Atiende-Webhooks/1"


class Delivery(Validated):
    """A queued delivery: the exact body, so every retry sends the same bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint_id: str
    event_id: str
    event: str
    body: str
    reason: str | None = None  # why it was given up (in the dead-letter queue only)


class Attempt(Validated):
    """One try, as the delivery log keeps it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    event_id: str
    event: str
    at: AwareDatetime
    attempt: int
    delivered: bool
    status_code: int | None = None
    duration_ms: int
    error: str | None = None


class Unreachable(Exception):
    """The receiver could not be reached or did not answer in time; ``reason`` says how."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Poster(Protocol):
    """The outbound HTTP call (``helpdesk.providers.webhook_http``)."""

    def resolve(self, host: str, port: int) -> Sequence[str]:
        """The addresses ``host`` resolves to now (none: it does not)."""

    def post(self, target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
        """POST to one of the target's checked addresses, following no redirect;
        the status code, or ``Unreachable``."""


class DeliveryQueue(Protocol):
    def enqueue(self, deliveries: list[Delivery]) -> None: ...

    def give_up(self, delivery: Delivery) -> None:
        """Into the dead-letter queue, with its reason."""


def fan_out(store: "HelpdeskStore", queue: DeliveryQueue, events: list[Event], now: datetime) -> int:
    """Queue each event for every active endpoint subscribed to it, once per
    event id however often the same change is handed over; how many were queued."""
    if not events:
        return 0
    subscribers = [e for e in (StoredEndpoint.model_validate(v) for v in store.list_webhook_endpoints()) if e.active]
    queued = 0
    for event in events:
        wanting = [e for e in subscribers if event.event in e.events]
        if not wanting or not store.claim_webhook_event(event.id, now + timedelta(days=WEBHOOKS.event_memory_days)):
            continue
        body = event.body().decode()
        deliveries = [Delivery(endpoint_id=e.id, event_id=event.id, event=event.event, body=body) for e in wanting]
        try:
            queue.enqueue(deliveries)
        except Exception:
            store.release_webhook_event(event.id)  # the retry of this batch claims it again
            raise
        queued += len(deliveries)
        logger.info(
            "webhook event queued", extra={"event_id": event.id, "event": event.event, "endpoints": len(wanting)}
        )
    return queued


def send_to(store: "HelpdeskStore", queue: DeliveryQueue, event: Event, endpoint_id: str, now: datetime) -> int:
    """Queue ``event`` for one endpoint (a rule's call), if it exists and is
    active, once per event id; how many were queued (0 or 1)."""
    found = store.get_webhook_endpoint(endpoint_id)
    endpoint = StoredEndpoint.model_validate(found) if found else None
    if endpoint is None or not endpoint.active:
        logger.info("rule's webhook not sent: no such active endpoint", extra={"endpoint_id": endpoint_id})
        return 0
    if not store.claim_webhook_event(event.id, now + timedelta(days=WEBHOOKS.event_memory_days)):
        return 0
    delivery = Delivery(endpoint_id=endpoint.id, event_id=event.id, event=event.event, body=event.body().decode())
    try:
        queue.enqueue([delivery])
    except Exception:
        store.release_webhook_event(event.id)
        raise
    return 1


def headers_for(delivery: Delivery, secret: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Atiende-Event": delivery.event,
        "X-Atiende-Delivery": delivery.event_id,
        "X-Atiende-Signature": signature(delivery.body.encode(), secret),
    }


def attempt(
    store: "HelpdeskStore",
    poster: Poster,
    delivery: Delivery,
    number: int,
    allow_loopback: bool,
    now: datetime,
) -> Attempt | None:
    """Try one delivery and log it; None when its endpoint is gone or paused
    (nothing to send, nothing to retry)."""
    try:
        endpoint = stored_endpoint(store, delivery.endpoint_id)
    except HelpdeskError:
        return None
    if not endpoint.active and delivery.event != "ping":
        return None
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        target = vet(endpoint.url, allow_loopback, poster.resolve)
        status = poster.post(target, delivery.body.encode(), headers_for(delivery, endpoint.secret),
                             WEBHOOKS.timeout_seconds)  # fmt: skip
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except HelpdeskError as refused:  # the URL or its addresses are no longer allowed
        error = f"refused: {refused.message_key.removeprefix('error.')}"
    except Unreachable as unreachable:
        error = unreachable.reason
    done = Attempt(
        id=new_id(), event_id=delivery.event_id, event=delivery.event, at=now, attempt=number,
        delivered=error is None, status_code=status, duration_ms=int((time.monotonic() - started) * 1000), error=error,
    )  # fmt: skip
    expires = now + timedelta(days=WEBHOOKS.log_days)
    store.record_webhook_attempt(endpoint.id, done.id, now, done.model_dump(mode="json"), expires)
    logger.info(
        "webhook attempt",
        extra={"endpoint_id": endpoint.id, "event_id": delivery.event_id, "status_code": status, "error": error},
    )
    return done


def deliver(
    store: "HelpdeskStore",
    poster: Poster,
    queue: DeliveryQueue,
    delivery: Delivery,
    number: int,
    settings: WebhookSettings,
    now: datetime,
) -> int | None:
    """Try a queued delivery (its ``number``-th try): None when it is done
    (delivered, its endpoint gone or paused, or given up after the last try,
    into the dead letters with its reason), else the seconds to wait before
    the next try."""
    done = attempt(store, poster, delivery, number, settings.allow_loopback, now)
    if done is None or done.delivered:
        return None
    if number >= settings.max_attempts:
        queue.give_up(delivery.model_copy(update={"reason": f"{done.error} (after {number} attempts)"}))
        logger.warning(
            "webhook delivery given up", extra={"endpoint_id": delivery.endpoint_id, "event_id": done.event_id}
        )
        return None
    return backoff(number, settings.retry_seconds)


def backoff(number: int, first_seconds: int) -> int:
    """Seconds before try ``number + 1`` after try ``number`` failed: doubling, bounded."""
    return min(first_seconds * 2 ** max(0, number - 1), WEBHOOKS.longest_backoff_seconds)


def delivery_log(store: "HelpdeskStore", endpoint_id: str) -> list[Attempt]:
    """The endpoint's latest attempts, newest first."""
    stored_endpoint(store, endpoint_id)
    return [Attempt.model_validate(v) for v in store.webhook_attempts(endpoint_id, WEBHOOKS.log_entries)]


def ping(store: "HelpdeskStore", poster: Poster, endpoint_id: str, allow_loopback: bool, now: datetime) -> Attempt:
    """Send a test event to an endpoint now, and log it like any delivery."""
    from helpdesk.webhooks.events import ping_event

    event = ping_event(stored_endpoint(store, endpoint_id).id, now)
    delivery = Delivery(endpoint_id=endpoint_id, event_id=event.id, event=event.event, body=event.body().decode())
    done = attempt(store, poster, delivery, 1, allow_loopback, now)
    if done is None:  # deleted in between
        raise EndpointNotFound(endpoint_id)
    return done
