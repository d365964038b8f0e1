"""Channel updates wait on an SQS FIFO queue: one message group per customer
(their updates are handled in order), deduplicated by the provider's id."""

import hashlib
import json
from typing import Any

from pydantic import BaseModel

BATCH = 10


class SqsFifoQueue:
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
