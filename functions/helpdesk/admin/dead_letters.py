"""What the queues gave up on: messages in the dead-letter queues, shown to
agents without taking them off the queue (``DeadLetterQueues``; the SQS
adapter is ``helpdesk.providers.sqs.SqsDeadLetters``)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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


class DeadLetterQueues(Protocol):
    def peek(self, per_queue: int = 10) -> list[DeadLetterQueue]:
        """Each queue's name, how many wait in it, and up to ``per_queue`` of them."""
