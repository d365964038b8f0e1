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
from local.provision import (
    UNPROVISIONABLE_PREFIXES,
    ProvisionedStack,
    load_template,
    provision,
    provisionable,
    translate,
)
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


def test_operations_resources_are_created_with_their_settings(stack: ProvisionedStack) -> None:
    # The log groups keep the retention parameter's default, and every function names its own
    logs = boto3.client("logs", region_name=REGION)
    groups = {g["logGroupName"]: g for g in logs.describe_log_groups(logGroupNamePrefix="/atiende/test/")["logGroups"]}
    template = load_template()
    retention = template["Parameters"]["LogRetentionDays"]["Default"]
    functions = [n for n, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
    assert len(groups) == len(functions) + 2  # and the access logs of the API and the live socket
    assert {g.get("retentionInDays") for g in groups.values()} == {retention}
    # The alarm topic is encrypted with its own key, and the dashboard exists
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.get_topic_attributes(TopicArn=stack.physical_ids["AlarmTopic"])["Attributes"]
    assert topic["KmsMasterKeyId"]
    dashboard = boto3.client("cloudwatch", region_name=REGION).get_dashboard(DashboardName="atiende-test")
    assert "MessagesIn.whatsapp" in dashboard["DashboardBody"]
    # The console's bucket is encrypted like the others (moto's CloudFormation does not
    # apply public access blocks: tests/unit/test_hosting_template.py checks the template's)
    s3 = boto3.client("s3", region_name=REGION)
    bucket = stack.physical_ids["ConsoleBucket"]
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]


def test_what_moto_cannot_create_is_left_out_by_name_and_nothing_else(aws_env: None) -> None:
    # CloudFront, WAF, alarms, the topic's policy and subscription and API Gateway
    # have no moto CloudFormation model: provision leaves them out explicitly.
    template = translate(load_template())
    kept, _ = provisionable(template)
    left_out = {template["Resources"][n]["Type"] for n in set(template["Resources"]) - set(kept["Resources"])}
    assert left_out <= {t for t in left_out if t.startswith(UNPROVISIONABLE_PREFIXES)} | {
        "AWS::Lambda::Permission",
        "AWS::Lambda::EventSourceMapping",  # the table stream's: the local StreamWorker stands in
    }
    assert {"AWS::CloudFront::Distribution", "AWS::CloudWatch::Alarm"} <= left_out
    mappings = {n: r for n, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::EventSourceMapping"}
    dropped = {n for n in mappings if n not in kept["Resources"]}
    assert dropped == {n for n, r in mappings.items() if "StreamArn" in str(r["Properties"]["EventSourceArn"])}
    assert dropped and len(dropped) < len(mappings)  # the queues' mappings are kept
    assert "unprovisioned-ConsoleDistribution" in str(kept["Resources"]["EscalationFunction"])
