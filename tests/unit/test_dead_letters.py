"""Agents see each dead-letter queue with how many messages wait and a sample
of them, the first sending time as ISO text (none when the queue did not say)."""

from datetime import UTC, datetime

from helpdesk.admin.dead_letters import DeadLetter, PeekedQueue, dead_letter_view

SENT = datetime(2026, 3, 2, 15, 0, 1, 250000, tzinfo=UTC)


class FakeQueues:
    def __init__(self, *queues: PeekedQueue) -> None:
        self.queues = list(queues)

    def peek(self, per_queue: int = 10) -> list[PeekedQueue]:
        return self.queues


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
