"""Make moto apply one request at a time, as AWS applies each request atomically.

moto's backends are plain Python objects without locks: two threads running
TransactWriteItems on one table can interleave inside moto and corrupt it, which
DynamoDB never does. Callers still race freely; only moto's handling of a single
request is made indivisible. Used by the local stack's embedded server and by the
tests that race deliveries against each other.

The same two entry points also take out the parts of moto whose cost grows
with what it stores (a table copied per transaction, a table walked per Query,
a queue's clock read per message): the answers stay moto's, in the time AWS's
own would take relative to each other.
"""

import base64
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

_REQUEST_LOCK = threading.RLock()
_installed = False
# Actions that only read (X-Amz-Target's operation starts with one of these):
# they leave the saved state as it is (``local.saved_state``).
READING_ACTIONS = ("Get", "List", "Describe", "Query", "Scan", "BatchGet", "Receive")


def request_lock() -> threading.RLock:
    """Held while moto applies a request: whoever holds it sees no request half applied."""
    return _REQUEST_LOCK


def only_reads(environ: dict[str, Any]) -> bool:
    """Whether a request to moto's server cannot have changed anything."""
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD", "OPTIONS"):
        return True
    operation = str(environ.get("HTTP_X_AMZ_TARGET", "")).rpartition(".")[2]
    return operation.startswith(READING_ACTIONS)


def changed_service(environ: dict[str, Any]) -> str:
    """What a changing request changed: ``dynamodb`` (its table, so its stream)
    or ``other`` (a queue, a bucket, a state machine...)."""
    return "dynamodb" if str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_") else "other"


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
    query_one_partition()
    count_queue_messages_in_one_pass()
    answer_items_as_held()
    _installed = True


_copy_patched = False


def _copy_tables_once_per_transaction() -> None:
    """moto backs up every table a TransactWriteItems touches by deep-copying it
    whole (once per *item* of the transaction), so a transaction costs several
    copies of the table and its stream's history, and grows with them. The same
    rollback needs only the items the transaction names and the stream's length:
    those are kept before it runs and put back if it fails, and moto's own copy
    becomes the table itself. Safe because requests are applied one at a time
    (the module attribute is swapped only while a transaction runs under the
    request lock). (The name stays: it is what the local stack and tests call.)"""
    global _copy_patched  # noqa: PLW0603
    if _copy_patched:
        return
    import copy

    from moto.dynamodb import models as dynamodb_models

    original = dynamodb_models.DynamoDBBackend.transact_write_items

    class _NoCopy:
        @staticmethod
        def deepcopy(obj: Any, memo: Any = None) -> Any:
            return obj  # the rollback is _TransactionRollback's

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _REQUEST_LOCK:
            rollback = _TransactionRollback(self, transact_items)
            dynamodb_models.copy = _NoCopy  # type: ignore[assignment]
            try:
                return original(self, transact_items)
            except Exception:
                rollback.restore()
                raise
            finally:
                dynamodb_models.copy = copy

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _copy_patched = True


class _TransactionRollback:
    """The items a transaction names, as they were before it, and each touched
    table's stream length: enough to undo whatever part of it moto applied."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        import copy

        from moto.dynamodb.models.dynamo_type import DynamoType

        self._items: list[tuple[Any, Any, Any, Any]] = []  # (table, hash, range, item before or None)
        self._streams: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            _, operation = next(iter(entry.items()))
            table = backend.tables.get(operation.get("TableName"))
            attributes = operation.get("Item") or operation.get("Key") or {}
            if table is None or table.hash_key_attr not in attributes:
                continue  # moto refuses it before changing anything
            hash_key = DynamoType(attributes[table.hash_key_attr])
            range_key = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr in attributes else None
            if table.has_range_key and range_key is None:
                continue
            before = table.get_item(hash_key, range_key)
            self._items.append((table, hash_key, range_key, copy.deepcopy(before)))
            if table.stream_shard is not None:
                self._streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))

    def restore(self) -> None:
        for table, hash_key, range_key, before in reversed(self._items):
            if range_key is None:
                if before is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before
                continue
            if before is None:
                table.items.get(hash_key, {}).pop(range_key, None)
                if hash_key in table.items and not table.items[hash_key]:
                    del table.items[hash_key]
            else:
                table.items[hash_key][range_key] = before
        for shard, length in self._streams.values():
            del shard.items[length:]


class AtomicRequests:
    """WSGI middleware: the wrapped app handles one request at a time."""

    def __init__(self, app: Callable[..., Iterable[bytes]], on_change: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.on_change = on_change  # told after each request that may have changed something, and what
        _copy_tables_once_per_transaction()
        query_one_partition()
        count_queue_messages_in_one_pass()
        answer_items_as_held()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _REQUEST_LOCK:
            answer = list(self.app(environ, start_response))
        if self.on_change is not None and not only_reads(environ):
            self.on_change(changed_service(environ))
        return answer


_query_patched = False


def query_one_partition() -> None:
    """moto answers a Query by walking every item of the table, sorted (Python
    comparisons of its own value type, n log n of them), so each Query costs the
    whole table and the local stack slows down as its tickets pile up. A Query on
    the table itself (no index) with a hash key only ever matches that hash
    key's items: moto is handed only those. A Query on an index is handed the
    items unsorted: moto filters them by the index's key and sorts what matched
    by the index's full key, so the order it was handed never shows. The answer
    is the same; the time is the partition's, or one pass over the table for an
    index. (Idempotent.)"""
    global _query_patched  # noqa: PLW0603 - a one-time patch of a third-party class
    if _query_patched:
        return
    from moto.dynamodb.models.table import Table

    original = Table.query

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is None and (hash_key is None or not self.range_key_attr):
            return original(self, hash_key, *args, **kwargs)
        if index_name is None:
            candidates = list(self.items.get(hash_key, {}).values())
        else:
            buckets = self.items.values()
            candidates = [i for b in buckets for i in b.values()] if self.range_key_attr else list(buckets)
        self.all_items = lambda: candidates
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    Table.query = query  # type: ignore[method-assign]
    _query_patched = True


_queue_counts_patched = False


def count_queue_messages_in_one_pass() -> None:
    """moto's SQS reads the clock once per message per question: sending one
    message asks the queue's attributes, which count its visible, in-flight
    and delayed messages, each message asking the time anew. A queue with a
    backlog then takes longer to grow the more it holds, which a load run turns
    into a spiral. The same counts with the clock read once per question.
    (Idempotent.)"""
    global _queue_counts_patched  # noqa: PLW0603 - a one-time patch of a third-party class
    if _queue_counts_patched:
        return
    from moto.sqs import models

    def now() -> float:
        return float(models.unix_time_millis())  # looked up at each call: a patched clock applies

    def ready(queue: Any) -> list[Any]:
        at = now()
        return [m for m in queue._messages if at > m.visible_at and not at < m.delayed_until]

    def in_flight(queue: Any) -> int:
        at = now()
        return sum(1 for m in queue._messages if not at > m.visible_at)

    def delayed(queue: Any) -> int:
        at = now()
        return sum(1 for m in queue._messages if at < m.delayed_until)

    models.Queue.messages = property(ready)  # type: ignore[method-assign,assignment]
    models.Queue.approximate_number_of_messages = property(lambda queue: len(ready(queue)))  # type: ignore[method-assign,assignment]
    models.Queue.approximate_number_of_messages_not_visible = property(in_flight)  # type: ignore[method-assign,assignment]
    models.Queue.approximate_number_of_messages_delayed = property(delayed)  # type: ignore[method-assign,assignment]
    _queue_counts_patched = True


_serializer_patched = False
# Answers made only of items, keys, counts and consumed capacity: what moto
# holds for them is already their wire form.
ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _binary_on_the_wire(value: object) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


def answer_items_as_held() -> None:
    """moto writes each DynamoDB answer by walking the API's output shape value
    by value, which costs more than finding the items did. The answers to item
    operations are already in DynamoDB's JSON form (moto converts its values
    before it serializes; binary values go as base64, as on the wire), so they
    are written with ``json.dumps``; anything that cannot be (an error, a value
    of another type) takes moto's own path.
    ``tests/integration/test_embedded_answers.py`` holds both paths equal.
    (Idempotent.)"""
    global _serializer_patched  # noqa: PLW0603 - a one-time patch of a third-party class
    if _serializer_patched:
        return
    import json

    from moto.dynamodb import responses

    def execute_result(self: Any, context: Any) -> Any:
        if isinstance(self.result, dict) and context.operation_model.name in ITEM_OPERATIONS:
            try:
                body = json.dumps(self.result, default=_binary_on_the_wire)
            except (TypeError, ValueError):
                body = None
            if body is not None:
                version = context.service_model.metadata.get("jsonVersion", "1.0")
                return 200, {"Content-Type": f"application/x-amz-json-{version}"}, body
        return responses.ActionResult.execute_result(self, context)  # moto's own path

    responses.DynamoResult.execute_result = execute_result  # type: ignore[method-assign]
    _serializer_patched = True
