"""The local help desk: the template provisioned into the embedded AWS, the
Cognito pool with the demo agents, and the environment every function reads.

Nothing in ``functions/`` knows it runs here: the code gets the environment the
template gives its Lambda, plus ``AWS_ENDPOINT_URL`` pointing at moto.

The template's tooling (``local.provision``, with the SAM translator) and moto
are imported by what deploys, not at the top: `atiende token` and the other
commands that only call the running stack need neither.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from local.provision import ProvisionedStack

STACK_NAME = "atiende-local"
STAGE = "local"
REGION = "us-east-1"
DEFAULT_SUPPORT_ADDRESS = "soporte@atiende.localhost"


def support_address() -> str:
    return os.environ.get("ATIENDE_SUPPORT_ADDRESS", DEFAULT_SUPPORT_ADDRESS)


# The business number the local WhatsApp sandbox plays (its id: WhatsAppPhoneNumberId)
SANDBOX_DISPLAY_NUMBER = "+50255550000"
# The demo's logins (local.seed creates the agents). Local demo only: the pool
# exists in the embedded moto server and nowhere else.
DEMO_PASSWORD = "Atiende-Demo-2026"  # nosec B105
DEFAULT_EMAIL = "admin@atiende.localhost"  # `atiende token`'s agent: the demo administrator


def whatsapp_secrets() -> dict[str, str]:
    """Local-only defaults, printed at start; the environment overrides them."""
    return {
        "WhatsAppVerifyToken": os.environ.get("ATIENDE_WHATSAPP_VERIFY_TOKEN", "atiende-local-verify"),
        "WhatsAppAppSecret": os.environ.get("ATIENDE_WHATSAPP_APP_SECRET", "atiende-local-app-secret"),
        "WhatsAppPhoneNumberId": os.environ.get("ATIENDE_WHATSAPP_PHONE_NUMBER_ID", "100000000000001"),
        "WhatsAppGraphUrl": f"http://127.0.0.1:{local_port()}/sandbox/graph/v21.0",
    }


def meta_secrets() -> dict[str, str]:
    """Messenger's and Instagram's local-only defaults (the sandbox signs with them)."""
    return {
        "MetaVerifyToken": os.environ.get("ATIENDE_META_VERIFY_TOKEN", "atiende-local-meta-verify"),
        "MetaAppSecret": os.environ.get("ATIENDE_META_APP_SECRET", "atiende-local-meta-app-secret"),
        "MetaGraphUrl": f"http://127.0.0.1:{local_port()}/sandbox/meta-graph/v21.0",
        "MetaHumanAgentTag": os.environ.get("ATIENDE_META_HUMAN_AGENT_TAG", "false"),
    }


def escalation_waits() -> dict[str, str]:
    """Escalation waits for the local stack: short enough to watch a breach
    escalate (the template's defaults are 15 and 30 minutes)."""
    return {
        "EscalationAssigneeWaitSeconds": os.environ.get("ATIENDE_ESCALATION_ASSIGNEE_WAIT_SECONDS", "60"),
        "EscalationAcknowledgmentSeconds": os.environ.get("ATIENDE_ESCALATION_ACKNOWLEDGMENT_SECONDS", "300"),
        "ConsoleUrl": f"http://127.0.0.1:{local_port()}",
    }


def webhook_parameters() -> dict[str, str]:
    """Outgoing webhooks in the local stack: receivers on 127.0.0.1 allowed (never
    in AWS), and retries seconds apart rather than half a minute."""
    return {
        "WebhookLoopbackAllowed": "true",
        "WebhookRetrySeconds": os.environ.get("ATIENDE_WEBHOOK_RETRY_SECONDS", "2"),
    }


def local_port() -> int:
    return int(os.environ.get("ATIENDE_PORT", "8000"))


SANDBOX_ACCESS_TOKEN = "local-sandbox-token"  # the sandbox checks only that one is sent  # nosec B105


def aws_environment(endpoint_url: str) -> dict[str, str]:
    """Credentials and endpoints that reach only the embedded AWS."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",  # moto accepts any; nothing real is ever used  # nosec B105
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        # moto's DynamoDB Streams answer 404 to account-id endpoints.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


def session_for(endpoint_url: str) -> boto3.Session:
    env = aws_environment(endpoint_url)
    os.environ.update(env)
    return boto3.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )


@dataclass(frozen=True)
class LocalDeployment:
    stack: ProvisionedStack
    user_pool_id: str
    user_pool_client_id: str
    environment: dict[str, str]

    @property
    def table_name(self) -> str:
        return self.stack.physical_ids["HelpdeskTable"]


def _resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def pool_parameters() -> dict[str, str]:
    """The stack parameters and pseudo parameters the pool's properties name."""
    from moto.core import DEFAULT_ACCOUNT_ID

    return {
        "Stage": STAGE,
        "SupportAddress": support_address(),
        "ConsoleUrl": escalation_waits()["ConsoleUrl"],
        "AWS::Partition": "aws",
        "AWS::Region": REGION,
        "AWS::AccountId": DEFAULT_ACCOUNT_ID,
    }


def resolve(value: Any, parameters: dict[str, str]) -> Any:
    """The few intrinsic functions the Cognito resources use (``Ref`` to a
    parameter, ``Fn::Sub``, ``Fn::Select``, ``Fn::Split``), resolved as
    CloudFormation would: moto's CloudFormation skips these resources."""
    if isinstance(value, list):
        return [resolve(item, parameters) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in parameters:
        return parameters[value["Ref"]]
    if set(value) == {"Fn::Sub"}:
        text, names = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        known = {**parameters, **{name: resolve(v, parameters) for name, v in names.items()}}
        return re.sub(r"\$\{([\w:]+)\}", lambda m: str(known.get(m.group(1), m.group(0))), text)
    if set(value) == {"Fn::Split"}:
        separator, text = value["Fn::Split"]
        return str(resolve(text, parameters)).split(separator)
    if set(value) == {"Fn::Select"}:
        index, items = value["Fn::Select"]
        return resolve(items, parameters)[int(index)]
    return {key: resolve(item, parameters) for key, item in value.items()}


def create_user_pool(session: boto3.Session) -> dict[str, str]:
    """The template's Cognito pool, client and role groups, through the Cognito API
    (moto's CloudFormation skips them). Returns logical name → id."""
    from local.provision import load_template

    template = load_template()
    idp = session.client("cognito-idp")
    ((pool_name, pool),) = _resources_of_type(template, "AWS::Cognito::UserPool").items()
    properties = resolve(pool["Properties"], pool_parameters())
    properties.pop("EnabledMfas", None)  # moto rejects it without an SMS role
    created = idp.create_user_pool(PoolName=properties.pop("UserPoolName"), **properties)["UserPool"]
    ids = {pool_name: created["Id"]}
    for name, client in _resources_of_type(template, "AWS::Cognito::UserPoolClient").items():
        props = {k: resolve(v, pool_parameters()) for k, v in client["Properties"].items() if k != "UserPoolId"}
        ids[name] = idp.create_user_pool_client(UserPoolId=created["Id"], **props)["UserPoolClient"]["ClientId"]
    for name, group in _resources_of_type(template, "AWS::Cognito::UserPoolGroup").items():
        props = {k: v for k, v in group["Properties"].items() if k != "UserPoolId"}
        idp.create_group(UserPoolId=created["Id"], **props)
        ids[name] = props["GroupName"]
    return ids


def deploy(session: boto3.Session, endpoint_url: str) -> LocalDeployment:
    """Provision everything and put the functions' environment in this process."""
    from local.provision import load_template, provision

    cognito_ids = create_user_pool(session)
    stack = provision(
        session,
        STACK_NAME,
        cognito_ids,
        stage=STAGE,
        parameters={
            "SupportAddress": support_address(),
            **whatsapp_secrets(),
            **meta_secrets(),
            **escalation_waits(),
            **webhook_parameters(),
        },
    )
    table = load_template()["Resources"]["HelpdeskTable"]["Properties"]
    ttl = table.get("TimeToLiveSpecification")
    if ttl:  # moto's CloudFormation ignores it
        session.client("dynamodb").update_time_to_live(
            TableName=stack.physical_ids["HelpdeskTable"], TimeToLiveSpecification=ttl
        )
    disable_event_source_mappings(session)
    verify_mail_identity(session)
    apply_bucket_notifications(session, stack)
    environment: dict[str, str] = {}
    for function_environment in stack.function_environments.values():
        environment |= function_environment
    pool_id = environment["USER_POOL_ID"]
    environment["COGNITO_JWKS_URL"] = f"{endpoint_url}/{pool_id}/.well-known/jwks.json"
    environment["COGNITO_ENDPOINT"] = f"{endpoint_url}/"
    session.client("ssm").put_parameter(
        Name=environment["WHATSAPP_ACCESS_TOKEN_PARAMETER"],
        Value=SANDBOX_ACCESS_TOKEN,
        Type="SecureString",
        Overwrite=True,
    )
    session.client("ssm").put_parameter(
        Name=environment["META_PAGE_TOKEN_PARAMETER"], Value=SANDBOX_ACCESS_TOKEN, Type="SecureString", Overwrite=True
    )
    environment |= aws_environment(endpoint_url)
    os.environ.update(environment)
    return LocalDeployment(stack, pool_id, environment["USER_POOL_CLIENT_ID"], environment)


def as_saved(deployment: LocalDeployment, endpoint_url: str) -> dict[str, Any]:
    """The deployment as ``local.saved_state`` keeps it, with the addresses it was made for."""
    return {
        "stack": dataclasses.asdict(deployment.stack),
        "user_pool_id": deployment.user_pool_id,
        "user_pool_client_id": deployment.user_pool_client_id,
        "environment": deployment.environment,
        "aws_url": endpoint_url,
        "console_url": escalation_waits()["ConsoleUrl"],
    }


def redeploy(saved: dict[str, Any], endpoint_url: str) -> LocalDeployment:
    """A saved deployment, its AWS restored: put its environment back in this
    process, the addresses of this run (ports may differ) in place of the saved ones."""
    from local.provision import ProvisionedStack

    moved = {saved["aws_url"]: endpoint_url, saved["console_url"]: escalation_waits()["ConsoleUrl"]}

    def here(value: str) -> str:
        for before, after in moved.items():
            value = value.replace(before, after)
        return value

    stack = ProvisionedStack(**saved["stack"])
    environment = {name: here(value) for name, value in saved["environment"].items()}
    environment |= {name: here(value) for name, value in whatsapp_environment().items()}
    environment |= meta_environment()
    environment |= aws_environment(endpoint_url)
    os.environ.update(environment)
    return LocalDeployment(stack, saved["user_pool_id"], saved["user_pool_client_id"], environment)


PROVISIONED_KINDS = ("AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket")


def missing_from(saved: dict[str, Any]) -> set[str]:
    """The template's queues, tables and buckets a saved deployment lacks: it
    was made from an older template (say, before the webhook queues), and its
    workers would look for resources that were never created."""
    from local.provision import load_template

    template = load_template()["Resources"]
    wanted = {name for name, resource in template.items() if resource["Type"] in PROVISIONED_KINDS}
    return wanted - set(saved["stack"]["physical_ids"])


def whatsapp_environment() -> dict[str, str]:
    """The WhatsApp secrets as the functions read them (this run's, which the environment may set)."""
    secrets = whatsapp_secrets()
    return {
        "WHATSAPP_VERIFY_TOKEN": secrets["WhatsAppVerifyToken"],
        "WHATSAPP_APP_SECRET": secrets["WhatsAppAppSecret"],
    }


def meta_environment() -> dict[str, str]:
    """Messenger's and Instagram's secrets and page setting as the functions read them (this run's)."""
    secrets = meta_secrets()
    return {
        "META_VERIFY_TOKEN": secrets["MetaVerifyToken"],
        "META_APP_SECRET": secrets["MetaAppSecret"],
        "META_GRAPH_URL": secrets["MetaGraphUrl"],
        "META_HUMAN_AGENT_TAG": secrets["MetaHumanAgentTag"],
    }


def apply_bucket_notifications(session: boto3.Session, stack: ProvisionedStack) -> None:
    """The template's S3 → SQS notifications, through the S3 API (moto's
    CloudFormation ignores them); moto then announces new objects on the queue."""
    s3, sqs = session.client("s3"), session.client("sqs")
    from local.provision import load_template

    for bucket, resource in _resources_of_type(load_template(), "AWS::S3::Bucket").items():
        queues = resource["Properties"].get("NotificationConfiguration", {}).get("QueueConfigurations", [])
        configurations = []
        for queue in queues:
            queue_url = stack.physical_ids[queue["Queue"]["Fn::GetAtt"][0]]
            arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            rules = queue.get("Filter", {}).get("S3Key", {}).get("Rules", [])
            configurations.append(
                {"QueueArn": arn, "Events": [queue["Event"]], "Filter": {"Key": {"FilterRules": rules}}}
            )
        if configurations:
            s3.put_bucket_notification_configuration(
                Bucket=stack.physical_ids[bucket], NotificationConfiguration={"QueueConfigurations": configurations}
            )


def verify_mail_identity(session: boto3.Session) -> None:
    """SES sends only from verified identities; ops verify the domain in AWS."""
    ses = session.client("ses")
    ses.verify_domain_identity(Domain=support_address().rsplit("@", 1)[1])
    ses.verify_email_identity(EmailAddress=support_address())


def disable_event_source_mappings(session: boto3.Session) -> None:
    """moto would take queue messages for the template's mappings and try to run
    the functions in Docker; the local stack's QueueWorkers are the mappings
    instead. (Disabled, not deleted: moto's queues keep their own reference.)"""
    client = session.client("lambda")
    for mapping in client.list_event_source_mappings().get("EventSourceMappings", []):
        client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)


def find_user_pool(session: boto3.Session) -> tuple[str, str]:
    """The running local stack's pool and console client ids."""
    return user_pool_of(session.client("cognito-idp"))


def user_pool_of(idp: Any) -> tuple[str, str]:
    """The local stack's pool and console client ids, asked of a Cognito client."""
    wanted = f"atiende-{STAGE}-agents"
    pools = [p for p in idp.list_user_pools(MaxResults=60)["UserPools"] if p["Name"] == wanted]
    if not pools:
        raise LookupError("no local stack is running (start it with `make run`)")
    pool_id = pools[-1]["Id"]
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    return pool_id, clients[0]["ClientId"]


def sign_in(session: boto3.Session, client_id: str, email: str, password: str) -> str:
    """An ID token for an agent, as the console's sign-in would get it."""
    idp = session.client("cognito-idp")
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])
