"""The template, translated offline and created in moto, runs the code: what the
stack creates is what the functions are configured with."""

import os
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from helpdesk.conversations.ingest import ingest
from helpdesk.settings import StoreSettings, forget_settings
from helpdesk.store import HelpdeskStore
from local.atomic_moto import serialize_in_process_requests
from local.provision import ProvisionedStack, provision
from local.stack import create_user_pool
from tests.conftest import REGION, inbound


@pytest.fixture
def stack(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProvisionedStack]:
    serialize_in_process_requests()
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        created = provision(session, "atiende-test", create_user_pool(session), stage="test")
        yield created


def test_stack_creates_the_table_buckets_queues_and_function(stack: ProvisionedStack) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = dynamodb.describe_table(TableName=stack.physical_ids["HelpdeskTable"])["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} >= {"by_status", "by_contact", "by_due_minute"}
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    sqs = boto3.client("sqs", region_name=REGION)
    redrive = sqs.get_queue_attributes(QueueUrl=stack.physical_ids["OutboundQueue"], AttributeNames=["RedrivePolicy"])
    assert "outbound-dlq" in redrive["Attributes"]["RedrivePolicy"]
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in ("RawMailBucket", "AttachmentsBucket"):
        encryption = s3.get_bucket_encryption(Bucket=stack.physical_ids[bucket])
        assert encryption["ServerSideEncryptionConfiguration"]["Rules"]
    assert "AgentApiFunction" in stack.function_environments


def test_ingest_runs_against_the_table_the_stack_created(
    stack: ProvisionedStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the environment Lambda would give the agent API function
    environment = stack.environment_of("AgentApiFunction")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    forget_settings()
    settings = StoreSettings.from_environment()
    assert settings.table_name == stack.physical_ids["HelpdeskTable"] == os.environ["TABLE_NAME"]

    # When a customer writes twice
    store = HelpdeskStore(settings)
    first = ingest(inbound(sender="50255500001", text="Hola"), store)
    second = ingest(inbound(sender="50255500001", text="¿Hay alguien?"), store)

    # Then both messages are on one ticket in that table
    assert first.ticket.id == second.ticket.id
    thread = store.get_thread(first.ticket.id)
    assert thread is not None and [m.text for m in thread.messages] == ["Hola", "¿Hay alguien?"]
    items = boto3.client("dynamodb", region_name=REGION).query(
        TableName=environment["TABLE_NAME"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{first.ticket.id}"}},
    )["Items"]
    assert len(items) == 4  # ticket, two messages, the creation event
