"""What the queues gave up on: messages in the dead-letter queues, shown to
agents without taking them off the queue (``DeadLetterQueues``; the SQS
adapter is ``helpdesk.providers.sqs.SqsDeadLetters``)."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

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


def __getattr__(name: str) -> object:
    """``SqsDeadLetters`` moved to ``helpdesk.providers.sqs``; the agent API still
    imports it from here until it takes it from ``helpdesk.connections`` (issue 12)."""
    if name == "SqsDeadLetters":
        from helpdesk.providers.sqs import SqsDeadLetters

        return SqsDeadLetters
    raise AttributeError(name)


if TYPE_CHECKING:
    from helpdesk.providers.sqs import SqsDeadLetters  # noqa: F401 - see __getattr__
