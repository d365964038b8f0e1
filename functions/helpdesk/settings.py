"""Settings read once from the environment.

Each model names the environment variables it needs (the ``validation_alias`` of a
field); ``infra/template.yaml`` sets exactly those on the functions, and
``tests/unit/test_template_agreement.py`` proves the two agree. A missing variable
fails at start with its name.
"""

import os
from functools import lru_cache
from typing import Literal, Self

from pydantic import ConfigDict, Field

from helpdesk.validated import Validated


class _FromEnvironment(Validated):
    """Fields name their variables with ``validation_alias``. (A plain model over
    ``os.environ`` does what pydantic-settings would here, and keeps ~45 ms of
    imports off every cold start.)"""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def from_environment(cls) -> Self:
        return cls.model_validate(dict(os.environ))


class StoreSettings(_FromEnvironment):
    """Where the help desk table lives."""

    table_name: str = Field(validation_alias="TABLE_NAME", min_length=3)
    region: str = Field(validation_alias="AWS_REGION")
    # Unset in AWS; the local stack points it at the embedded moto server.
    endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")


class AuthSettings(_FromEnvironment):
    """The Cognito user pool whose ID tokens the agent API accepts."""

    user_pool_id: str = Field(validation_alias="USER_POOL_ID")
    user_pool_client_id: str = Field(validation_alias="USER_POOL_CLIENT_ID")
    region: str = Field(validation_alias="AWS_REGION")
    # Unset in AWS (the pool's public JWKS is used); the local stack sets moto's.
    jwks_url_override: str | None = Field(default=None, validation_alias="COGNITO_JWKS_URL")
    # Unset in AWS (Cognito's regional endpoint); the local stack sets moto's.
    endpoint_override: str | None = Field(default=None, validation_alias="COGNITO_ENDPOINT")

    @property
    def endpoint(self) -> str:
        """Where the console signs in (Cognito's InitiateAuth)."""
        return self.endpoint_override or f"https://cognito-idp.{self.region}.amazonaws.com/"

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return self.jwks_url_override or f"{self.issuer}/.well-known/jwks.json"


@lru_cache(maxsize=1)
def store_settings() -> StoreSettings:
    return StoreSettings.from_environment()  # values come from the environment


@lru_cache(maxsize=1)
def auth_settings() -> AuthSettings:
    return AuthSettings.from_environment()


class MailSettings(_FromEnvironment):
    """The support mailbox and what mail may carry."""

    support_address: str = Field(validation_alias="SUPPORT_ADDRESS", pattern=r"^[^@\s]+@[^@\s]+$")
    raw_mail_bucket: str = Field(validation_alias="RAW_MAIL_BUCKET")
    attachments_bucket: str = Field(validation_alias="ATTACHMENTS_BUCKET")
    max_attachment_bytes: int = Field(default=20 * 1024 * 1024, validation_alias="MAX_ATTACHMENT_BYTES", gt=0)
    max_mail_attachment_bytes: int = Field(default=40 * 1024 * 1024, validation_alias="MAX_MAIL_ATTACHMENT_BYTES", gt=0)
    auto_acknowledge: bool = Field(default=True, validation_alias="AUTO_ACKNOWLEDGE")
    support_name: str = Field(default="Soporte", validation_alias="SUPPORT_NAME", max_length=100)
    # Where customers open their pages (case status, survey answers): the console's
    # address, which serves the API's public routes too. Empty: no links in mail.
    customer_pages_url: str = Field(default="", validation_alias="CONSOLE_URL", pattern=r"^(https?://[^\s/]+)?$")

    @property
    def support_domain(self) -> str:
        return self.support_address.rsplit("@", 1)[1].lower()

    @property
    def support_local_part(self) -> str:
        return self.support_address.rsplit("@", 1)[0].lower()


@lru_cache(maxsize=1)
def mail_settings() -> MailSettings:
    return MailSettings.from_environment()


class DeadLetterSettings(_FromEnvironment):
    """The dead-letter queues agents may look into (comma-separated URLs)."""

    queue_urls: str = Field(validation_alias="DEAD_LETTER_QUEUE_URLS")

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(url.strip() for url in self.queue_urls.split(",") if url.strip())


class OutboundSettings(_FromEnvironment):
    """Where replies wait for their channel's sender, and how often it tries."""

    outbound_queue_url: str = Field(validation_alias="OUTBOUND_QUEUE_URL")
    # Must equal the outbound queue's maxReceiveCount in the template (a test checks).
    max_attempts: int = Field(default=5, validation_alias="OUTBOUND_MAX_ATTEMPTS", ge=1, le=20)


@lru_cache(maxsize=1)
def outbound_settings() -> OutboundSettings:
    return OutboundSettings.from_environment()


class WhatsAppSettings(_FromEnvironment):
    """The WhatsApp Business number and the secrets Meta signs and verifies with."""

    verify_token: str = Field(validation_alias="WHATSAPP_VERIFY_TOKEN", min_length=8)
    app_secret: str = Field(validation_alias="WHATSAPP_APP_SECRET", min_length=8, repr=False)
    phone_number_id: str = Field(default="", validation_alias="WHATSAPP_PHONE_NUMBER_ID")
    updates_queue_url: str = Field(validation_alias="WHATSAPP_UPDATES_QUEUE_URL")


class WhatsAppSenderSettings(_FromEnvironment):
    """Where replies go out: Meta's Graph API (the local sandbox in local mode)
    and the SSM parameter holding the business number's access token."""

    phone_number_id: str = Field(validation_alias="WHATSAPP_PHONE_NUMBER_ID", min_length=1)
    # "graph": Meta's Graph API with our token; "social_messaging": AWS End User
    # Messaging Social (the number is linked to AWS; IAM authorizes).
    provider: Literal["graph", "social_messaging"] = Field(default="graph", validation_alias="WHATSAPP_PROVIDER")
    origination_phone_number_id: str = Field(default="", validation_alias="WHATSAPP_ORIGINATION_PHONE_NUMBER_ID")
    graph_url: str = Field(default="https://graph.facebook.com/v21.0", validation_alias="WHATSAPP_GRAPH_URL")
    access_token_parameter: str = Field(validation_alias="WHATSAPP_ACCESS_TOKEN_PARAMETER", pattern=r"^/")


@lru_cache(maxsize=1)
def whatsapp_sender_settings() -> WhatsAppSenderSettings:
    return WhatsAppSenderSettings.from_environment()


@lru_cache(maxsize=1)
def whatsapp_settings() -> WhatsAppSettings:
    return WhatsAppSettings.from_environment()


class MetaMessagingSettings(_FromEnvironment):
    """Messenger's and Instagram's webhook: the Meta app's verify token and secret
    (the app that subscribes the page and the Instagram account) and the queue."""

    verify_token: str = Field(validation_alias="META_VERIFY_TOKEN", min_length=8)
    app_secret: str = Field(validation_alias="META_APP_SECRET", min_length=8, repr=False)
    updates_queue_url: str = Field(validation_alias="META_UPDATES_QUEUE_URL")


class MetaSenderSettings(_FromEnvironment):
    """Where Messenger and Instagram replies go out (Meta's Send API on the Graph
    API; the local sandbox in local mode), the SSM parameter holding the page
    access token, and whether the page may use the ``HUMAN_AGENT`` tag."""

    graph_url: str = Field(default="https://graph.facebook.com/v21.0", validation_alias="META_GRAPH_URL")
    page_token_parameter: str = Field(validation_alias="META_PAGE_TOKEN_PARAMETER", pattern=r"^/")
    # Customers' files come from Meta's CDN: loopback hosts only in the local stack
    allow_loopback: bool = Field(default=False, validation_alias="WEBHOOK_ALLOW_LOOPBACK")


class MetaWindowSettings(_FromEnvironment):
    """Whether the page was granted Meta's Human Agent permission: replies up to
    7 days after the customer's last message, tagged ``HUMAN_AGENT``."""

    human_agent_tag: bool = Field(default=False, validation_alias="META_HUMAN_AGENT_TAG")


@lru_cache(maxsize=1)
def meta_messaging_settings() -> MetaMessagingSettings:
    return MetaMessagingSettings.from_environment()


@lru_cache(maxsize=1)
def meta_sender_settings() -> MetaSenderSettings:
    return MetaSenderSettings.from_environment()


@lru_cache(maxsize=1)
def meta_window_settings() -> MetaWindowSettings:
    return MetaWindowSettings.from_environment()


class PhoneSettings(_FromEnvironment):
    """An existing Amazon Connect instance, when the deployment connects one
    (``ConnectInstanceId`` in the template; none is created): callbacks then
    start an outbound call through its contact flow, from its number or queue.
    Without it, a callback request is an agent's task in the console."""

    connect_instance_id: str = Field(default="", validation_alias="CONNECT_INSTANCE_ID")
    callback_flow_id: str = Field(default="", validation_alias="CONNECT_CALLBACK_FLOW_ID")
    callback_source_number: str = Field(default="", validation_alias="CONNECT_CALLBACK_SOURCE_NUMBER")
    callback_queue_id: str = Field(default="", validation_alias="CONNECT_CALLBACK_QUEUE_ID")

    @property
    def calls_back(self) -> bool:
        """Connect can place the callback: an instance, its flow, and a number or queue to call from."""
        return bool(
            self.connect_instance_id
            and self.callback_flow_id
            and (self.callback_source_number or self.callback_queue_id)
        )


@lru_cache(maxsize=1)
def phone_settings() -> PhoneSettings:
    return PhoneSettings.from_environment()


class AssistantSettings(_FromEnvironment):
    """How the first-line assistant phrases its answers: empty (the default),
    a list of the public articles it found; a Bedrock model id
    (``AssistantBedrockModelId`` in the template), a short answer that model
    writes from those articles only (``assistant.answers``)."""

    bedrock_model_id: str = Field(
        default="", validation_alias="ASSISTANT_BEDROCK_MODEL_ID", pattern=r"^([A-Za-z0-9._:/-]{1,200})?$"
    )


@lru_cache(maxsize=1)
def assistant_settings() -> AssistantSettings:
    return AssistantSettings.from_environment()


class HandoffSettings(_FromEnvironment):
    """The bot handoff state machine (the assistant starts it), the queue its
    steps wait in, and how long each wait lasts (short in tests and the local
    stack, minutes in AWS)."""

    handoff_flow_arn: str = Field(validation_alias="HANDOFF_STATE_MACHINE_ARN")
    steps_queue_url: str = Field(validation_alias="ESCALATION_QUEUE_URL")
    table_name: str = Field(validation_alias="TABLE_NAME", min_length=3)
    assignee_wait_seconds: int = Field(default=900, validation_alias="ESCALATION_ASSIGNEE_WAIT_SECONDS", ge=1)
    acknowledgment_wait_seconds: int = Field(default=1800, validation_alias="ESCALATION_ACKNOWLEDGMENT_SECONDS", ge=1)


class EscalationSettings(HandoffSettings):
    """Both escalation state machines: the SLA breach's too (the checker starts it)."""

    breach_flow_arn: str = Field(validation_alias="ESCALATION_STATE_MACHINE_ARN")


@lru_cache(maxsize=1)
def escalation_settings() -> EscalationSettings:
    return EscalationSettings.from_environment()


@lru_cache(maxsize=1)
def handoff_settings() -> HandoffSettings:
    return HandoffSettings.from_environment()


class EventSettings(_FromEnvironment):
    """The bus domain events go to."""

    bus_name: str = Field(validation_alias="EVENT_BUS_NAME", min_length=1)


class CorsSettings(_FromEnvironment):
    """Browser origins other than the console's own that may call the agent API
    (comma-separated; none by default: the console is served beside the API)."""

    allowed_origins: str = Field(default="", validation_alias="CORS_ALLOWED_ORIGINS")


@lru_cache(maxsize=1)
def cors_settings() -> CorsSettings:
    return CorsSettings.from_environment()


class NoticeSettings(_FromEnvironment):
    """Who notifications to agents come from, and where the console is."""

    support_address: str = Field(validation_alias="SUPPORT_ADDRESS", pattern=r"^[^@\s]+@[^@\s]+$")
    support_name: str = Field(default="Soporte", validation_alias="SUPPORT_NAME", max_length=100)
    console_url: str = Field(default="", validation_alias="CONSOLE_URL")


class WebhookSettings(_FromEnvironment):
    """How outgoing webhooks are sent: whether loopback endpoints are allowed
    (the local stack only: never in AWS), the first retry's delay (doubled on
    each retry) and how many attempts a delivery gets before its dead letter."""

    allow_loopback: bool = Field(default=False, validation_alias="WEBHOOK_ALLOW_LOOPBACK")
    retry_seconds: int = Field(default=30, validation_alias="WEBHOOK_RETRY_SECONDS", ge=0, le=900)
    # Must equal the delivery queue's maxReceiveCount in the template (a test checks).
    max_attempts: int = Field(default=5, validation_alias="WEBHOOK_MAX_ATTEMPTS", ge=1, le=20)


class WebhookQueueSettings(_FromEnvironment):
    """Where deliveries wait for the sender, and where the ones it gave up on go."""

    queue_url: str = Field(validation_alias="WEBHOOK_QUEUE_URL", min_length=1)
    dead_letter_queue_url: str = Field(validation_alias="WEBHOOK_DEAD_LETTER_QUEUE_URL", min_length=1)


@lru_cache(maxsize=1)
def webhook_settings() -> WebhookSettings:
    return WebhookSettings.from_environment()


def raw_mail_prefix() -> str:
    """Where SES's receipt rule writes raw mail in the raw-mail bucket; the
    template's receipt rule uses the same prefix (a test checks)."""
    return RAW_MAIL_PREFIX


RAW_MAIL_PREFIX = "inbound/"
# Where voicemail lands in the voicemail bucket: voicemail/<contact id>/{recording.wav,transcript.json}
VOICEMAIL_PREFIX = "voicemail/"


def forget_settings() -> None:
    """Drop cached settings (tests and the local stack change the environment)."""
    store_settings.cache_clear()
    auth_settings.cache_clear()
    mail_settings.cache_clear()
    outbound_settings.cache_clear()
    whatsapp_settings.cache_clear()
    whatsapp_sender_settings.cache_clear()
    meta_messaging_settings.cache_clear()
    meta_sender_settings.cache_clear()
    meta_window_settings.cache_clear()
    phone_settings.cache_clear()
    assistant_settings.cache_clear()
    escalation_settings.cache_clear()
    handoff_settings.cache_clear()
    cors_settings.cache_clear()
    webhook_settings.cache_clear()
    knowledge_settings.cache_clear()


class LiveSettings(_FromEnvironment):
    """The WebSocket API of live updates: where its Management API takes posts
    (the fan-out) and where clients connect (the console's runtime config)."""

    callback_url: str = Field(validation_alias="LIVE_CALLBACK_URL", min_length=8)


def live_settings() -> LiveSettings:
    return LiveSettings.from_environment()


class LiveSocketSettings(_FromEnvironment):
    """Where the console opens its WebSocket (none: the console polls)."""

    socket_url: str = Field(default="", validation_alias="LIVE_SOCKET_URL")


def live_socket_settings() -> LiveSocketSettings:
    return LiveSocketSettings.from_environment()


class KnowledgeSettings(_FromEnvironment):
    """The knowledge base's bucket: the search indexes (and the help center's pages)."""

    knowledge_bucket: str = Field(validation_alias="KNOWLEDGE_BUCKET", min_length=3)


@lru_cache(maxsize=1)
def knowledge_settings() -> KnowledgeSettings:
    return KnowledgeSettings.from_environment()
