"""Events that carry several records, handled one record at a time.

SQS batches get Powertools' ``BatchProcessor`` (a partial batch response: only
the failed messages come back). SES receipt rules and SNS invoke a function
asynchronously, with no partial response: ``each_record`` tries every record,
whatever happened to the ones before, and then fails the invocation naming the
records that failed. Lambda's retries and on-failure destination take it from
there; the records that succeeded are idempotent on their provider's id (SES
message id, wamid), so a retry files nothing twice.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from helpdesk.observability import logger

Record = TypeVar("Record")
Result = TypeVar("Result")


class RecordsFailed(Exception):
    """Some records of an event failed after every record was tried; the first
    failure is the cause."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(f"{len(failed)} record(s) failed: {', '.join(failed)}")
        self.failed = failed


def each_record(
    records: Sequence[Record], handle: Callable[[Record], Result], name: Callable[[Record], str]
) -> list[Result]:
    """``handle`` every record; their results in order, or ``RecordsFailed``
    naming (by ``name``) the records that raised."""
    results: list[Result] = []
    failed: list[str] = []
    first: Exception | None = None
    for record in records:
        try:
            results.append(handle(record))
        except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the others
            label = _safe_name(name, record)
            logger.exception("record failed", extra={"record": label})
            failed.append(label)
            first = first or exc
    if failed:
        raise RecordsFailed(failed) from first
    return results


def _safe_name(name: Callable[[Record], str], record: Record) -> str:
    try:
        return name(record)
    except Exception:  # noqa: BLE001 - a record too broken to name is still counted
        return "unnamed"
