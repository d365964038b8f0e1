"""Fixtures shared by every test: a fake AWS account and the help desk table in moto."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from helpdesk.case_status.links import forget_signing_key
from helpdesk.conversations.ingest import InboundMessage
from helpdesk.models import Channel, Identity, IdentityKind
from helpdesk.settings import StoreSettings, forget_settings
from helpdesk.store import HelpdeskStore
from local.atomic_moto import serialize_in_process_requests
from local.provision import table_definition

REGION = "us-east-1"
TABLE = "atiende-test-helpdesk"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def no_metrics_left_over() -> None:
    """Tests call domain code that counts business events with no handler to
    flush them (a handler's ``log_metrics`` does in Lambda): each test starts
    from an empty metric set, whichever tests its worker ran before."""
    from helpdesk.observability import metrics

    metrics().clear_metrics()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Credentials and region that only moto will ever see."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "TABLE_NAME": TABLE,
        "POWERTOOLS_METRICS_NAMESPACE": "AtiendeTest",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    forget_settings()
    yield
    forget_settings()


@pytest.fixture
def store(aws_env: None) -> Iterator[HelpdeskStore]:
    """The help desk table, created from infra/template.yaml's definition."""
    serialize_in_process_requests()
    HelpdeskStore.forget_sla_setup()  # the setup a function keeps for a minute: not across tests
    forget_signing_key()  # the customer-link key a process keeps per table name: each test's table is new
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName=TABLE, **table_definition())
        yield HelpdeskStore(StoreSettings.from_environment())
    HelpdeskStore.forget_sla_setup()
    forget_signing_key()


_ids = count(1)


def inbound(
    channel: Channel = Channel.WHATSAPP,
    sender: str = "50255512345",
    text: str = "Hola, necesito ayuda con mi pedido",
    message_id: str | None = None,
    sent_at: datetime | None = None,
    kind: IdentityKind | None = None,
    **extra: object,
) -> InboundMessage:
    """A customer's message as a channel would hand it over."""
    identity_kind = kind or (IdentityKind.EMAIL if channel is Channel.EMAIL else IdentityKind.WHATSAPP)
    return InboundMessage(
        channel=channel,
        channel_message_id=message_id or f"wamid.TEST{next(_ids):06d}",
        sender=Identity(kind=identity_kind, value=sender),
        sender_name="María López",
        sent_at=sent_at or datetime.now(UTC) - timedelta(seconds=1),
        text=text,
        **extra,
    )


def corpus_dir(*parts: str) -> Path:
    """A folder of ../shared/corpus; the test skips (saying why) without it."""
    path = SHARED.joinpath("corpus", *parts)
    if not path.is_dir():
        pytest.skip(f"needs the shared corpus at {path} (present in CI, absent in a plain clone)")
    return path
