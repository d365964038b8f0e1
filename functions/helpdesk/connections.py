"""The store and the providers' adapters, built once per process on first use.

Every function takes its table, queues, buckets and providers from here, so
each is built in one place and only when a path needs it: importing this module
builds nothing (not even boto3 is imported), and a function pays only for the
clients its work touches. With ``helpdesk.providers`` this is the only place
that imports boto3. ``forget`` drops everything built (tests and the local stack
point the environment at another account).
"""

from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from helpdesk.settings import (
    DeadLetterSettings,
    EventSettings,
    NoticeSettings,
    auth_settings,
    mail_settings,
    meta_messaging_settings,
    meta_sender_settings,
    outbound_settings,
    store_settings,
    whatsapp_sender_settings,
    whatsapp_settings,
)

if TYPE_CHECKING:
    from helpdesk.admin.dead_letters import DeadLetterQueues
    from helpdesk.assistant.answers import AnswerWriter
    from helpdesk.channels.email.outbound import Mailer
    from helpdesk.channels.meta_messaging.inbound import AttachmentStorage
    from helpdesk.channels.phone.callbacks import CallbackDialer
    from helpdesk.channels.whatsapp.inbound import MediaStorage
    from helpdesk.channels.whatsapp.outbound import WhatsAppSender
    from helpdesk.files import FileStore
    from helpdesk.knowledge.finding import ArticleSearch, IndexShelf
    from helpdesk.live.sockets import Poster
    from helpdesk.models import Ticket
    from helpdesk.providers.cognito import CognitoDirectory
    from helpdesk.providers.eventbridge import EventBridgeBus
    from helpdesk.providers.meta_graph import GraphMessaging
    from helpdesk.providers.sqs import SqsFifoQueue, SqsOutboundQueue, SqsWebhookQueue
    from helpdesk.providers.step_functions import StepFunctionsFlows
    from helpdesk.providers.webhook_http import WebhookHttp
    from helpdesk.providers.whatsapp_graph import GraphWhatsApp
    from helpdesk.store import HelpdeskStore
    from helpdesk.team.notices import AgentNotices
    from helpdesk.team.sign_in import MfaGate


@lru_cache(maxsize=1)
def store() -> "HelpdeskStore":
    from helpdesk.store import HelpdeskStore

    return HelpdeskStore(store_settings())


@cache
def _client(service: str) -> Any:
    """One boto3 client per AWS service, in the table's region (the endpoint,
    in the local stack, comes from ``AWS_ENDPOINT_URL``)."""
    import boto3

    return boto3.client(service, region_name=store_settings().region)  # type: ignore[call-overload]


@lru_cache(maxsize=1)
def outbound_queue() -> "SqsOutboundQueue":
    from helpdesk.providers.sqs import SqsOutboundQueue

    return SqsOutboundQueue(_client("sqs"), outbound_settings().outbound_queue_url)


@lru_cache(maxsize=1)
def update_queue() -> "SqsFifoQueue":
    """Where the WhatsApp webhook leaves each customer message and status."""
    from helpdesk.providers.sqs import SqsFifoQueue

    return SqsFifoQueue(_client("sqs"), whatsapp_settings().updates_queue_url)


@lru_cache(maxsize=1)
def meta_update_queue() -> "SqsFifoQueue":
    """Where the Messenger and Instagram webhook leaves each customer event."""
    from helpdesk.providers.sqs import SqsFifoQueue

    return SqsFifoQueue(_client("sqs"), meta_messaging_settings().updates_queue_url)


@lru_cache(maxsize=1)
def dead_letters() -> "DeadLetterQueues":
    from helpdesk.providers.sqs import SqsDeadLetters

    return SqsDeadLetters(_client("sqs"), DeadLetterSettings.from_environment().urls)


@lru_cache(maxsize=1)
def webhook_queue() -> "SqsWebhookQueue":
    """Where outgoing webhook deliveries wait for the sender, and its dead letters."""
    from helpdesk.providers.sqs import SqsWebhookQueue
    from helpdesk.settings import WebhookQueueSettings

    settings = WebhookQueueSettings.from_environment()
    return SqsWebhookQueue(_client("sqs"), settings.queue_url, settings.dead_letter_queue_url)


@lru_cache(maxsize=1)
def webhook_http() -> "WebhookHttp":
    from helpdesk.providers.webhook_http import WebhookHttp

    return WebhookHttp()


@lru_cache(maxsize=1)
def files() -> "FileStore":
    from helpdesk.providers.files import S3FileStore

    return S3FileStore(_client("s3"))


@lru_cache(maxsize=1)
def knowledge_shelf() -> "IndexShelf":
    """The knowledge base's search indexes, loaded once per process."""
    from helpdesk.knowledge.finding import IndexShelf
    from helpdesk.settings import knowledge_settings, mail_settings

    bucket = knowledge_settings().knowledge_bucket
    return IndexShelf(files(), bucket, article_files_bucket=mail_settings().attachments_bucket)


def articles_for(contact_id: str) -> "ArticleSearch":
    """What the assistant may answer a contact from: public articles, and the
    segment articles of the contact's tier or country (``knowledge.finding``)."""
    contact = store().get_contact(contact_id)
    return knowledge_shelf().for_contact(contact.tier if contact else None, contact.country if contact else None)


@lru_cache(maxsize=1)
def answer_writer() -> "AnswerWriter":
    """How the assistant words its answers: the articles' list, or, when the
    deployment names a Bedrock model (``ASSISTANT_BEDROCK_MODEL_ID``), that
    model's answer from the public articles (its client built on the first one)."""
    from helpdesk.assistant.answers import RETRIEVAL, PhrasedAnswers, published_excerpt
    from helpdesk.settings import assistant_settings

    model_id = assistant_settings().bedrock_model_id
    if not model_id:
        return RETRIEVAL
    from helpdesk.limits import PHRASED_ANSWERS
    from helpdesk.providers.bedrock import BedrockConverse

    model = BedrockConverse(_bedrock_client, model_id, PHRASED_ANSWERS.max_tokens, PHRASED_ANSWERS.temperature)
    return PhrasedAnswers(model, lambda article_id: published_excerpt(store(), article_id))


@cache
def _bedrock_client() -> Any:
    """Bedrock Runtime, waiting briefly and never retrying: the customer gets
    the articles' list rather than a late answer."""
    import boto3
    from botocore.config import Config

    from helpdesk.limits import PHRASED_ANSWERS

    config = Config(
        connect_timeout=PHRASED_ANSWERS.connect_timeout_seconds,
        read_timeout=PHRASED_ANSWERS.read_timeout_seconds,
        retries={"total_max_attempts": 1, "mode": "standard"},  # the first try only
    )
    return boto3.client("bedrock-runtime", region_name=store_settings().region, config=config)


@lru_cache(maxsize=1)
def mailer() -> "Mailer":
    from helpdesk.providers.ses import SesMailer

    return SesMailer(_client("ses"))


@lru_cache(maxsize=1)
def agent_notices() -> "AgentNotices":
    from helpdesk.team.notices import AgentNotices

    return AgentNotices(mailer(), NoticeSettings.from_environment())


@lru_cache(maxsize=1)
def graph_whatsapp() -> "GraphWhatsApp":
    """Meta's Graph API with the business number's token, read from SSM on the
    first call that needs it."""
    from helpdesk.providers.whatsapp_graph import GraphWhatsApp

    sender = whatsapp_sender_settings()
    return GraphWhatsApp.with_token_in_ssm(
        sender.graph_url, sender.phone_number_id, _client("ssm"), sender.access_token_parameter
    )


@lru_cache(maxsize=1)
def whatsapp_sender() -> "WhatsAppSender":
    """Replies leave through Meta's Graph API, or through AWS End User Messaging
    Social when the number is linked to AWS (``WHATSAPP_PROVIDER``)."""
    settings = whatsapp_sender_settings()
    if settings.provider == "social_messaging":
        from helpdesk.providers.social_messaging import SocialMessagingWhatsApp

        return SocialMessagingWhatsApp(_client("socialmessaging"), settings.origination_phone_number_id)
    return graph_whatsapp()


@lru_cache(maxsize=1)
def whatsapp_media() -> "MediaStorage":
    """Media customers send: fetched from the Graph API into the attachments bucket."""
    from helpdesk.channels.whatsapp.inbound import MediaStorage

    mail = mail_settings()
    return MediaStorage(
        source=graph_whatsapp(), files=files(), bucket=mail.attachments_bucket, max_bytes=mail.max_attachment_bytes
    )


@lru_cache(maxsize=1)
def meta_sender() -> "GraphMessaging":
    """Meta's Send API with the page token, read from SSM on the first reply."""
    from helpdesk.providers.meta_graph import GraphMessaging

    settings = meta_sender_settings()
    return GraphMessaging.with_token_in_ssm(
        settings.graph_url, _client("ssm"), settings.page_token_parameter, settings.allow_loopback
    )


@lru_cache(maxsize=1)
def meta_attachments() -> "AttachmentStorage":
    """Files Messenger and Instagram customers send: fetched into the attachments bucket."""
    from helpdesk.channels.meta_messaging.inbound import AttachmentStorage

    mail = mail_settings()
    return AttachmentStorage(
        source=meta_sender(), files=files(), bucket=mail.attachments_bucket, max_bytes=mail.max_attachment_bytes
    )


@lru_cache(maxsize=1)
def callback_dialer() -> "CallbackDialer | None":
    """Amazon Connect placing callbacks, when the deployment connects an
    instance (``PhoneSettings.calls_back``); else None: an agent calls back."""
    from helpdesk.settings import phone_settings

    settings = phone_settings()
    if not settings.calls_back:
        return None
    from helpdesk.providers.connect import ConnectDialer

    return ConnectDialer(_client("connect"), settings)


@lru_cache(maxsize=1)
def bus() -> "EventBridgeBus":
    from helpdesk.providers.eventbridge import EventBridgeBus

    return EventBridgeBus(_client("events"), EventSettings.from_environment().bus_name)


@lru_cache(maxsize=1)
def flows() -> "StepFunctionsFlows":
    from helpdesk.providers.step_functions import StepFunctionsFlows

    return StepFunctionsFlows(_client("stepfunctions"))


def hand_over(ticket: "Ticket") -> bool:
    """The assistant gives a conversation to people: the bot handoff flow
    starts (once per ticket), routing it to its group's queue."""
    from helpdesk.settings import handoff_settings
    from helpdesk.sla.escalation import start_handoff

    return start_handoff(flows(), handoff_settings(), ticket, ticket.group_id)


@lru_cache(maxsize=1)
def directory() -> "CognitoDirectory":
    """The agents' sign-in directory (the local stack points it at moto's Cognito)."""
    import boto3

    from helpdesk.providers.cognito import CognitoDirectory

    settings = auth_settings()
    client = boto3.client("cognito-idp", region_name=settings.region, endpoint_url=settings.endpoint_override)
    return CognitoDirectory(client, settings.user_pool_id)


@cache
def mfa_gate() -> "MfaGate":
    """Whether an admin or supervisor may work without MFA (the admins' policy
    and Cognito's answer, remembered per process)."""
    from helpdesk.team.sign_in import MfaGate, sign_in_policy

    return MfaGate(lambda: sign_in_policy(store()), directory)


@lru_cache(maxsize=1)
def live_poster() -> "Poster":
    """Posts to the WebSocket API's connections (its Management API: the stage's
    URL in AWS, the local stack's socket server locally)."""
    import boto3

    from helpdesk.providers.socket_management import ManagementApiPoster
    from helpdesk.settings import live_settings

    client = boto3.client(
        "apigatewaymanagementapi", region_name=store_settings().region, endpoint_url=live_settings().callback_url
    )
    return ManagementApiPoster(client)


def forget() -> None:
    """Drop everything built: the next use builds it again from the environment."""
    for built in (
        store,
        _client,
        outbound_queue,
        update_queue,
        dead_letters,
        webhook_queue,
        webhook_http,
        files,
        knowledge_shelf,
        answer_writer,
        _bedrock_client,
        mailer,
        agent_notices,
        graph_whatsapp,
        whatsapp_sender,
        callback_dialer,
        whatsapp_media,
        meta_update_queue,
        meta_sender,
        meta_attachments,
        bus,
        flows,
        directory,
        mfa_gate,
        live_poster,
    ):
        built.cache_clear()
