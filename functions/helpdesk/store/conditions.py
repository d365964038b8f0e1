"""Writes under conditions, and reads that may find nothing: the one place
where PynamoDB's failures become answers (False, None) or domain errors.

- ``Transaction``: a TransactWrite whose operations carry names, so a
  cancellation says which conditions failed; ``commit_or_raise`` turns them
  into the domain error each one means.
- ``conditionally``: one conditional write; False when its condition failed.
- ``get_or_none``: one item, or None when it is not there.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from helpdesk.errors import ConcurrentWrite

# What DynamoDB says when a condition failed: on a single write, and for one
# operation of a cancelled transaction.
CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CONDITION_FAILED = "ConditionalCheckFailed"
TRANSACTION_CONFLICT = "TransactionConflict"

ItemType = TypeVar("ItemType", bound=Model)
# Operation name → the error its failed condition means, first match wins.
Refusals = Mapping[str, Callable[[], Exception]]


def get_or_none(
    item_class: type[ItemType], hash_key: str, range_key: str, *, consistent_read: bool = False
) -> ItemType | None:
    """The item under these keys, or None when there is none."""
    try:
        return item_class.get(hash_key, range_key, consistent_read=consistent_read)
    except item_class.DoesNotExist:
        return None


def conditionally(write: Callable[[], object]) -> bool:
    """Run one conditional write (a save, update or delete); False when its
    condition failed and nothing was written. Any other failure propagates."""
    try:
        write()
    except (PutError, UpdateError, DeleteError) as exc:
        if exc.cause_response_code != CONDITION_FAILED:
            raise
        return False
    return True


@dataclass
class Transaction:
    """A TransactWrite whose operations carry names, so a cancellation says which
    condition failed (DynamoDB lists reasons by position; PynamoDB sends condition
    checks, then deletes, then puts, then updates). Names need not be unique:
    a failure of any operation of that name counts."""

    connection: Connection
    _ops: dict[str, list[tuple[str, Any]]] = field(
        default_factory=lambda: {"check": [], "delete": [], "put": [], "update": []}
    )

    def put(self, name: str, item: Model, condition: Condition | None = None) -> None:
        self._ops["put"].append((name, ("save", item, condition)))

    def delete(self, name: str, item: Model, condition: Condition | None = None) -> None:
        self._ops["delete"].append((name, ("delete", item, condition)))

    def update(self, name: str, item: Model, actions: list[Action], condition: Condition | None = None) -> None:
        self._ops["update"].append((name, ("update", item, (actions, condition))))

    def commit(self) -> set[str]:
        """Run it; the names of the operations whose conditions failed (empty
        when it committed). A conflict with another transaction writing the same
        items at that moment is ConcurrentWrite: nothing was written, try again."""
        names = [name for kind in ("check", "delete", "put", "update") for name, _ in self._ops[kind]]
        try:
            with TransactWrite(connection=self.connection) as transaction:
                for kind in ("put", "delete"):
                    for _, (verb, item, condition) in self._ops[kind]:
                        getattr(transaction, verb)(item, condition=condition)
                for _, (_, item, (actions, condition)) in self._ops["update"]:
                    transaction.update(item, actions=actions, condition=condition)
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons
            if any(reason is not None and reason.code == TRANSACTION_CONFLICT for reason in reasons):
                raise ConcurrentWrite("another transaction was writing the same items") from exc
            failed = {
                name
                for name, reason in zip(names, reasons, strict=False)
                if reason is not None and reason.code == TRANSACTION_CONDITION_FAILED
            }
            if not failed:
                raise
            return failed
        return set()

    def commit_or_raise(self, refusals: Refusals, otherwise: Callable[[], Exception]) -> None:
        """Run it; when conditions failed, raise what the first failed one in
        ``refusals`` means, or ``otherwise()`` for any other."""
        refuse(self.commit(), refusals, otherwise)


def refuse(failed: set[str], refusals: Refusals, otherwise: Callable[[], Exception]) -> None:
    """Raise the domain error for the operations that ``failed`` (nothing when
    none did): the first of ``refusals`` that failed, else ``otherwise()``. The
    error notes which conditions failed."""
    if not failed:
        return
    make = next((error for name, error in refusals.items() if name in failed), otherwise)
    error = make()
    error.add_note(f"failed conditions: {', '.join(sorted(failed))}")
    raise error
