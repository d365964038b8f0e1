"""Time and identifiers: every timestamp is timezone-aware UTC, every id a ULID."""

import random
import time
from datetime import UTC, datetime

from ulid import ULID


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A ULID: unique, sortable by creation time, safe in keys and URLs."""
    return str(ULID())


def sortable(moment: datetime) -> str:
    """Text form used in sort keys: ISO 8601 in UTC with microseconds, so that
    text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in Atiende is timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def pause_before_retry(attempt: int) -> None:
    """A short random pause before trying again after losing a race (full jitter,
    growing with the attempt, at most half a second)."""
    time.sleep(random.uniform(0, min(0.5, 0.01 * 2 ** min(attempt, 6))))  # noqa: S311 - jitter, not security
