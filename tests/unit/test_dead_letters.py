"""Agents see each dead-letter queue with how many messages wait and a sample
of them, the first sending time as ISO text (none when the queue did not say)."""

from datetime import UTC, datetime

from helpdesk.admin.dead_letters import MOST_PER_REDRIVE, DeadLetter, PeekedQueue, dead_letter_view, redrive
from helpdesk.models import Actor, ActorKind, AuditEntry

SENT = datetime(2026, 3, 2, 15, 0, 1, 250000, tzinfo=UTC)


class FakeQueues:
    def __init__(self, *queues: PeekedQueue) -> None:
        self.queues = list(queues)

    def peek(self, per_queue: int = 10) -> list[PeekedQueue]:
        return self.queues

    def redrive(self, queue: str, most: int) -> int:
        found = next(q for q in self.queues if q.name == queue)
        moved = min(found.waiting, most)
        self.queues = [q if q is not found else PeekedQueue(q.name, q.waiting - moved, ()) for q in self.queues]
        return moved


class AuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record_audit(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


def test_each_queue_shows_its_count_and_samples() -> None:
    outbound = PeekedQueue(
        "atiende-outbound-dlq",
        3,
        (
            DeadLetter("atiende-outbound-dlq", "m-1", '{"ticket_id": "T1"}', SENT, 5),
            DeadLetter("atiende-outbound-dlq", "m-2", "{}", None, 1),
        ),
    )
    empty = PeekedQueue("atiende-mail-dlq", 0, ())

    view = dead_letter_view(FakeQueues(outbound, empty))

    assert view.model_dump(mode="json") == {
        "queues": [
            {
                "name": "atiende-outbound-dlq",
                "waiting": 3,
                "samples": [
                    {
                        "message_id": "m-1",
                        "body": '{"ticket_id": "T1"}',
                        "first_sent_at": "2026-03-02T15:00:01.250000+00:00",
                        "receive_count": 5,
                    },
                    {"message_id": "m-2", "body": "{}", "first_sent_at": None, "receive_count": 1},
                ],
            },
            {"name": "atiende-mail-dlq", "waiting": 0, "samples": []},
        ]
    }


def test_no_queues_no_entries() -> None:
    assert dead_letter_view(FakeQueues()).queues == []


def test_a_redrive_moves_at_most_a_batch_and_is_audited() -> None:
    queues = FakeQueues(PeekedQueue("atiende-mail-dlq", MOST_PER_REDRIVE + 20, ()))
    log = AuditLog()
    sofia = Actor(kind=ActorKind.AGENT, id="a-1", name="Sofía")

    first = redrive(queues, log, "atiende-mail-dlq", sofia, SENT)
    second = redrive(queues, log, "atiende-mail-dlq", sofia, SENT)

    assert (first.moved, second.moved) == (MOST_PER_REDRIVE, 20)
    (entry, _) = log.entries
    assert (entry.action, entry.target, entry.actor.name) == ("dead_letters.redriven", "atiende-mail-dlq", "Sofía")
    assert {c.field: c.new for c in entry.changes} == {"queue": "atiende-mail-dlq", "moved": MOST_PER_REDRIVE}
