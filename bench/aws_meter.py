"""What each help desk operation asks of AWS, metered on the client side with
botocore's event hooks (``bench.calls``): requests by service and operation,
and DynamoDB request units computed from the items themselves (moto's own
ConsumedCapacity is a constant), GSI writes included.

Units as DynamoDB bills on-demand: a write is one unit per KB of the item
(rounded up) on the table and again on every index the item is in; a
transaction writes the table's item twice (prepare and commit), but its
indexes once: DynamoDB propagates a committed transaction to its global
secondary indexes afterwards, as it does any write ("Amazon DynamoDB
Transactions: How it works"). A read is one unit per 4 KB, half for an
eventually consistent one, twice in a transaction; a query reads the sum of
what it returns."""

import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from bench import calls

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: names plus values."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict[str, Any]) -> int:
    (kind, inner), *_ = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(str(inner).lstrip("-").replace(".", "")) // 2 + 2
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_bytes(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_bytes(v) for k, v in inner.items())
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(v).encode()) for v in inner)
    return 0


@dataclass
class Meter:
    """Requests and DynamoDB units while ``active``; ``look_up(table, key)``
    reads an item as it is now without being metered (the size of an update)."""

    index_keys: dict[str, tuple[str, ...]]  # table → the hash key attribute of each of its indexes
    requests: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0
    look_up: Any = None
    # Units by partition ("PK=…" on the table, "GSI1PK=…" on an index), for the scale bench.
    partition_writes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    partition_reads: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    _quiet: threading.local = field(default_factory=threading.local)

    @classmethod
    def for_table(cls, session: Any, table: str) -> "Meter":
        """A meter for the help desk's table (its indexes as the template defines them),
        reading an updated item back unmetered to size it; installed."""
        from local.provision import table_definition

        indexes = tuple(
            next(k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "HASH")
            for index in table_definition().get("GlobalSecondaryIndexes", [])
        )
        raw = session.client("dynamodb")
        meter = cls({table: indexes}).install()
        meter.look_up = lambda name, key: raw.get_item(TableName=name, Key=key, ConsistentRead=True).get("Item")
        return meter

    def install(self) -> "Meter":
        calls.on_every_client("before-parameter-build", _keep_params)
        calls.on_every_client("after-call", self._after_call)
        return self

    def reset(self) -> None:
        self.requests.clear()
        self.read_units = self.write_units = 0.0
        self.partition_writes.clear()
        self.partition_reads.clear()

    def unmetered(self, call: Any) -> Any:
        self._quiet.on = True
        try:
            return call()
        finally:
            self._quiet.on = False

    def _after_call(self, http_response: Any, parsed: dict[str, Any], model: Any, **kwargs: Any) -> None:
        if getattr(self._quiet, "on", False):
            return
        service, operation = model.service_model.service_name, model.name
        if operation == "ReceiveMessage" and not parsed.get("Messages"):
            return  # an idle poller's empty receive: the cost model counts those apart
        self.requests[f"{service}.{operation}"] += 1
        if service != "dynamodb" or parsed.get("Error"):
            return
        params = kwargs.get("context", {}).get("metered_params") or {}
        if operation in READS:
            units = _read_units(operation, params, parsed)
            self.read_units += units
            touched = read_partitions(operation, params)
            for partition in touched:
                self.partition_reads[partition] += units / len(touched)
        elif operation in WRITES:
            self.write_units += self._write_units(operation, params)

    def _write_units(self, operation: str, params: dict[str, Any]) -> float:
        if operation == "TransactWriteItems":
            return sum(
                self._one_write(kind, spec, 2.0) for entry in params["TransactItems"] for kind, spec in entry.items()
            )
        if operation == "BatchWriteItem":
            return sum(
                self._one_write("Put" if "PutRequest" in r else "Delete", {"TableName": t, **next(iter(r.values()))})
                for t, requests in params["RequestItems"].items()
                for r in requests
            )
        return self._one_write(operation.removesuffix("Item"), params)

    def _one_write(self, kind: str, spec: dict[str, Any], factor: float = 1.0) -> float:
        table = spec["TableName"]
        if kind == "ConditionCheck":
            self.partition_writes[_key_partition(spec.get("Key", {}))] += factor
            return factor  # a condition check bills as a write of one unit
        item = spec.get("Item") if kind == "Put" else None
        if item is None and kind == "Update" and self.look_up is not None:
            item = self.unmetered(lambda: self.look_up(table, spec["Key"]))
        item = item or spec.get("Key", {})
        units = max(1, math.ceil(item_bytes(item) / 1024))
        indexes = [key for key in self.index_keys.get(table, ()) if key in item]
        self.partition_writes[_key_partition(item)] += units * factor
        for key in indexes:
            self.partition_writes[f"{key}={_plain(item[key])}"] += units
        return units * (factor + len(indexes))


def _plain(value: dict[str, Any]) -> str:
    return str(next(iter(value.values())))


def _key_partition(key: dict[str, Any]) -> str:
    return f"PK={_plain(key['PK'])}" if "PK" in key else "PK=?"


def read_partitions(operation: str, params: dict[str, Any]) -> list[str]:
    """The partitions a read touches: the table's ``PK=…`` or an index's ``GSI…PK=…``."""
    if operation == "GetItem":
        return [_key_partition(params.get("Key", {}))]
    if operation == "BatchGetItem":
        keys = [k for found in params.get("RequestItems", {}).values() for k in found.get("Keys", [])]
        return [_key_partition(k) for k in keys] or ["PK=?"]
    if operation == "TransactGetItems":
        gets = [e["Get"].get("Key", {}) for e in params.get("TransactItems", []) if "Get" in e]
        return [_key_partition(k) for k in gets] or ["PK=?"]
    if operation == "Query":
        condition = params.get("KeyConditionExpression", "")
        match = re.match(r"\s*\(?\s*([#\w]+)\s*=\s*(:\w+)", condition)
        if not match:
            return ["?"]
        name = params.get("ExpressionAttributeNames", {}).get(match[1], match[1])
        value = params.get("ExpressionAttributeValues", {}).get(match[2], {"S": "?"})
        return [f"{name}={_plain(value)}"]
    return ["(scan)"]


def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """The request's parameters, for the answer's hook (botocore passes the same context)."""
    context["metered_params"] = dict(params)


def _read_units(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> float:
    if operation == "GetItem":
        item = parsed.get("Item") or {}
        share = 1.0 if params.get("ConsistentRead") else 0.5
        return share * max(1, math.ceil(item_bytes(item) / 4096))
    if operation in ("Query", "Scan"):
        returned = sum(item_bytes(item) for item in parsed.get("Items", []))
        share = 1.0 if params.get("ConsistentRead") else 0.5
        return share * max(1, math.ceil(returned / 4096))
    if operation == "BatchGetItem":
        items = [item for found in parsed.get("Responses", {}).values() for item in found]
        return 0.5 * sum(max(1, math.ceil(item_bytes(item) / 4096)) for item in items)
    if operation == "TransactGetItems":
        items = [r.get("Item") or {} for r in parsed.get("Responses", [])]
        return 2.0 * sum(max(1, math.ceil(item_bytes(item) / 4096)) for item in items)
    return 0.0
