"""What Lambda does around our handlers, done locally: the context object, and
queue event source mappings (poll a queue, hand batches to the handler, delete
what succeeded, leave failures for redelivery and the dead-letter queue)."""

import importlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Self

from helpdesk.observability import logger
from local.atomic_moto import request_lock
from local.provision import ProvisionedStack, load_template

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LocalContext:
    """The attributes of Lambda's context object our handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:local"
    aws_request_id: str = ""

    def __post_init__(self) -> None:
        self.aws_request_id = self.aws_request_id or str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def load_handler(path: str) -> Handler:
    """``inbound_email.app.handler`` → the function object."""
    module, _, name = path.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler


@dataclass(frozen=True)
class QueueSubscription:
    function: str
    queue_url: str
    handler: str
    batch_size: int


def queue_subscriptions(stack: ProvisionedStack) -> list[QueueSubscription]:
    """The template's SQS event sources, with the queues the stack created."""
    return [
        QueueSubscription(
            function=name,
            queue_url=stack.physical_ids[source["Queue"]["Fn::GetAtt"][0]],
            handler=handler,
            batch_size=int(source.get("BatchSize", 10)),
        )
        for name, handler, source in _event_sources("SQS")
    ]


def _event_sources(kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each function of the template with an event source of ``kind`` (SQS,
    DynamoDB): its logical name, its handler and the event's properties."""
    for name, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == kind:
                yield name, resource["Properties"]["Handler"], event["Properties"]


class _BackgroundWorker:
    """A daemon thread running ``_run`` until ``stop``."""

    name = "worker"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        return self

    def ask_to_stop(self) -> None:
        """Take no new work; what is being handled now finishes."""
        self._stop.set()

    def wait_stopped(self, seconds: float) -> bool:
        """Whether the worker finished its work in hand within ``seconds``."""
        if self._thread is not None:
            self._thread.join(timeout=seconds)
            return not self._thread.is_alive()
        return True

    def stop(self) -> None:
        self.ask_to_stop()
        self.wait_stopped(10)

    def _run(self) -> None:
        raise NotImplementedError


class QueueWorker(_BackgroundWorker):
    """Lambda's SQS event source mapping for one queue and one handler.

    An idle worker asks its queue again after ``poll_seconds``, or at once when
    ``nudge`` says something may have been sent (the local stack nudges every
    worker after each request that changed its embedded AWS): messages are
    handled as soon as they arrive, and an idle stack does not spend a core
    asking empty queues. (Long polling would hold moto's request lock.)"""

    def __init__(self, sqs: Any, subscription: QueueSubscription, poll_seconds: float = 0.3) -> None:
        super().__init__()
        self.name = f"queue-{subscription.function}"
        self.sqs = sqs
        self.subscription = subscription
        self.poll_seconds = poll_seconds
        self._nudged = threading.Event()
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=subscription.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def nudge(self) -> None:
        """Something may have been sent to the queue: ask it now."""
        self._nudged.set()

    def ask_to_stop(self) -> None:
        super().ask_to_stop()
        self._nudged.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._nudged.clear()  # before asking: a nudge during the poll is kept
            try:
                handled = self.poll_once()
            except Exception:  # noqa: BLE001 - a worker must outlive one bad poll, as Lambda does
                logger.exception("queue poll failed", extra={"function": self.subscription.function})
                handled = 0
            if not handled:
                self._nudged.wait(self.poll_seconds)

    def poll_once(self) -> int:
        """Receive one batch and hand it to the handler; returns how many came."""
        received = self.sqs.receive_message(
            QueueUrl=self.subscription.queue_url,
            MaxNumberOfMessages=min(self.subscription.batch_size, 10),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return 0
        event = {"Records": [self._record(message) for message in received]}
        try:
            result = load_handler(self.subscription.handler)(event, LocalContext(self.subscription.function))
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        except Exception:  # noqa: BLE001 - the whole batch fails, as in Lambda
            logger.exception("handler failed", extra={"function": self.subscription.function})
            failed = {message["MessageId"] for message in received}
        done = [m for m in received if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.subscription.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return len(received)

    def drain(self, timeout: float = 30) -> None:
        """Handle everything waiting now (tests and one-shot tools)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.poll_once():
            pass

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.queue_arn.split(":")[3],
        }


@dataclass(frozen=True)
class ScheduleSubscription:
    function: str
    rule_name: str
    handler: str
    every_seconds: float


SHARDS_SECONDS = 30.0  # how often a stream worker asks which shards its stream has
RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def rate_seconds(expression: str) -> float:
    """``rate(1 minute)`` → 60. (Only rates: cron expressions are not used.)"""
    if not (expression.startswith("rate(") and expression.endswith(")")):
        raise ValueError(f"only rate() schedules run locally: {expression}")
    amount, unit = expression[5:-1].split()
    return int(amount) * RATE_UNITS[unit]


def schedule_subscriptions(stack: ProvisionedStack) -> list[ScheduleSubscription]:
    """The template's Schedule events, with the rules the stack created."""
    found = []
    for name, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event_name, event in resource["Properties"].get("Events", {}).items():
            if event["Type"] != "Schedule":
                continue
            found.append(
                ScheduleSubscription(
                    function=name,
                    rule_name=stack.physical_ids.get(f"{name}{event_name}", f"{name}{event_name}"),
                    handler=resource["Properties"]["Handler"],
                    every_seconds=rate_seconds(event["Properties"]["Schedule"]),
                )
            )
    return found


class ScheduleWorker(_BackgroundWorker):
    """EventBridge's scheduled rule for one handler: moto never fires them, so
    this sends the same "Scheduled Event" at the rule's rate (or faster, for
    tests and demos, with ``every_seconds``)."""

    def __init__(self, subscription: ScheduleSubscription, region: str, every_seconds: float | None = None) -> None:
        super().__init__()
        self.name = f"schedule-{subscription.function}"
        self.subscription = subscription
        self.region = region
        self.every_seconds = every_seconds or subscription.every_seconds

    def _run(self) -> None:
        while not self._stop.wait(self.every_seconds):
            try:
                self.fire()
            except Exception:  # noqa: BLE001 - a failed run is logged; the next one catches up
                logger.exception("scheduled run failed", extra={"function": self.subscription.function})

    def fire(self) -> Any:
        from datetime import UTC, datetime

        account = "123456789012"
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": account,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.region,
            "resources": [f"arn:aws:events:{self.region}:{account}:rule/{self.subscription.rule_name}"],
            "detail": {},
        }
        return load_handler(self.subscription.handler)(event, LocalContext(self.subscription.function))


@dataclass(frozen=True)
class StreamSubscription:
    function: str
    table_name: str
    handler: str
    batch_size: int
    filters: tuple[dict[str, Any], ...] = ()  # the event source's FilterCriteria patterns (none: every record)

    def wants(self, record: dict[str, Any]) -> bool:
        """Whether Lambda would hand this record over: it matches one of the
        patterns (records that match none are dropped, never retried)."""
        return not self.filters or any(_matches(pattern, record) for pattern in self.filters)


def _matches(pattern: Any, value: Any) -> bool:
    """An event filter pattern against a record: objects nest, a list offers
    alternatives, each a value or a ``{"prefix": …}`` (what our template uses)."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and _matches(p, value[k]) for k, p in pattern.items())
    return any(
        isinstance(value, str) and value.startswith(choice["prefix"]) if isinstance(choice, dict) else value == choice
        for choice in pattern
    )


def stream_subscriptions(stack: ProvisionedStack) -> list[StreamSubscription]:
    """The template's DynamoDB stream event sources, with the tables the stack created."""
    return [
        StreamSubscription(
            function=name,
            table_name=stack.physical_ids[source["Stream"]["Fn::GetAtt"][0]],
            handler=handler,
            batch_size=int(source.get("BatchSize", 100)),
            filters=tuple(json.loads(f["Pattern"]) for f in source.get("FilterCriteria", {}).get("Filters", [])),
        )
        for name, handler, source in _event_sources("DynamoDB")
    ]


_HANDLED: dict[str, dict[str, int]] = {}  # stream → consumer → the last sequence number it is done with
_HANDLED_LOCK = threading.Lock()


def _consumer_reads(stream_arn: str, consumer: str) -> None:
    """A consumer of the stream starts: nothing is forgotten before it read it."""
    with _HANDLED_LOCK:
        _HANDLED.setdefault(stream_arn, {})[consumer] = -1


def _done_through(stream_arn: str, consumer: str, through: int) -> int:
    """``consumer`` is done with records up to ``through``: up to where every
    consumer of the stream is (what may be forgotten)."""
    with _HANDLED_LOCK:
        marks = _HANDLED.setdefault(stream_arn, {})
        marks[consumer] = through
        return min(marks.values())


def forget_stream_records(stream_arn: str, through: int) -> None:
    """Drop a stream's records up to sequence number ``through`` once every
    consumer has them (DynamoDB keeps 24 hours; moto kept every record for ever,
    in memory, in every saved state and in every transaction's copy). Sequence
    numbers and iterators stay as they were: the shard just starts later."""
    from moto.dynamodb.models import dynamodb_backends

    _, _, _, region, account, resource = stream_arn.split(":", 5)
    table_name = resource.split("/")[1]
    with request_lock():
        table = dynamodb_backends[account][region].tables.get(table_name)
        shard = table.stream_shard if table is not None else None
        if shard is None:
            return
        read = through - shard.starting_sequence_number + 1
        if 0 < read <= len(shard.items):
            del shard.items[:read]
            shard.starting_sequence_number += read


class StreamWorker(_BackgroundWorker):
    """Lambda's DynamoDB stream event source mapping for one table and one
    handler: reads every shard from its start (TRIM_HORIZON) and hands each
    batch of records to the handler, in order, as Lambda would. A batch the
    handler fails is handed over again at the next poll (Lambda retries it too)."""

    def __init__(self, session: Any, subscription: StreamSubscription, poll_seconds: float = 0.3) -> None:
        super().__init__()
        self.name = f"stream-{subscription.function}"
        self.subscription = subscription
        self.poll_seconds = poll_seconds
        self.streams = session.client("dynamodbstreams")
        self.stream_arn = session.client("dynamodb").describe_table(TableName=subscription.table_name)["Table"][
            "LatestStreamArn"
        ]
        self._iterators: dict[str, str | None] = {}  # shard → where to read next (None: the shard ended)
        _consumer_reads(self.stream_arn, subscription.function)
        self._lock = threading.Lock()
        self._nudged = threading.Event()
        self._shards: list[str] = []
        self._shards_asked_at = 0.0

    def nudge(self) -> None:
        self._nudged.set()

    def ask_to_stop(self) -> None:
        super().ask_to_stop()
        self._nudged.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._nudged.clear()
            try:
                handled = self.poll_once()
            except Exception:  # noqa: BLE001 - a worker must outlive one bad poll, as Lambda does
                logger.exception("stream poll failed", extra={"function": self.subscription.function})
                handled = 0
            if not handled:
                self._nudged.wait(self.poll_seconds)

    def poll_once(self) -> int:
        """One batch from each shard to the handler; returns how many records came."""
        with self._lock:
            handled = 0
            for shard_id in self._shard_ids():
                if shard_id not in self._iterators:
                    self._iterators[shard_id] = self.streams.get_shard_iterator(
                        StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                    )["ShardIterator"]
                iterator = self._iterators[shard_id]
                if iterator is None:
                    continue
                answer = self.streams.get_records(ShardIterator=iterator, Limit=self.subscription.batch_size)
                records = answer.get("Records", [])
                wanted = [r for r in records if self.subscription.wants(self._record(r))]
                if wanted and not self._hand_over(wanted):
                    continue  # the same batch again next time
                self._iterators[shard_id] = answer.get("NextShardIterator")
                if records:
                    done = int(records[-1]["dynamodb"]["SequenceNumber"])
                    forget_stream_records(
                        self.stream_arn, _done_through(self.stream_arn, self.subscription.function, done)
                    )
                handled += len(records)
            return handled

    def _shard_ids(self) -> list[str]:
        """The stream's shards, asked again every ``SHARDS_SECONDS`` (or when every
        shard read so far has ended), not at every poll: a table's shards change
        rarely, and each poll of an idle stack would otherwise cost two requests."""
        now = time.monotonic()
        if now - self._shards_asked_at > SHARDS_SECONDS or all(self._iterators.get(s) is None for s in self._shards):
            described = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
            self._shards = [shard["ShardId"] for shard in described]
            self._shards_asked_at = now
        return self._shards

    def drain(self, timeout: float = 30) -> None:
        """Handle everything in the stream now (tests and one-shot tools)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.poll_once():
            pass

    def _hand_over(self, records: list[dict[str, Any]]) -> bool:
        event = {"Records": [self._record(record) for record in records]}
        try:
            result = load_handler(self.subscription.handler)(event, LocalContext(self.subscription.function))
        except Exception:  # noqa: BLE001 - the whole batch fails, as in Lambda
            logger.exception("handler failed", extra={"function": self.subscription.function})
            return False
        return not (result or {}).get("batchItemFailures")

    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        data = dict(record["dynamodb"])
        if "ApproximateCreationDateTime" in data and not isinstance(data["ApproximateCreationDateTime"], int | float):
            data["ApproximateCreationDateTime"] = int(data["ApproximateCreationDateTime"].timestamp())
        return {
            "eventID": record.get("eventID", ""),
            "eventName": record.get("eventName", ""),
            "eventVersion": record.get("eventVersion", "1.1"),
            "eventSource": "aws:dynamodb",
            "awsRegion": record.get("awsRegion", self.stream_arn.split(":")[3]),
            "dynamodb": data,
            "eventSourceARN": self.stream_arn,
        }
