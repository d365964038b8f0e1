"""The template's hosting and operations sections agree with the code: CloudFront
sends every route the API serves to the API, the headers are one policy, the
alarms and the dashboard name metrics the code emits, and the limits hold."""

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agent_api.app import openapi_document
from helpdesk.limits import HELP_CENTER, WEB_CHAT
from helpdesk.models import Channel
from helpdesk.observability import NAMESPACE, SERVICE, BusinessMetric
from local.provision import ROOT, load_template


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    (distribution,) = _of_type(template, "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = distribution["Properties"]["DistributionConfig"]
    return config


def _origin_for(config: dict[str, Any], path: str) -> str:
    """The origin CloudFront sends ``path`` to: the first behaviour whose pattern
    matches (``*`` any characters, ``?`` one), else the default behaviour."""
    for behaviour in config["CacheBehaviors"]:
        if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
            return str(behaviour["TargetOriginId"])
    return str(config["DefaultCacheBehavior"]["TargetOriginId"])


def _api_origin(config: dict[str, Any]) -> str:
    (origin,) = [o for o in config["Origins"] if "CustomOriginConfig" in o]
    assert "execute-api" in json.dumps(origin["DomainName"])
    return str(origin["Id"])


def _served_paths(template: dict[str, Any]) -> set[str]:
    """Every path API Gateway serves (each function's Api events: the agent API's
    routes, Meta's webhook, /health) and every path of the OpenAPI document."""
    paths = {
        event["Properties"]["Path"]
        for resource in _of_type(template, "AWS::Serverless::Function").values()
        for event in resource["Properties"].get("Events", {}).values()
        if event["Type"] == "Api"
    }
    return paths | set(openapi_document()["paths"])


def test_cloudfront_sends_every_route_the_api_serves_to_the_api(template: dict[str, Any]) -> None:
    config = _distribution(template)
    api = _api_origin(config)
    served = _served_paths(template)
    assert {"/api/openapi.json", "/webhooks/whatsapp", "/health"} <= served
    for path in sorted(served):
        concrete = re.sub(r"\{[^}]+\}", "x1", path)
        assert _origin_for(config, concrete) == api, f"{path} would be answered by the console bucket"


def test_the_console_itself_comes_from_the_private_bucket(template: dict[str, Any]) -> None:
    config = _distribution(template)
    (bucket_origin,) = [o for o in config["Origins"] if "S3OriginConfig" in o and o["Id"] == "console"]
    assert bucket_origin["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert bucket_origin["OriginAccessControlId"]
    for path in ("/", "/index.html", "/app/boot.js", "/vendor/preact-htm.js", "/assets/boot.1a2b3c4d.js"):
        assert _origin_for(config, path) == bucket_origin["Id"]
    bucket = template["Resources"]["ConsoleBucket"]
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    statements = template["Resources"]["ConsoleBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    readers = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in readers] == [{"Service": "cloudfront.amazonaws.com"}]
    assert "ConsoleDistribution" in json.dumps(readers[0]["Condition"])


def _headers_policies(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: r["Properties"]["ResponseHeadersPolicyConfig"]
        for name, r in _of_type(template, "AWS::CloudFront::ResponseHeadersPolicy").items()
    }


def _directives(policy: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in (part.strip() for part in policy.split(";")) if d}


def test_every_answer_through_cloudfront_carries_the_same_security_headers(template: dict[str, Any]) -> None:
    policies = _headers_policies(template)
    config = _distribution(template)
    used = {config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"]} | {
        b["ResponseHeadersPolicyId"]["Ref"] for b in config["CacheBehaviors"]
    }
    assert used == set(policies)
    headers = [policy["SecurityHeadersConfig"] for policy in policies.values()]
    assert all(h == headers[0] for h in headers), "the response headers policies state different security headers"
    security = headers[0]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"]
    csp = _directives(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"])
    assert csp["frame-ancestors"] == "'none'"
    # The console's own page states the same policy, except what only the local
    # stack needs (plain-HTTP 127.0.0.1) and Cognito's endpoint named exactly.
    page = (ROOT / "frontend" / "index.html").read_text(encoding="utf-8")
    meta = _directives(re.search(r'http-equiv="Content-Security-Policy"\s+content="([^"]+)"', page)[1])  # type: ignore[index]
    for directive in ("default-src", "script-src", "style-src", "img-src", "object-src", "base-uri", "form-action"):
        assert csp[directive] == meta[directive], directive
    # The console signs in against the endpoint the API's console-config names,
    # and opens the live-updates WebSocket it names.
    assert csp["connect-src"] == (
        "'self' https://cognito-idp.${AWS::Region}.amazonaws.com"
        " wss://${LiveSocketApi}.execute-api.${AWS::Region}.amazonaws.com"
    )


def test_index_html_is_never_cached_and_fingerprinted_assets_for_a_year(template: dict[str, Any]) -> None:
    policies = _headers_policies(template)
    config = _distribution(template)

    def cache_control(policy_ref: dict[str, str]) -> str:
        items = policies[policy_ref["Ref"]].get("CustomHeadersConfig", {}).get("Items", [])
        (value,) = [i["Value"] for i in items if i["Header"] == "Cache-Control"] or ["(origin's)"]
        return str(value)

    assert cache_control(config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]) == "no-cache"
    (assets,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/assets/*"]
    assert "max-age=31536000" in cache_control(assets["ResponseHeadersPolicyId"])
    api = [b for b in config["CacheBehaviors"] if b["TargetOriginId"] == _api_origin(config)]
    for behaviour in api:  # the API's own no-store stands
        assert cache_control(behaviour["ResponseHeadersPolicyId"]) == "(origin's)"


def test_the_api_allows_no_cross_origin_calls_unless_the_operator_names_one(template: dict[str, Any]) -> None:
    text = (ROOT / "infra" / "template.yaml").read_text(encoding="utf-8")
    assert not re.search(r"AllowOrigin: *\"?'\*'", text)
    cors = template["Resources"]["AgentApi"]["Properties"]["Cors"]
    assert cors["AllowOrigin"]["Fn::If"][0] == "HasCorsAllowedOrigin"
    assert cors["AllowOrigin"]["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    assert template["Parameters"]["CorsAllowedOrigin"]["Default"] == ""


def test_the_api_stage_is_throttled_with_the_agreed_limits(template: dict[str, Any]) -> None:
    settings = {
        (s["ResourcePath"], s["HttpMethod"]): (s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"])
        for s in template["Resources"]["AgentApi"]["Properties"]["MethodSettings"]
    }
    help_center = (HELP_CENTER.rate_per_second, HELP_CENTER.burst)
    web_chat = (WEB_CHAT.rate_per_second, WEB_CHAT.burst)
    assert settings == {
        ("/*", "*"): (50, 100),
        ("/~1webhooks~1whatsapp", "POST"): (100, 200),
        ("/~1webhooks~1messenger", "POST"): (100, 200),
        ("/~1webhooks~1instagram", "POST"): (100, 200),
        ("/~1api~1public~1status~1{token}", "GET"): (10, 40),
        ("/~1api~1public~1surveys~1{token}", "GET"): (10, 40),
        ("/~1api~1public~1surveys~1{token}", "POST"): (10, 40),
        ("/~1ayuda~1buscar", "GET"): help_center,
        ("/~1help~1search", "GET"): help_center,
        ("/~1public~1kb~1votes", "POST"): help_center,
        ("/~1ayuda~1contacto", "GET"): help_center,
        ("/~1help~1contact", "GET"): help_center,
        ("/~1public~1contact", "POST"): help_center,
        ("/~1public~1kb~1suggestions", "GET"): help_center,
        ("/~1public~1chat~1messages", "POST"): web_chat,
        ("/~1public~1chat~1transcript", "POST"): web_chat,
    }


def test_the_optional_web_acl_limits_each_ip_to_2000_requests_in_5_minutes(template: dict[str, Any]) -> None:
    acl = template["Resources"]["ConsoleWebAcl"]
    assert acl["Condition"] == "CreateWebAcl" and acl["Properties"]["Scope"] == "CLOUDFRONT"
    (rate,) = [
        r["Statement"]["RateBasedStatement"]
        for r in acl["Properties"]["Rules"]
        if "RateBasedStatement" in r["Statement"]
    ]
    assert (rate["Limit"], rate["EvaluationWindowSec"], rate["AggregateKeyType"]) == (2000, 300, "IP")
    assert "us-east-1" in json.dumps(template["Conditions"]["CreateWebAcl"])
    assert "WebAclArn" in json.dumps(_distribution(template)["WebACLId"])


def test_every_function_logs_to_its_own_group_with_the_retention_parameter(template: dict[str, Any]) -> None:
    groups = _of_type(template, "AWS::Logs::LogGroup")
    for name, function in _of_type(template, "AWS::Serverless::Function").items():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert groups[group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name
    access = template["Resources"]["AgentApi"]["Properties"]["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][0]
    assert groups[access]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_queue_and_the_alarm_topic_are_encrypted(template: dict[str, Any]) -> None:
    for name, queue in _of_type(template, "AWS::SQS::Queue").items():
        assert queue["Properties"].get("SqsManagedSseEnabled") is True, name
    for name, topic in _of_type(template, "AWS::SNS::Topic").items():
        assert topic["Properties"].get("KmsMasterKeyId"), name
    assert template["Resources"]["HelpdeskTable"]["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }


# ---------------------------------------------------------------- alarms and dashboard
def _product_metric_names() -> set[str]:
    """What ``observability.count`` can emit: a name, or a name and a channel."""
    return {m.value for m in BusinessMetric} | {f"{m.value}.{c.value}" for m in BusinessMetric for c in Channel}


def _alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in _of_type(template, "AWS::CloudWatch::Alarm").items()}


def _dimension(alarm: dict[str, Any], name: str) -> Any:
    (value,) = [d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == name] or [None]
    return value


def test_alarms_and_dashboard_name_only_metrics_the_code_emits(template: dict[str, Any]) -> None:
    assert template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE
    assert template["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == SERVICE
    known = _product_metric_names()
    product_alarms = [a for a in _alarms(template).values() if a["Namespace"] == NAMESPACE]
    assert product_alarms, "no alarm watches the product's own metrics"
    for alarm in product_alarms:
        assert alarm["MetricName"] in known
        assert _dimension(alarm, "service") == SERVICE
    (dashboard,) = _of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    charted = [m for w in body["widgets"] for m in w["properties"]["metrics"] if m[0] == NAMESPACE]
    for metric in charted:
        assert metric[1] in known, metric[1]
        assert metric[2:4] == ["service", SERVICE]
    names = {m[1] for m in charted}
    for channel in (Channel.EMAIL, Channel.WHATSAPP):
        assert f"{BusinessMetric.MESSAGES_IN}.{channel}" in names
        assert f"{BusinessMetric.MESSAGES_OUT}.{channel}" in names
    assert BusinessMetric.SLA_BREACHES.value in names


def test_every_dead_letter_queue_and_function_is_watched(template: dict[str, Any]) -> None:
    alarms = list(_alarms(template).values())
    dead_letter_queues = {
        name for name, q in _of_type(template, "AWS::SQS::Queue").items() if "RedrivePolicy" not in q["Properties"]
    }
    assert dead_letter_queues == {
        _dimension(a, "QueueName")["Fn::GetAtt"][0] for a in alarms if a["Namespace"] == "AWS/SQS"
    }
    # Errors and throttles: one alarm each for the account's functions, and the dashboard
    # charts every function's errors (which one failed).
    for metric in ("Errors", "Throttles"):
        (alarm,) = [a for a in alarms if a["MetricName"] == metric]
        assert alarm["Namespace"] == "AWS/Lambda" and "Dimensions" not in alarm
    (dashboard,) = _of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    charted = {m[3] for w in body["widgets"] for m in w["properties"]["metrics"] if m[:2] == ["AWS/Lambda", "Errors"]}
    assert charted == {f"${{{function}}}" for function in _of_type(template, "AWS::Serverless::Function")}
    (silent,) = [a for a in alarms if a["MetricName"] == "Invocations"]
    assert _dimension(silent, "FunctionName") == {"Ref": "SlaCheckerFunction"}
    assert (silent["ComparisonOperator"], silent["Threshold"], silent["TreatMissingData"]) == (
        "LessThanThreshold",
        1,
        "breaching",
    )
    assert {a["MetricName"] for a in alarms if a["Namespace"] == "AWS/SES"} == {
        "Reputation.BounceRate",
        "Reputation.ComplaintRate",
    }
    assert any(a["Namespace"] == "AWS/ApiGateway" and a["MetricName"] == "5XXError" for a in alarms)
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)


def test_the_operator_is_subscribed_only_when_an_address_is_given(template: dict[str, Any]) -> None:
    (subscription,) = _of_type(template, "AWS::SNS::Subscription").values()
    assert subscription["Condition"] == "HasAlarmEmail"
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""


def test_the_outputs_make_deploy_prints(template: dict[str, Any]) -> None:
    assert {
        "ConsoleBucketName",
        "ConsoleDistributionId",
        "ConsoleUrl",
        "WhatsAppWebhookUrl",
        "SesReceivingMxRecord",
        "SesReceiptRuleSetName",
        "AlarmTopicArn",
    } <= set(template["Outputs"])


def test_scanner_skips_each_say_why() -> None:
    config = (ROOT / ".checkov.yaml").read_text(encoding="utf-8").splitlines()
    skips = [i for i, line in enumerate(config) if re.match(r"\s+- CKV", line)]
    assert skips
    for index in skips:
        assert config[index - 1].strip().startswith("#"), f"{config[index].strip()} is skipped without a reason"


def test_acceptance_strings_are_in_the_template() -> None:
    text = Path(ROOT / "infra" / "template.yaml").read_text(encoding="utf-8")
    assert text.count("AWS::CloudWatch::Alarm") >= 5
    for needed in ("AWS::CloudFront::Distribution", "AWS::SNS::Topic", "DeletionPolicy: Retain", "RetentionInDays"):
        assert needed in text
