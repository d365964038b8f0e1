"""What agents see of the dead-letter queues: for each queue, how many
messages wait and a sample of them (the first time each was sent, as ISO
text, and how often it was received), so someone can follow up.

The queues are looked into, never emptied: the source peeks
(``helpdesk.admin.dead_letters``).
"""

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from helpdesk.admin import dead_letters


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


class DeadLetterSource(Protocol):
    """The dead-letter queues, looked into without taking anything off them."""

    def peek(self) -> list[dead_letters.DeadLetterQueue]: ...


def dead_letter_view(source: DeadLetterSource) -> DeadLetters:
    """Every dead-letter queue with its count and samples, as agents see them."""
    return DeadLetters(queues=[_queue(queue) for queue in source.peek()])


def _queue(queue: dead_letters.DeadLetterQueue) -> DeadLetterQueue:
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
