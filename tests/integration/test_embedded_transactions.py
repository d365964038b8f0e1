"""The embedded AWS undoes a failed TransactWriteItems item by item (``local.atomic_moto``
keeps the items a transaction names instead of moto's copy of the whole table): what
the transaction applied before the failing condition is gone, its stream records too,
and what it did not name is untouched."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local.atomic_moto import serialize_in_process_requests
from tests.conftest import REGION

TABLE = "transactions"


@pytest.fixture
def dynamodb(aws_env: None) -> Iterator[Any]:
    serialize_in_process_requests()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def _item(pk: str, sk: str, **values: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}, **{k: {"S": v} for k, v in values.items()}}


def _table(client: Any) -> list[dict[str, Any]]:
    return sorted(client.scan(TableName=TABLE)["Items"], key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def _stream_length(client: Any) -> int:
    """The records moto's stream holds (read from its backend: DescribeStream is the embedded server's)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[TABLE].stream_shard
    assert shard is not None
    return len(shard.items)


def test_a_failed_transaction_leaves_the_table_and_its_stream_as_they_were(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=_item("TICKET#1", "META", status="new"))
    dynamodb.put_item(TableName=TABLE, Item=_item("TICKET#2", "META", status="open"))
    before, stream_before = _table(dynamodb), _stream_length(dynamodb)

    with pytest.raises(ClientError, match="TransactionCanceledException"):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": _item("TICKET#1", "META", status="solved")}},
                {"Put": {"TableName": TABLE, "Item": _item("TICKET#1", "MSG#1", text="hola")}},
                {"Delete": {"TableName": TABLE, "Key": _item("TICKET#2", "META")}},
                {"ConditionCheck": {"TableName": TABLE, "Key": _item("TICKET#3", "META"),
                                    "ConditionExpression": "attribute_exists(PK)"}},
            ]
        )  # fmt: skip

    assert _table(dynamodb) == before
    assert _stream_length(dynamodb) == stream_before


def test_a_transaction_that_holds_is_applied_whole(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=_item("TICKET#1", "META", status="new"))
    dynamodb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": _item("TICKET#1", "META", status="open"),
                     "ConditionExpression": "#s = :new", "ExpressionAttributeNames": {"#s": "status"},
                     "ExpressionAttributeValues": {":new": {"S": "new"}}}},
            {"Put": {"TableName": TABLE, "Item": _item("TICKET#1", "MSG#1", text="hola")}},
        ]
    )  # fmt: skip
    assert _table(dynamodb) == [_item("TICKET#1", "META", status="open"), _item("TICKET#1", "MSG#1", text="hola")]
