"""The cost model's meter counts DynamoDB units as DynamoDB bills them, from
the items themselves (``bench/aws_meter.py``)."""

from types import SimpleNamespace
from typing import Any

from bench.aws_meter import Meter, _read_units, item_bytes


def _item(size: int, **extra: str) -> dict[str, Any]:
    return {"PK": {"S": "T"}, "SK": {"S": "M"}, "body": {"S": "x" * size}} | {k: {"S": v} for k, v in extra.items()}


def _called(meter: Meter, operation: str, params: dict[str, Any], parsed: dict[str, Any] | None = None) -> None:
    model = SimpleNamespace(name=operation, service_model=SimpleNamespace(service_name="dynamodb"))
    meter._after_call(None, parsed or {}, model, context={"metered_params": params})


def test_item_size_counts_names_and_values() -> None:
    assert item_bytes({"PK": {"S": "abc"}}) == 2 + 3
    assert item_bytes({"n": {"N": "12345"}, "ok": {"BOOL": True}}) == 1 + 4 + 2 + 1
    assert item_bytes({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + 1 + 1 + 2


def test_a_write_costs_a_unit_per_kb_on_the_table_and_each_index_it_is_in() -> None:
    meter = Meter({"t": ("GSI1PK", "GSI2PK", "GSI3PK")})

    _called(meter, "PutItem", {"TableName": "t", "Item": _item(100)})
    assert meter.write_units == 1
    _called(meter, "PutItem", {"TableName": "t", "Item": _item(2500, GSI1PK="g", GSI2PK="h")})
    assert meter.write_units == 1 + 3 * 3  # 3 KB on the table and on two indexes

    meter.reset()
    transaction = {
        "TransactItems": [{"Put": {"TableName": "t", "Item": _item(10)}}, {"ConditionCheck": {"TableName": "t"}}]
    }
    _called(meter, "TransactWriteItems", transaction)
    assert meter.write_units == 2 * (1 + 1)

    meter.reset()
    indexed = {"TransactItems": [{"Put": {"TableName": "t", "Item": _item(1500, GSI1PK="g", GSI2PK="h")}}]}
    _called(meter, "TransactWriteItems", indexed)
    assert meter.write_units == 2 * 2 + 2 * 2  # 2 KB twice on the table, once on each of two indexes


def test_an_update_is_billed_on_the_item_as_it_became() -> None:
    meter = Meter({"t": ("GSI1PK",)})
    meter.look_up = lambda table, key: _item(1500, GSI1PK="g")

    _called(meter, "UpdateItem", {"TableName": "t", "Key": {"PK": {"S": "T"}}})

    assert meter.write_units == 2 * 2


def test_reads_cost_half_a_unit_per_4_kb_unless_consistent() -> None:
    assert _read_units("GetItem", {}, {"Item": _item(5000)}) == 0.5 * 2
    assert _read_units("GetItem", {"ConsistentRead": True}, {"Item": _item(10)}) == 1
    assert _read_units("Query", {}, {"Items": [_item(3000), _item(3000)]}) == 0.5 * 2
    assert _read_units("Query", {}, {"Items": []}) == 0.5  # an empty query still reads


def test_units_are_kept_by_partition_on_the_table_and_each_index() -> None:
    meter = Meter({"t": ("GSI1PK",)})

    _called(meter, "PutItem", {"TableName": "t", "Item": _item(100, GSI1PK="STATUS#open") | {"PK": {"S": "TICKET#1"}}})
    transaction = {"TransactItems": [{"Put": {"TableName": "t", "Item": _item(10) | {"PK": {"S": "COUNTER"}}}}]}
    _called(meter, "TransactWriteItems", transaction)
    assert dict(meter.partition_writes) == {"PK=TICKET#1": 1, "GSI1PK=STATUS#open": 1, "PK=COUNTER": 2}

    query = {"TableName": "t", "IndexName": "by_status", "KeyConditionExpression": "#0 = :0 AND #1 > :1",
             "ExpressionAttributeNames": {"#0": "GSI1PK", "#1": "GSI1SK"},
             "ExpressionAttributeValues": {":0": {"S": "STATUS#open"}, ":1": {"S": "2026"}}}  # fmt: skip
    _called(meter, "Query", query, {"Items": [_item(5000)]})
    _called(
        meter, "GetItem", {"TableName": "t", "Key": {"PK": {"S": "TICKET#1"}, "SK": {"S": "T"}}}, {"Item": _item(1)}
    )
    assert dict(meter.partition_reads) == {"GSI1PK=STATUS#open": 1.0, "PK=TICKET#1": 0.5}
