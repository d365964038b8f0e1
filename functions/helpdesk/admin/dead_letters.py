"""What the queues gave up on: messages in the dead-letter queues, shown to
agents without taking them off the queue (received with no visibility timeout)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_BODY = 4000


@dataclass(frozen=True)
class DeadLetter:
    queue: str
    message_id: str
    body: str
    first_sent_at: datetime | None
    receive_count: int


@dataclass(frozen=True)
class DeadLetterQueue:
    name: str
    waiting: int
    samples: tuple[DeadLetter, ...]


class SqsDeadLetters:
    def __init__(self, client: Any, queue_urls: tuple[str, ...]) -> None:
        self._sqs = client
        self._urls = queue_urls

    def peek(self, per_queue: int = 10) -> list[DeadLetterQueue]:
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
            found.append(DeadLetterQueue(name, int(attributes["Attributes"]["ApproximateNumberOfMessages"]), samples))
        return found


def _time(milliseconds: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(milliseconds) / 1000, UTC) if milliseconds else None
