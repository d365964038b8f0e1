"""`make deploy` and `make destroy` without AWS: the SAM CLI's calls are recorded,
the stack lives in moto, and what the operator reads comes from its outputs."""

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local import deployment
from local.provision import load_template
from tests.conftest import REGION

STACK = "atiende-prod"
# A stand-in for the deployed stack: the outputs `make deploy` reads.
STAND_IN: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"DistributionId": {"Type": "String"}},
    "Resources": {"ConsoleBucket": {"Type": "AWS::S3::Bucket"}},
    "Outputs": {
        "ConsoleBucketName": {"Value": {"Ref": "ConsoleBucket"}},
        "ConsoleDistributionId": {"Value": {"Ref": "DistributionId"}},
        "ConsoleUrl": {"Value": "https://d111.cloudfront.net"},
        "WhatsAppWebhookUrl": {"Value": "https://d111.cloudfront.net/webhooks/whatsapp"},
        "AgentApiUrl": {"Value": "https://abc.execute-api.us-east-1.amazonaws.com/prod"},
        "SesIdentityToVerify": {"Value": "tienda.example"},
        "SesReceivingMxRecord": {"Value": "tienda.example MX 10 inbound-smtp.us-east-1.amazonaws.com"},
        "SesReceiptRuleSetName": {"Value": "atiende-prod"},
    },
}
OUTPUTS = {key: output["Value"] for key, output in STAND_IN["Outputs"].items() if isinstance(output["Value"], str)}


@pytest.fixture
def sam_calls(aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[tuple[str, ...]]]:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(deployment, "_sam", lambda *arguments: calls.append(arguments))
    config = tmp_path / "samconfig.toml"
    config.write_text(deployment.SAMCONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(deployment, "SAMCONFIG", config)
    with mock_aws():
        yield calls


def _create_stack() -> tuple[str, str]:
    """The stand-in stack, with a distribution and a console bucket: (bucket, distribution id)."""
    distribution = boto3.client("cloudfront", region_name=REGION).create_distribution(
        DistributionConfig={
            "CallerReference": "console",
            "Comment": "",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "bucket", "DomainName": "console.s3.amazonaws.com"}]},
            "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "redirect-to-https"},
        }
    )["Distribution"]["Id"]
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(STAND_IN),
        Parameters=[{"ParameterKey": "DistributionId", "ParameterValue": distribution}],
    )
    (bucket,) = cloudformation.describe_stack_resources(StackName=STACK)["StackResources"]
    return bucket["PhysicalResourceId"], distribution


def test_first_deploy_of_a_stage_is_guided_and_validated_first(sam_calls: list[tuple[str, ...]]) -> None:
    assert deployment.deploy("prod") == 1  # the recorded SAM CLI created nothing
    validate, deploy = sam_calls
    assert validate[:2] == ("validate", "--lint")
    assert deploy[0] == "deploy"
    assert "--guided" in deploy
    assert deploy[deploy.index("--config-env") + 1] == "prod"
    assert deploy[deploy.index("--stack-name") + 1] == STACK


def test_later_deploys_reuse_samconfig_publish_the_console_and_say_what_to_set(
    sam_calls: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    bucket, distribution = _create_stack()
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(Bucket=bucket, Key="app/removed-since.js", Body=b"")
    assert deployment.deploy("prod") == 0
    assert "--guided" not in sam_calls[1]
    # Deployed without ConsoleUrl: it is remembered and deployed once more, so
    # Cognito's invitation carries the distribution's address
    assert sam_calls[2] == sam_calls[1]
    saved = tomllib.loads(deployment.SAMCONFIG.read_text(encoding="utf-8"))
    assert saved["prod"]["deploy"]["parameters"]["parameter_overrides"] == (
        'Stage="prod" ConsoleUrl="https://d111.cloudfront.net"'
    )
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {key for key, _ in deployment.console_files()}
    assert "index.html" in keys
    assert not [k for k in keys if k.startswith("node_modules/") or k.startswith("package")]
    page = s3.get_object(Bucket=bucket, Key="index.html")
    assert page["CacheControl"] == "no-cache"
    assert page["ContentType"] == "text/html"
    invalidations = boto3.client("cloudfront", region_name=REGION).list_invalidations(DistributionId=distribution)
    assert invalidations["InvalidationList"]["Quantity"] == 1
    printed = capsys.readouterr().out
    assert "Consola / Console: https://d111.cloudfront.net" in printed
    assert "Callback URL  https://d111.cloudfront.net/webhooks/whatsapp" in printed
    assert "  tienda.example MX 10 inbound-smtp.us-east-1.amazonaws.com" in printed
    assert "set-active-receipt-rule-set --rule-set-name atiende-prod" in printed
    assert all(value in printed for value in OUTPUTS.values())


def test_publish_console_alone_needs_the_stage_deployed(
    sam_calls: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert deployment.publish("prod") == 1
    bucket, _ = _create_stack()
    assert deployment.publish("prod") == 0
    assert sam_calls == []
    keys = {o["Key"] for o in boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=bucket)["Contents"]}
    assert "index.html" in keys


def test_webhook_path_is_the_templates_route() -> None:
    events = load_template()["Resources"]["WhatsAppWebhookFunction"]["Properties"]["Events"]
    assert {e["Properties"]["Path"] for e in events.values()} == {deployment.webhook_path()}


def test_destroy_deletes_the_stage_and_lists_what_the_template_retains(
    sam_calls: list[tuple[str, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert deployment.destroy("prod") == 0
    (delete,) = sam_calls
    assert delete[0] == "delete"
    assert delete[delete.index("--stack-name") + 1] == STACK
    printed = capsys.readouterr().out
    retained = [n for n, r in load_template()["Resources"].items() if r.get("DeletionPolicy") == "Retain"]
    assert retained
    assert all(name in printed for name in retained)


def test_dkim_records_come_from_the_ses_identity(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_aws():
        sesv2 = boto3.client("sesv2", region_name=REGION)
        missing = deployment.mail_records(sesv2, OUTPUTS, REGION)
        sesv2.create_email_identity(EmailIdentity="tienda.example")
        # moto's identities carry no DKIM tokens: SES's answer, as SES gives it
        tokens = ["abc123", "def456", "ghi789"]
        answer: dict[str, Any] = {"DkimAttributes": {"Tokens": tokens}}
        monkeypatch.setattr(sesv2, "get_email_identity", lambda **kwargs: answer)
        records = deployment.mail_records(sesv2, OUTPUTS, REGION)
    assert "create-email-identity --email-identity tienda.example" in missing[1]
    assert records[0] == missing[0] == OUTPUTS["SesReceivingMxRecord"]
    assert records[1:] == [f"{t}._domainkey.tienda.example CNAME {t}.dkim.amazonses.com" for t in tokens]


def test_the_outputs_make_deploy_reads_are_the_templates() -> None:
    outputs = load_template()["Outputs"]
    read = [value for name, value in vars(deployment).items() if name.endswith("_OUTPUT")]
    assert len(read) == 8
    assert set(read) <= set(outputs)
    assert set(OUTPUTS) <= set(outputs)  # the stand-in stack answers as the real one would
