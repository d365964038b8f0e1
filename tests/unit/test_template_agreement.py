"""infra/template.yaml and the code state the same facts: table keys and indexes,
the environment each function reads, the API routes, one function per folder."""

import json
import re
from typing import Any

import pytest
from pydantic import BaseModel

from agent_api.app import app
from helpdesk.knowledge import article_files
from helpdesk.knowledge.finding import index_key
from helpdesk.knowledge.indexing import Audience
from helpdesk.limits import WEBHOOKS
from helpdesk.settings import (
    RAW_MAIL_PREFIX,
    VOICEMAIL_PREFIX,
    AuthSettings,
    DeadLetterSettings,
    EscalationSettings,
    EventSettings,
    HandoffSettings,
    KnowledgeSettings,
    LiveSettings,
    MailSettings,
    MetaMessagingSettings,
    MetaSenderSettings,
    MetaWindowSettings,
    NoticeSettings,
    OutboundSettings,
    PhoneSettings,
    StoreSettings,
    WebhookQueueSettings,
    WebhookSettings,
    WhatsAppSenderSettings,
    WhatsAppSettings,
)
from helpdesk.store import HASH_KEY, INDEXES, RANGE_KEY, TTL_ATTRIBUTE
from local.packaging import load_manifest, normalized, pinned_requirements, zip_path
from local.provision import ROOT, load_template

# Set by the Lambda runtime itself, not by the template.
RUNTIME_VARIABLES = {"AWS_REGION", "AWS_DEFAULT_REGION"}
# Settings each function reads, by the function's folder.
SETTINGS_BY_FUNCTION: dict[str, tuple[type[BaseModel], ...]] = {
    "agent_api": (
        StoreSettings,
        AuthSettings,
        MailSettings,
        OutboundSettings,
        DeadLetterSettings,
        KnowledgeSettings,
        PhoneSettings,
        HandoffSettings,  # the web chat assistant's handoff
    ),
    "inbound_email": (StoreSettings, MailSettings, OutboundSettings),
    "outbound": (StoreSettings, MailSettings, OutboundSettings, WhatsAppSenderSettings, MetaSenderSettings),
    "whatsapp_webhook": (StoreSettings, WhatsAppSettings),
    "meta_messaging_webhook": (StoreSettings, MetaMessagingSettings),
    "sla_checker": (StoreSettings, EscalationSettings, EventSettings, MailSettings, OutboundSettings),
    "escalation": (StoreSettings, NoticeSettings),
    "outgoing_webhooks": (StoreSettings, WebhookQueueSettings, WebhookSettings),
    "live_socket": (StoreSettings, AuthSettings, LiveSettings),
    "live_fanout": (StoreSettings, LiveSettings),
    "survey_sender": (StoreSettings, MailSettings, OutboundSettings),
    "phone_events": (StoreSettings, MailSettings, OutboundSettings),  # rules' replies to a new call's ticket
    "phone_flow": (StoreSettings,),
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def _table(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]["HelpdeskTable"]["Properties"]


def test_table_keys_and_indexes_match_the_store(template: dict[str, Any]) -> None:
    table = _table(template)
    assert [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == [
        (HASH_KEY, "HASH"),
        (RANGE_KEY, "RANGE"),
    ]
    declared = {
        index["IndexName"]: tuple(k["AttributeName"] for k in index["KeySchema"])
        for index in table["GlobalSecondaryIndexes"]
    }
    assert declared == {index.name: (index.hash_key, index.range_key) for index in INDEXES}
    assert table["TimeToLiveSpecification"]["AttributeName"] == TTL_ATTRIBUTE


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_one_function_resource_per_function_folder(template: dict[str, Any]) -> None:
    folders = {
        path.name
        for path in (ROOT / "functions").iterdir()
        if path.is_dir() and path.name != "helpdesk" and (path / "app.py").exists()
    }
    handlers = {props["Handler"].split(".")[0] for props in _functions(template).values()}
    assert handlers == folders


@pytest.mark.parametrize("handler", ["agent_api.app.app", "inbound_email.app.handler", "outbound.app.handler",
                                     "whatsapp_webhook.app.handler", "whatsapp_webhook.worker.handler",
                                     "meta_messaging_webhook.app.handler", "meta_messaging_webhook.worker.handler",
                                     "sla_checker.app.handler", "escalation.app.handler",
                                     "outgoing_webhooks.app.handler", "outgoing_webhooks.sender.handler",
                                     "live_socket.app.handler", "live_fanout.app.handler",
                                     "survey_sender.app.handler", "phone_events.app.handler",
                                     "phone_events.voicemail.handler", "phone_flow.app.handler"])  # fmt: skip
def test_functions_get_every_variable_their_settings_need(template: dict[str, Any], handler: str) -> None:
    globals_ = template["Globals"]["Function"]["Environment"]["Variables"]
    (props,) = [p for p in _functions(template).values() if p["Handler"] == handler]
    provided = set(globals_) | set(props.get("Environment", {}).get("Variables", {})) | RUNTIME_VARIABLES
    needed = SETTINGS_BY_FUNCTION[handler.split(".", maxsplit=1)[0]]
    if handler == "whatsapp_webhook.worker.handler":  # rules' and the assistant's replies, its handoff
        needed = (StoreSettings, MailSettings, WhatsAppSenderSettings, OutboundSettings, KnowledgeSettings,
                  HandoffSettings, PhoneSettings)  # fmt: skip
    if handler == "meta_messaging_webhook.worker.handler":  # files, rules' and the assistant's replies, its handoff
        needed = (StoreSettings, MailSettings, MetaSenderSettings, OutboundSettings, KnowledgeSettings,
                  HandoffSettings, PhoneSettings)  # fmt: skip
    for settings in needed:
        required = {f.validation_alias for f in settings.model_fields.values() if f.is_required()}
        assert required <= provided, f"{settings.__name__} needs {required - provided}"


def test_every_api_route_is_an_api_gateway_event_and_back(template: dict[str, Any]) -> None:
    (props,) = [p for p in _functions(template).values() if p["Handler"] == "agent_api.app.app"]
    events = {
        (event["Properties"]["Path"], event["Properties"]["Method"].upper())
        for event in props["Events"].values()
        if event["Type"] == "Api"
    }
    routes = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert routes == events


def test_each_function_deploys_the_zip_make_package_writes_for_it(template: dict[str, Any]) -> None:
    manifest = load_manifest()
    functions = _functions(template)
    assert set(functions) == set(manifest.functions)
    for name, props in functions.items():
        assert (ROOT / "infra" / props["CodeUri"]).resolve() == zip_path(name)
        assert (ROOT / "functions" / props["Handler"].split(".", 1)[0]).is_dir()


def test_every_function_gets_the_shared_layer_make_package_writes(template: dict[str, Any]) -> None:
    manifest = load_manifest()
    layer = template["Resources"][manifest.layer.name]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert (ROOT / "infra" / layer["Properties"]["ContentUri"]).resolve() == zip_path(manifest.layer.name)
    globals_ = template["Globals"]["Function"]
    assert globals_["Layers"] == [{"Ref": manifest.layer.name}]
    assert layer["Properties"]["CompatibleRuntimes"] == [globals_["Runtime"]]
    assert layer["Properties"]["CompatibleArchitectures"] == globals_["Architectures"]
    assert all("Layers" not in props for props in _functions(template).values())


def test_packaged_requirements_are_the_pinned_runtime_ones() -> None:
    manifest = load_manifest()
    named = [*manifest.layer.requirements, *(r for f in manifest.functions.values() for r in f.requirements)]
    pins = pinned_requirements()
    assert {normalized(n) for n in named} == set(pins), "each pinned runtime package is packaged, once"
    assert len(named) == len(set(named))
    assert not {normalized(n) for n in manifest.runtime_provided} & set(pins)


def test_raw_mail_prefix_is_where_ses_writes_and_s3_announces(template: dict[str, Any]) -> None:
    rule = template["Resources"]["InboundMailRule"]["Properties"]["Rule"]
    (action,) = rule["Actions"]
    assert action["S3Action"]["ObjectKeyPrefix"] == RAW_MAIL_PREFIX
    bucket = template["Resources"]["RawMailBucket"]["Properties"]
    (queue,) = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert queue["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": RAW_MAIL_PREFIX}]


def test_outbound_gives_up_when_the_queue_does(template: dict[str, Any]) -> None:
    queue = template["Resources"]["OutboundQueue"]["Properties"]
    function = template["Resources"]["OutboundFunction"]["Properties"]
    attempts = int(function["Environment"]["Variables"]["OUTBOUND_MAX_ATTEMPTS"])
    assert attempts == queue["RedrivePolicy"]["maxReceiveCount"]


def test_the_webhook_sender_gives_up_when_the_queue_does(template: dict[str, Any]) -> None:
    queue = template["Resources"]["WebhookDeliveryQueue"]["Properties"]
    function = template["Resources"]["WebhookSenderFunction"]["Properties"]
    attempts = int(function["Environment"]["Variables"]["WEBHOOK_MAX_ATTEMPTS"])
    assert attempts == queue["RedrivePolicy"]["maxReceiveCount"] == WebhookSettings().max_attempts
    # a try (a batch of deliveries, each bounded by the timeout) ends well before the message comes back
    assert queue["VisibilityTimeout"] >= 6 * function["Timeout"]
    assert function["Timeout"] > 5 * WEBHOOKS.timeout_seconds


def test_only_the_local_stack_allows_loopback_webhooks(template: dict[str, Any]) -> None:
    from local.stack import webhook_parameters

    assert template["Parameters"]["WebhookLoopbackAllowed"]["Default"] == "false"
    assert WebhookSettings.model_fields["allow_loopback"].default is False
    assert webhook_parameters()["WebhookLoopbackAllowed"] == "true"


def test_state_machines_are_the_asl_files_and_read_what_the_checker_gives_them(template: dict[str, Any]) -> None:
    from local.provision import state_machine_definition

    machines = {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::StateMachine"
    }
    assert {props["DefinitionUri"] for props in machines.values()} == {
        f"statemachines/{path.name}" for path in (ROOT / "infra" / "statemachines").glob("*.asl.json")
    }
    checker = _functions(template)["SlaCheckerFunction"]["Environment"]["Variables"]
    assert checker["ESCALATION_STATE_MACHINE_ARN"] == {"Ref": "BreachEscalationFlow"}
    assert checker["HANDOFF_STATE_MACHINE_ARN"] == {"Ref": "BotHandoffFlow"}
    assert checker["ESCALATION_QUEUE_URL"] == {"Ref": "EscalationQueue"}
    # Every input path the flows read is one the domain puts in their input
    given = {"ticket_id", "breach_id", "metric", "breach_key", "group_id", "ticket_key", "table", "queue_url", "waits"}
    for props in machines.values():
        text = json.dumps(state_machine_definition(props["DefinitionUri"]))
        read = {match.split(".")[1] for match in re.findall(r'"\$\.[a-z_]+', text)}
        read = {name.strip('"') for name in read}
        assert read <= given | {"breach", "ticket", "acknowledgment", "timeout"}, read - given


def test_escalation_steps_named_by_the_flows_are_the_ones_carried_out() -> None:
    from helpdesk.sla.escalation import Step
    from local.provision import state_machine_definition

    named = set()
    for path in (ROOT / "infra" / "statemachines").glob("*.asl.json"):
        named |= set(
            re.findall(r'"action": "([a-z_]+)"', json.dumps(state_machine_definition(f"statemachines/{path.name}")))
        )
    assert named == {step.value for step in Step}


def test_openapi_document_describes_every_route_with_its_role() -> None:
    from agent_api.app import PUBLIC_ROUTES, ROUTE_ROLES, openapi_document

    document = openapi_document()
    documented = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    routes = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert documented == routes - {("/api/openapi.json", "GET")}
    for (path, method), role in ROUTE_ROLES.items():
        operation = document["paths"][path][method.lower()]
        assert operation["x-atiende-role"] == role.value and operation["security"]
    for path, method in PUBLIC_ROUTES - {("/api/openapi.json", "GET")}:
        assert "security" not in document["paths"][path][method.lower()]


def test_the_meta_window_setting_reaches_whoever_decides_on_a_reply(template: dict[str, Any]) -> None:
    """The agent API refuses a reply outside Messenger's window (422) and the
    outbound sender tags it HUMAN_AGENT: both must read the same page setting."""
    (alias,) = [f.validation_alias for f in MetaWindowSettings.model_fields.values()]
    functions = _functions(template)
    for handler in ("agent_api.app.app", "outbound.app.handler"):
        (props,) = [p for p in functions.values() if p["Handler"] == handler]
        assert props["Environment"]["Variables"][alias] == {"Ref": "MetaHumanAgentTag"}, handler
    assert template["Parameters"]["MetaHumanAgentTag"]["Default"] == "false"


def test_meta_webhook_routes_are_throttled_with_the_code_limits(template: dict[str, Any]) -> None:
    from helpdesk.limits import META_MESSAGING_WEBHOOK, META_MESSAGING_WEBHOOK_PATHS

    settings = template["Resources"]["AgentApi"]["Properties"]["MethodSettings"]
    by_path = {(m["ResourcePath"], m["HttpMethod"]): m for m in settings}
    (webhook,) = [p for p in _functions(template).values() if p["Handler"] == "meta_messaging_webhook.app.handler"]
    routes = {(e["Properties"]["Path"], e["Properties"]["Method"]) for e in webhook["Events"].values()}
    assert routes == {(path, method) for path in META_MESSAGING_WEBHOOK_PATHS for method in ("GET", "POST")}
    for path in META_MESSAGING_WEBHOOK_PATHS:
        throttle = by_path[(path.replace("/", "~1").join(["/", ""]), "POST")]
        assert throttle["ThrottlingRateLimit"] == META_MESSAGING_WEBHOOK.rate_per_second
        assert throttle["ThrottlingBurstLimit"] == META_MESSAGING_WEBHOOK.burst


def test_api_gateway_throttling_answers_with_the_api_own_spanish_error(template: dict[str, Any]) -> None:
    """The webhooks (Messenger, Instagram, WhatsApp) and every public route are
    throttled by the stage; its 429 carries the same body the local stack's throttle sends."""
    from agent_api.errors import error_body

    status, body = error_body("error.throttled")
    throttled = template["Resources"]["AgentApi"]["Properties"]["GatewayResponses"]["THROTTLED"]
    assert throttled["StatusCode"] == str(status) == "429"
    assert json.loads(throttled["ResponseTemplates"]["application/json"]) == body
    assert "Demasiadas solicitudes" in body["error"]["message"]["es"]


def test_the_voicemail_bucket_announces_transcripts_where_the_code_reads_them(template: dict[str, Any]) -> None:
    from helpdesk.channels.phone.voicemail import TRANSCRIPT

    bucket = template["Resources"]["VoicemailBucket"]["Properties"]
    (queue,) = bucket["NotificationConfiguration"]["QueueConfigurations"]
    assert queue["Queue"] == {"Fn::GetAtt": ["VoicemailQueue", "Arn"]}
    rules = {rule["Name"]: rule["Value"] for rule in queue["Filter"]["S3Key"]["Rules"]}
    assert rules == {"prefix": VOICEMAIL_PREFIX, "suffix": "." + TRANSCRIPT.rsplit(".", 1)[1]}
    voicemail = template["Resources"]["VoicemailFunction"]["Properties"]
    assert voicemail["Events"]["Transcripts"]["Properties"]["Queue"] == {"Fn::GetAtt": ["VoicemailQueue", "Arn"]}


def test_connect_contact_events_reach_the_phone_function_and_failures_a_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    from helpdesk.channels.phone.events import DETAIL_TYPE, SOURCE, VOICE

    function = template["Resources"]["PhoneEventsFunction"]["Properties"]
    rule = function["Events"]["ContactEvents"]
    assert rule["Type"] == "EventBridgeRule"
    pattern = rule["Properties"]["Pattern"]
    assert pattern == {"source": [SOURCE], "detail-type": [DETAIL_TYPE], "detail": {"channel": [VOICE]}}
    dead_letters = {"Fn::GetAtt": ["PhoneEventsDeadLetterQueue", "Arn"]}
    assert rule["Properties"]["DeadLetterConfig"]["Arn"] == dead_letters
    assert function["DeadLetterQueue"] == {"Type": "SQS", "TargetArn": dead_letters}
    # supervisors see what failed, like every other dead-letter queue
    agent_api = template["Resources"]["AgentApiFunction"]["Properties"]["Environment"]["Variables"]
    listed = agent_api["DEAD_LETTER_QUEUE_URLS"]["Fn::Join"][1]
    assert {"Ref": "PhoneEventsDeadLetterQueue"} in listed and {"Ref": "VoicemailDeadLetterQueue"} in listed


def test_connect_is_optional_and_never_created(template: dict[str, Any]) -> None:
    assert template["Parameters"]["ConnectInstanceId"]["Default"] == ""
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::Connect::Instance"]
    flow = template["Resources"]["PhoneFlowFunction"]["Properties"]
    assert flow["Timeout"] < 8  # Connect gives up on a flow's Lambda after 8 seconds
    for name in ("PhoneFlowInvokedByConnect", "PhoneFlowIntegration"):
        assert template["Resources"][name]["Condition"] == "HasConnectInstance"
    variables = template["Resources"]["AgentApiFunction"]["Properties"]["Environment"]["Variables"]
    assert {f.validation_alias for f in PhoneSettings.model_fields.values()} <= set(variables)


@pytest.mark.parametrize("handler", ["whatsapp_webhook.worker.handler", "meta_messaging_webhook.worker.handler"])
def test_the_assistants_workers_read_the_customers_and_public_indexes_and_nothing_else_of_the_knowledge_bucket(
    template: dict[str, Any], handler: str
) -> None:
    (props,) = [p for p in _functions(template).values() if p["Handler"] == handler]
    statements = [s for policy in props["Policies"] if "Statement" in policy for s in policy["Statement"]]
    reads = [s["Resource"] for s in statements if s["Action"] == "s3:GetObject"]
    # public and segment articles, never the agents' index, which holds the internal ones
    (resources,) = reads  # the public one too, until the customers' one is first built
    assert resources == [
        {"Fn::Sub": f"${{KnowledgeBucket.Arn}}/{index_key(a)}"} for a in (Audience.CUSTOMERS, Audience.PUBLIC)
    ]
    assert not any("S3ReadPolicy" in policy or "S3CrudPolicy" in policy for policy in props["Policies"])


def test_the_agent_api_keeps_articles_files_and_copies_them_to_the_help_center(template: dict[str, Any]) -> None:
    """Editors' uploads go under the attachments bucket's article prefix; publishing
    reads them there and writes them under the knowledge bucket's site/ (CloudFront's origin)."""
    (props,) = [p for p in _functions(template).values() if p["Handler"] == "agent_api.app.app"]
    statements = [s for policy in props["Policies"] if "Statement" in policy for s in policy["Statement"]]
    puts = [s["Resource"] for s in statements if s["Action"] == ["s3:PutObject"]]
    assert {"Fn::Sub": f"${{AttachmentsBucket.Arn}}/{article_files.KEY_PREFIX}/*"} in puts
    assert {"S3ReadPolicy": {"BucketName": {"Ref": "AttachmentsBucket"}}} in props["Policies"]
    assert {"S3CrudPolicy": {"BucketName": {"Ref": "KnowledgeBucket"}}} in props["Policies"]
