"""Amazon SQS: the outbound queue replies wait on, the FIFO queue channel
updates wait on, the queue webhook deliveries wait on, and a look into the
dead-letter queues."""

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from helpdesk.admin.dead_letters import MAX_BODY, DeadLetter, PeekedQueue, UnknownDeadLetterQueue

if TYPE_CHECKING:
    from helpdesk.channels.outbound import OutboundRequest
    from helpdesk.webhooks.delivery import Delivery

BATCH = 10


class SqsOutboundQueue:
    """The ``OutboundQueue`` replies wait on until their channel's sender takes them."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def enqueue(self, request: "OutboundRequest") -> None:
        self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(request.model_dump(mode="json")))

    def postpone(self, receipt_handle: str, seconds: int) -> None:
        """The received request comes back after ``seconds`` (a retry with a delay)."""
        self._sqs.change_message_visibility(QueueUrl=self._url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)


class SqsFifoQueue:
    """Channel updates on a FIFO queue: one message group per customer (their
    updates are handled in order), deduplicated by the provider's id."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url

    def enqueue(self, items: list[tuple[str, str, BaseModel]]) -> None:
        """``items``: (message group, deduplication id, body)."""
        for start in range(0, len(items), BATCH):
            entries = [
                {
                    "Id": str(index),
                    "MessageGroupId": group[:128],
                    "MessageDeduplicationId": _dedup(dedup_id),
                    "MessageBody": json.dumps(body.model_dump(mode="json")),
                }
                for index, (group, dedup_id, body) in enumerate(items[start : start + BATCH])
            ]
            result = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries)
            if result.get("Failed"):
                raise RuntimeError(f"{len(result['Failed'])} updates not queued")


def _dedup(value: str) -> str:
    """SQS allows 128 characters of [A-Za-z0-9] and punctuation."""
    cleaned = "".join(c for c in value if c.isalnum() or c in "-_.:=+/")
    return cleaned if 0 < len(cleaned) <= 128 else hashlib.sha256(value.encode()).hexdigest()


class SqsDeadLetters:
    """The ``DeadLetterQueues``: messages are received with no visibility
    timeout, so looking takes nothing off the queue."""

    def __init__(self, client: Any, queue_urls: tuple[str, ...]) -> None:
        self._sqs = client
        self._urls = queue_urls

    def peek(self, per_queue: int = 10) -> list[PeekedQueue]:
        found = []
        for url in self._urls:
            name = url.rstrip("/").rsplit("/", 1)[-1]
            attributes = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            received = self._sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(per_queue, 10),
                VisibilityTimeout=0,  # a look, not a take
                AttributeNames=["All"],
            ).get("Messages", [])
            samples = tuple(
                DeadLetter(
                    queue=name,
                    message_id=m["MessageId"],
                    body=m["Body"][:MAX_BODY],
                    first_sent_at=_time(m.get("Attributes", {}).get("SentTimestamp")),
                    receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", 0)),
                )
                for m in received
            )
            found.append(PeekedQueue(name, int(attributes["Attributes"]["ApproximateNumberOfMessages"]), samples))
        return found

    def redrive(self, queue: str, most: int) -> int:
        url = next((u for u in self._urls if u.rstrip("/").rsplit("/", 1)[-1] == queue), None)
        if url is None:
            raise UnknownDeadLetterQueue(queue)
        sources = self._sqs.list_dead_letter_source_queues(QueueUrl=url).get("queueUrls", [])
        if not sources:
            raise UnknownDeadLetterQueue(queue)
        source = sources[0]  # each of ours feeds one dead-letter queue
        moved = 0
        while moved < most:
            letters = self._sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(10, most - moved), AttributeNames=["All"],
                MessageAttributeNames=["All"], VisibilityTimeout=60,
            ).get("Messages", [])  # fmt: skip
            if not letters:
                return moved
            for letter in letters:
                again: dict[str, Any] = {"QueueUrl": source, "MessageBody": letter["Body"]}
                if letter.get("MessageAttributes"):
                    again["MessageAttributes"] = letter["MessageAttributes"]
                if source.endswith(".fifo"):
                    # the same group (order per customer); a deduplication id of its own, as the
                    # original's may still be inside the 5-minute window and would drop it
                    again["MessageGroupId"] = letter["Attributes"]["MessageGroupId"]
                    again["MessageDeduplicationId"] = _dedup(f"redrive-{letter['MessageId']}")
                self._sqs.send_message(**again)
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=letter["ReceiptHandle"])
                moved += 1
        return moved


def _time(milliseconds: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(milliseconds) / 1000, UTC) if milliseconds else None


class SqsWebhookQueue:
    """Deliveries of outgoing webhooks wait here for the sender; the ones it gave
    up on go to the dead-letter queue with their reason (``WebhookQueueSettings``)."""

    def __init__(self, client: Any, queue_url: str, dead_letter_queue_url: str) -> None:
        self._sqs = client
        self._url = queue_url
        self._dead_letters = dead_letter_queue_url

    def enqueue(self, deliveries: "list[Delivery]") -> None:
        for start in range(0, len(deliveries), BATCH):
            entries = [
                {"Id": str(index), "MessageBody": delivery.model_dump_json()}
                for index, delivery in enumerate(deliveries[start : start + BATCH])
            ]
            result = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries)
            if result.get("Failed"):
                raise RuntimeError(f"{len(result['Failed'])} webhook deliveries not queued")

    def postpone(self, receipt_handle: str, seconds: int) -> None:
        """The received delivery comes back after ``seconds`` (the retry's backoff)."""
        self._sqs.change_message_visibility(QueueUrl=self._url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)

    def give_up(self, delivery: "Delivery") -> None:
        self._sqs.send_message(QueueUrl=self._dead_letters, MessageBody=delivery.model_dump_json())
