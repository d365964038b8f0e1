"""What the queues gave up on: messages in the dead-letter queues, shown to
agents without taking them off the queue, so someone can follow up: for each
queue, how many messages wait and a sample of them (the first time each was
sent, and how often it was received). The port is ``DeadLetterQueues``; the
SQS adapter, ``helpdesk.providers.sqs.SqsDeadLetters``, peeks and never empties."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

MAX_BODY = 4000


@dataclass(frozen=True)
class DeadLetter:
    queue: str
    message_id: str
    body: str
    first_sent_at: datetime | None
    receive_count: int


@dataclass(frozen=True)
class PeekedQueue:
    name: str
    waiting: int
    samples: tuple[DeadLetter, ...]


class DeadLetterQueues(Protocol):
    def peek(self, per_queue: int = 10) -> list[PeekedQueue]:
        """Each queue's name, how many wait in it, and up to ``per_queue`` of them."""


# As agents see them (the API's answer)


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DeadLetterSample(_View):
    message_id: str
    body: str
    first_sent_at: str | None
    receive_count: int


class DeadLetterQueue(_View):
    name: str
    waiting: int
    samples: list[DeadLetterSample]


class DeadLetters(_View):
    queues: list[DeadLetterQueue]


def dead_letter_view(source: DeadLetterQueues) -> DeadLetters:
    """Every dead-letter queue with its count and samples, as agents see them."""
    return DeadLetters(queues=[_queue(queue) for queue in source.peek()])


def _queue(queue: PeekedQueue) -> DeadLetterQueue:
    return DeadLetterQueue(
        name=queue.name,
        waiting=queue.waiting,
        samples=[
            DeadLetterSample(
                message_id=letter.message_id,
                body=letter.body,
                first_sent_at=letter.first_sent_at.isoformat() if letter.first_sent_at else None,
                receive_count=letter.receive_count,
            )
            for letter in queue.samples
        ],
    )
