"""Provision infra/template.yaml into moto, the same template ops deploy.

The SAM template is translated offline with aws-sam-translator, then created
through moto's CloudFormation. Three things moto cannot do are bridged here,
each in the open (ARCHITECTURE §4):

- function code: the SAM CLI uploads ``CodeUri`` (and the layer's ``ContentUri``,
  `make package`'s zips) in the cloud; moto never runs it (no Docker), so a stub
  inline body stands in and the layer is left out (the local stack imports the
  functions from functions/, with the development virtualenv's packages);
- API Gateway resources: moto's CloudFormation fails on the translated REST API;
  the local stack serves the same Chalice app itself, so they are left out (and
  so are resource policies and SES receipt rules, which moto's CloudFormation
  does not support; the local SMTP inbox stands in for the receipt rule);
- Cognito: moto's CloudFormation skips user pools, so the pool is created through
  the Cognito API first and each Cognito resource becomes a stack parameter of
  the same logical name: every ``!Ref AgentUserPool`` resolves as it would in AWS.
- state machines: moto runs executions only for machines created through the
  Step Functions API (its CloudFormation puts them where executions never run),
  so they are created that way, from the same ASL files, and become parameters
  like the Cognito resources.

What comes back are the physical names and each function's resolved environment,
which is how the local stack configures the code: exactly as Lambda would.
"""

import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "infra" / "template.yaml"
STUB_CODE = "def handler(event, context):\n    raise RuntimeError('code is deployed by sam')\n"
# Resource policies (bucket, queue) and SES receipt rules: moto's CloudFormation
# does not support them, and moto would not enforce policies anyway. The local
# stack's SMTP inbox stands in for the receipt rule.
# The hosting and alarm resources have no moto CloudFormation model either
# (CloudFront, WAF, alarms, topic policies and subscriptions, API Gateway's
# account settings): locally the console is served beside the API by the local
# stack itself, and nothing watches alarms. The log groups, the alarm topic, its
# key and the dashboard are created.
UNPROVISIONABLE_PREFIXES = (
    "AWS::ApiGateway::",
    "AWS::ApiGatewayV2::",  # the WebSocket API: local/live_socket.py serves it
    "AWS::Cognito::",
    "AWS::StepFunctions::StateMachine",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::SES::ReceiptRule",
    "AWS::CloudFront::",
    "AWS::WAFv2::",
    "AWS::CloudWatch::Alarm",
    "AWS::SNS::TopicPolicy",
    "AWS::SNS::Subscription",
    # A function's asynchronous retries and their destination (the phone events'
    # dead-letter queue): moto's CloudFormation has no model of it, and the local
    # stack calls the handlers itself.
    "AWS::Lambda::EventInvokeConfig",
)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The SAM template as a dict, intrinsic functions in their long form (a copy
    of its own: callers may change it)."""
    stat = path.stat()
    return copy.deepcopy(_parsed_template(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _parsed_template(path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    """Parsed once per version of the file: YAML in pure Python takes half a
    second for this template, and a deployment reads it several times."""
    parsed: dict[str, Any] = yaml_parse(path.read_text(encoding="utf-8"))
    return parsed


class _ManagedPolicies(ManagedPolicyLoader):
    """Offline stand-in: AWS managed policy ARNs follow one pattern."""

    def __init__(self) -> None:
        pass

    def load(self) -> dict[str, str]:
        names = ["AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess", "AWSLambdaSQSQueueExecutionRole"]
        return {name: f"arn:aws:iam::aws:policy/service-role/{name}" for name in names}


def translate(sam: dict[str, Any]) -> dict[str, Any]:
    """Plain CloudFormation from the SAM template (needs AWS_DEFAULT_REGION set)."""
    sam = copy.deepcopy(sam)
    sam.get("Globals", {}).get("Function", {}).pop("Layers", None)
    layers = [name for name, r in sam["Resources"].items() if r["Type"] == "AWS::Serverless::LayerVersion"]
    for name in layers:
        del sam["Resources"][name]
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"].pop("CodeUri", None)
            resource["Properties"].pop("Layers", None)
            resource["Properties"]["InlineCode"] = STUB_CODE
        if resource["Type"] == "AWS::Serverless::StateMachine":
            # The SAM CLI reads DefinitionUri from disk when it deploys; so do we.
            uri = resource["Properties"].pop("DefinitionUri")
            resource["Properties"]["Definition"] = state_machine_definition(uri)
    return transform(sam, {}, _ManagedPolicies())


def state_machine_definition(uri: str) -> dict[str, Any]:
    """An ASL file named as the template names it (relative to ``infra/``)."""
    definition: dict[str, Any] = json.loads((TEMPLATE_PATH.parent / uri).read_text(encoding="utf-8"))
    return definition


def state_machines(template: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Logical name → (name pattern with ``${Stage}``, ASL) of the template's state machines."""
    found = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::StateMachine":
            properties = resource["Properties"]
            found[name] = (properties["Name"]["Fn::Sub"], state_machine_definition(properties["DefinitionUri"]))
    return found


def create_state_machines(session: Any, stage: str) -> dict[str, str]:
    """The template's state machines through the Step Functions API: logical
    name → ARN."""
    sfn = session.client("stepfunctions")
    account = session.client("sts").get_caller_identity()["Account"]
    role = f"arn:aws:iam::{account}:role/atiende-{stage}-flows"  # moto does not assume it
    arns = {}
    for logical, (pattern, definition) in state_machines(load_template()).items():
        created = sfn.create_state_machine(
            name=pattern.replace("${Stage}", stage), definition=json.dumps(definition), roleArn=role
        )
        arns[logical] = created["stateMachineArn"]
    return arns


def _mentions(node: Any, names: set[str]) -> bool:
    text = json.dumps(node)
    return any(f'"{name}"' in text or f"${{{name}" in text or f'"{name}.' in text for name in names)


def provisionable(cfn: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The template moto can create, and the resources created through their
    own APIs (Cognito, state machines) turned parameters."""
    cfn = copy.deepcopy(cfn)
    resources: dict[str, Any] = cfn["Resources"]
    api_made = ("AWS::Cognito::", "AWS::StepFunctions::StateMachine")
    cognito = [name for name, r in resources.items() if r["Type"].startswith(api_made)]
    dropped = {name for name, r in resources.items() if r["Type"].startswith(UNPROVISIONABLE_PREFIXES)}
    # A table stream's mapping: moto would hand each write to the function in
    # Docker (and then drop the stream's records); the local stack's
    # StreamWorker is the mapping instead (local/lambda_runtime.py).
    dropped |= {
        name
        for name, r in resources.items()
        if r["Type"] == "AWS::Lambda::EventSourceMapping" and "StreamArn" in str(r["Properties"].get("EventSourceArn"))
    }
    # Permissions that let the dropped API invoke a function go with it.
    changed = True
    while changed:
        changed = False
        for name, resource in list(resources.items()):
            if name not in dropped and resource["Type"] == "AWS::Lambda::Permission" and _mentions(resource, dropped):
                dropped.add(name)
                changed = True
    for name in dropped:
        resources.pop(name)
    for resource in resources.values():
        depends = resource.get("DependsOn")
        if depends is not None:
            kept = [d for d in ([depends] if isinstance(depends, str) else depends) if d not in dropped]
            if kept:
                resource["DependsOn"] = kept
            else:
                resource.pop("DependsOn")
    api_only = dropped - set(cognito)
    cfn["Outputs"] = {k: v for k, v in cfn.get("Outputs", {}).items() if not _mentions(v, api_only)}
    cfn["Resources"] = _stand_in(resources, api_only)
    parameters = cfn.setdefault("Parameters", {})
    for name in cognito:
        parameters[name] = {"Type": "String"}
    return cfn, cognito


def _stand_in(node: Any, dropped: set[str]) -> Any:
    """Kept resources that name a dropped one (the escalation function's console
    address names the CloudFront distribution) get a stand-in text where its value
    would be, ``unprovisioned-<name>``: moto refuses a reference to a resource it
    was not given."""
    if isinstance(node, list):
        return [_stand_in(item, dropped) for item in node]
    if isinstance(node, str):
        return re.sub(
            r"\$\{(\w+)(\.[\w.]+)?\}",
            lambda m: f"unprovisioned-{m.group(1)}" if m.group(1) in dropped else m.group(0),
            node,
        )
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::GetAtt"} and node["Fn::GetAtt"][0] in dropped:
        return f"unprovisioned-{node['Fn::GetAtt'][0]}"
    if set(node) == {"Ref"} and node["Ref"] in dropped:
        return f"unprovisioned-{node['Ref']}"
    return {key: _stand_in(value, dropped) for key, value in node.items()}


@dataclass(frozen=True)
class ProvisionedStack:
    name: str
    physical_ids: dict[str, str]
    outputs: dict[str, str]
    function_environments: dict[str, dict[str, str]]

    def environment_of(self, logical_function: str) -> dict[str, str]:
        return self.function_environments[logical_function]


def provision(
    session: Any,
    stack_name: str,
    cognito_ids: dict[str, str],
    stage: str = "local",
    parameters: dict[str, str] | None = None,
) -> ProvisionedStack:
    """Create the stack in the moto that ``session``'s clients reach.

    ``cognito_ids`` maps each Cognito logical name (``AgentUserPool``,
    ``AgentUserPoolClient``, the role groups) to the id created through the API.
    """
    cfn_template, cognito = provisionable(translate(load_template()))
    cognito_ids = {**cognito_ids, **create_state_machines(session, stage)}
    missing = set(cognito) - set(cognito_ids)
    if missing:
        raise ValueError(f"Cognito resources need ids: {sorted(missing)}")
    values = {"Stage": stage, **(parameters or {}), **{name: cognito_ids[name] for name in cognito}}
    stack_parameters = [{"ParameterKey": key, "ParameterValue": value} for key, value in values.items()]
    cloudformation = session.client("cloudformation")
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(cfn_template),
        Parameters=stack_parameters,
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"stack {stack_name} is {stack['StackStatus']}: {stack.get('StackStatusReason')}")
    resources = [
        r
        for r in cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
        if "LogicalResourceId" in r and "PhysicalResourceId" in r
    ]
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
    lambda_client = session.client("lambda")
    environments = {
        r["LogicalResourceId"]: {
            name: str(value)  # Lambda's environment is text; moto keeps numbers as given
            for name, value in lambda_client.get_function_configuration(FunctionName=r["PhysicalResourceId"])
            .get("Environment", {})
            .get("Variables", {})
            .items()
        }
        for r in resources
        if r["ResourceType"] == "AWS::Lambda::Function"
    }
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return ProvisionedStack(stack_name, physical, outputs, environments)


def table_definition(resource: str = "HelpdeskTable") -> dict[str, Any]:
    """CreateTable arguments for a table of the template (for tests that need the
    table without the whole stack)."""
    properties = load_template()["Resources"][resource]["Properties"]
    definition = {
        key: properties[key]
        for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        if key in properties
    }
    if "StreamSpecification" in properties:
        definition["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
    return definition
