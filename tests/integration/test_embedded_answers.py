"""The embedded AWS writes DynamoDB's answers to item operations with ``json.dumps``
(``local.atomic_moto.answer_items_as_held``) instead of moto's walk of the output
shape: every operation the help desk uses, over every attribute type, answers the
same through both."""

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb import responses

from local.atomic_moto import serialize_in_process_requests
from tests.conftest import REGION

KEY = {"PK": {"S": "ticket#1"}, "SK": {"S": "message#1"}}
ITEM = KEY | {
    "G": {"S": "STATUS#open"},
    "number": {"N": "1.50"},
    "raw": {"B": b"\x00\xffhola"},
    "urgent": {"BOOL": True},
    "nothing": {"NULL": True},
    "parts": {"L": [{"S": "año"}, {"N": "2"}, {"M": {"file": {"B": b"\x01"}}}]},
    "tags": {"M": {"words": {"SS": ["envío", "pago"]}, "sizes": {"NS": ["1", "2"]}}},
    "blobs": {"BS": [b"\x02", b"\x03"]},
}


def _answers() -> list[dict[str, Any]]:
    with mock_aws():
        db = boto3.client("dynamodb", region_name=REGION)
        db.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("PK", "SK", "G")],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_status",
                    "KeySchema": [{"AttributeName": "G", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        calls: list[Callable[[], dict[str, Any]]] = [
            lambda: db.put_item(TableName="t", Item=ITEM, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL"),
            lambda: db.put_item(TableName="t", Item=ITEM | {"number": {"N": "3"}}, ReturnValues="ALL_OLD"),
            lambda: db.get_item(TableName="t", Key=KEY),
            lambda: db.get_item(TableName="t", Key=KEY | {"SK": {"S": "missing"}}),
            lambda: db.update_item(
                TableName="t",
                Key=KEY,
                UpdateExpression="SET #n = #n + :one",
                ExpressionAttributeNames={"#n": "number"},
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="ALL_NEW",
            ),
            lambda: db.query(
                TableName="t", KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": KEY["PK"]}, Limit=1
            ),
            lambda: db.query(
                TableName="t",
                IndexName="by_status",
                KeyConditionExpression="G = :g",
                ExpressionAttributeValues={":g": {"S": "STATUS#open"}},
            ),
            lambda: db.scan(TableName="t", Select="COUNT"),
            lambda: db.batch_get_item(RequestItems={"t": {"Keys": [KEY]}}),
            lambda: db.transact_get_items(TransactItems=[{"Get": {"TableName": "t", "Key": KEY}}]),
            lambda: db.transact_write_items(
                TransactItems=[{"Put": {"TableName": "t", "Item": ITEM | {"SK": {"S": "2"}}}}]
            ),
            lambda: db.batch_write_item(RequestItems={"t": [{"DeleteRequest": {"Key": KEY | {"SK": {"S": "2"}}}}]}),
            lambda: db.delete_item(TableName="t", Key=KEY, ReturnValues="ALL_OLD"),
        ]
        answers = []
        for call in calls:
            answer = call()
            answer.pop("ResponseMetadata")
            answers.append(answer)
        return answers


def test_item_answers_are_the_same_as_moto_writes_them(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    serialize_in_process_requests()
    moto_path = responses.ActionResult.execute_result
    written_by_moto: list[str] = []

    def counting(self: Any, context: Any) -> Any:
        written_by_moto.append(context.operation_model.name)
        return moto_path(self, context)

    monkeypatch.setattr(responses.ActionResult, "execute_result", counting)
    direct = _answers()
    assert not {"GetItem", "Query", "PutItem", "UpdateItem"} & set(written_by_moto)
    monkeypatch.setattr(responses.DynamoResult, "execute_result", moto_path)
    assert _answers() == direct
    assert direct[2]["Item"]["raw"] == {"B": b"\x00\xffhola"}
    assert direct[2]["Item"]["parts"]["L"][0] == {"S": "año"}
