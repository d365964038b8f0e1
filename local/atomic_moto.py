"""Make moto apply one request at a time, as AWS applies each request atomically.

moto's backends are plain Python objects without locks: two threads running
TransactWriteItems on one table can interleave inside moto and corrupt it, which
DynamoDB never does. Callers still race freely; only moto's handling of a single
request is made indivisible. Used by the local stack's embedded server and by the
tests that race deliveries against each other.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

_REQUEST_LOCK = threading.RLock()
_installed = False


def serialize_in_process_requests() -> None:
    """For ``mock_aws``: wrap moto's botocore stub in the request lock (idempotent)."""
    global _installed  # noqa: PLW0603 - a one-time patch of a third-party class
    if _installed:
        return
    original = BotocoreStubber.__call__

    def atomic_call(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
        with _REQUEST_LOCK:
            return original(self, *args, **kwargs)

    BotocoreStubber.__call__ = atomic_call  # type: ignore[method-assign]
    _copy_tables_once_per_transaction()
    _installed = True


_copy_patched = False


def _copy_tables_once_per_transaction() -> None:
    """moto backs up a table before a TransactWriteItems by deep-copying it once
    per *item* of the transaction (the same table four or five times for one of
    ours), which makes every transaction cost several copies of the whole table.
    One copy per table per transaction gives the same rollback. Safe because
    requests are applied one at a time (the module attribute is swapped only
    while a transaction runs under the request lock)."""
    global _copy_patched  # noqa: PLW0603
    if _copy_patched:
        return
    import copy

    from moto.dynamodb import models as dynamodb_models

    original = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        copies: dict[int, Any] = {}

        class _OncePerObject:
            @staticmethod
            def deepcopy(obj: Any, memo: Any = None) -> Any:
                if id(obj) not in copies:
                    copies[id(obj)] = copy.deepcopy(obj, memo)
                return copies[id(obj)]

        with _REQUEST_LOCK:
            dynamodb_models.copy = _OncePerObject  # type: ignore[assignment]
            try:
                return original(self, transact_items)
            finally:
                dynamodb_models.copy = copy

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _copy_patched = True


class AtomicRequests:
    """WSGI middleware: the wrapped app handles one request at a time."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        _copy_tables_once_per_transaction()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _REQUEST_LOCK:
            return list(self.app(environ, start_response))
