"""Time and identifiers: every timestamp is timezone-aware UTC, every id a ULID."""

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
