"""(a) ingest throughput against the local moto server beside the raw PutItem rate
of the same server in the same run; (b) AWS calls per ingested message."""

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench import calls
from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.models import Channel, Identity, IdentityKind
from helpdesk.settings import forget_settings, store_settings
from helpdesk.store import HelpdeskStore
from local.embedded_aws import EmbeddedAWS
from local.stack import deploy, session_for

CONVERSATIONS = 20
MESSAGES_PER_CONVERSATION = 10
PUTS = 200


@dataclass
class IngestFigures:
    messages: int
    ingest_per_second: float
    put_per_second: float
    calls_new_contact: float
    calls_new_conversation: float
    calls_existing_conversation: float
    calls_duplicate: float
    calls_by_operation: dict[str, int]
    get_per_second: float
    transaction_per_second: float
    transaction_per_second_empty: float

    @property
    def ratio(self) -> float:
        return self.ingest_per_second / self.put_per_second

    @property
    def target_ratio(self) -> float:
        return 0.5 / self.calls_existing_conversation

    @property
    def raw_calls_per_second(self) -> float:
        """The ingest rate the same server allows for the raw calls of one message
        on an open conversation (two GetItems and one transaction)."""
        return 1 / (2 / self.get_per_second + 1 / self.transaction_per_second)


def _message(conversation: int, n: int, channel: Channel = Channel.WHATSAPP) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        channel_message_id=f"wamid.BENCH-{conversation:04d}-{n:04d}-{channel.value}",
        sender=Identity(kind=IdentityKind.WHATSAPP, value=f"5025{conversation:07d}"),
        sender_name="Cliente de prueba",
        sent_at=datetime(2026, 11, 2, 12, tzinfo=UTC) + timedelta(seconds=n),
        text=f"Mensaje {n} de la conversación {conversation}: necesito ayuda con mi pedido.",
    )


def _calls_for(action: object) -> int:
    before = calls.dynamodb_calls()
    action()  # type: ignore[operator]
    return calls.dynamodb_calls() - before


def _rate(count: int, action: object) -> float:
    started = time.perf_counter()
    for n in range(count):
        action(n)  # type: ignore[operator]
    return count / (time.perf_counter() - started)


def _raw_transaction(dynamodb: object, table: str, tag: str) -> object:
    """A TransactWriteItems shaped like an append: three conditional puts."""

    def write(n: int) -> None:
        dynamodb.transact_write_items(  # type: ignore[attr-defined]
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"PK": {"S": f"RAWTX#{tag}#{n}"}, "SK": {"S": f"PART#{part}"}, "v": {"S": "x" * 200}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
                for part in range(3)
            ]
        )

    return write


def run() -> IngestFigures:
    calls.install()
    saved = dict(os.environ)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    aws = EmbeddedAWS(port=0).start()
    try:
        session = session_for(aws.url)
        deploy(session, aws.url)
        forget_settings()
        store = HelpdeskStore(store_settings())
        dynamodb = session.client("dynamodb")
        table = store_settings().table_name
        transaction_empty = _rate(20, _raw_transaction(dynamodb, table, "empty"))

        # (b) calls per message, by path
        new_contact = _calls_for(lambda: ingest(_message(9000, 0), store))
        new_conversation = _calls_for(lambda: ingest(_message(9000, 0, Channel.CHAT), store))
        existing = [_calls_for(lambda n=n: ingest(_message(9000, n), store)) for n in range(1, 6)]
        duplicate = _calls_for(lambda: ingest(_message(9000, 1), store))

        # (a) throughput: first messages then follow-ups on open conversations
        calls.calls.clear()
        started = time.perf_counter()
        for n in range(MESSAGES_PER_CONVERSATION):
            for conversation in range(CONVERSATIONS):
                ingest(_message(conversation, n), store)
        ingest_seconds = time.perf_counter() - started
        by_operation = dict(calls.calls)

        put_rate = _rate(
            PUTS,
            lambda n: dynamodb.put_item(
                TableName=table,
                Item={"PK": {"S": f"BENCH#{n}"}, "SK": {"S": "META"}, "text": {"S": "Mensaje de prueba." * 10}},
            ),
        )
        get_rate = _rate(
            PUTS, lambda n: dynamodb.get_item(TableName=table, Key={"PK": {"S": f"BENCH#{n}"}, "SK": {"S": "META"}})
        )
        transaction_full = _rate(20, _raw_transaction(dynamodb, table, "full"))
        messages = CONVERSATIONS * MESSAGES_PER_CONVERSATION
        return IngestFigures(
            messages=messages,
            ingest_per_second=messages / ingest_seconds,
            put_per_second=put_rate,
            calls_new_contact=new_contact,
            calls_new_conversation=new_conversation,
            calls_existing_conversation=sum(existing) / len(existing),
            calls_duplicate=duplicate,
            calls_by_operation=by_operation,
            get_per_second=get_rate,
            transaction_per_second=transaction_full,
            transaction_per_second_empty=transaction_empty,
        )
    finally:
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)
        forget_settings()
