"""What the queues gave up on: messages in the dead-letter queues, shown to
agents without taking them off the queue, so someone can follow up: for each
queue, how many messages wait and a sample of them (the first time each was
sent, and how often it was received). The port is ``DeadLetterQueues``; the
SQS adapter, ``helpdesk.providers.sqs.SqsDeadLetters``, peeks and never empties."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import ConfigDict

from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, AuditEntry
from helpdesk.validated import Validated

MAX_BODY = 4000
MOST_PER_REDRIVE = 500  # a supervisor's click moves at most this many; click again for more


class UnknownDeadLetterQueue(HelpdeskError):
    message_key = "error.dead_letter_queue_not_found"


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

    def redrive(self, queue: str, most: int) -> int:
        """Move up to ``most`` messages of dead-letter queue ``queue`` back to the
        queue they came from (each sent there before it leaves the dead letters:
        a crash in between delivers it twice, which every consumer absorbs, never
        zero times); how many moved. Unknown queue: ``UnknownDeadLetterQueue``."""


# As agents see them (the API's answer)


class _View(Validated):
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


class Redriven(_View):
    """What a redrive did (the answer, and the audit log's record)."""

    queue: str
    moved: int


class RedriveRecords(Protocol):
    def record_audit(self, entry: AuditEntry) -> None: ...


def redrive(source: DeadLetterQueues, records: RedriveRecords, queue: str, actor: Actor, at: datetime) -> Redriven:
    """Send a dead-letter queue's messages back to be processed again (after the
    cause was fixed), audited with who did it and how many moved."""
    done = Redriven(queue=queue, moved=source.redrive(queue, MOST_PER_REDRIVE))
    records.record_audit(audit_entry(actor, "dead_letters.redriven", queue, None, done, at))
    return done
