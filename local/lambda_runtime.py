"""What Lambda does around our handlers, done locally: the context object, and
queue event source mappings (poll a queue, hand batches to the handler, delete
what succeeded, leave failures for redelivery and the dead-letter queue)."""

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from helpdesk.observability import logger
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
    found = []
    for name, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            queue_logical = event["Properties"]["Queue"]["Fn::GetAtt"][0]
            found.append(
                QueueSubscription(
                    function=name,
                    queue_url=stack.physical_ids[queue_logical],
                    handler=resource["Properties"]["Handler"],
                    batch_size=int(event["Properties"].get("BatchSize", 10)),
                )
            )
    return found


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

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        raise NotImplementedError


class QueueWorker(_BackgroundWorker):
    """Lambda's SQS event source mapping for one queue and one handler."""

    def __init__(self, sqs: Any, subscription: QueueSubscription, poll_seconds: float = 0.3) -> None:
        super().__init__()
        self.name = f"queue-{subscription.function}"
        self.sqs = sqs
        self.subscription = subscription
        self.poll_seconds = poll_seconds
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=subscription.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                handled = self.poll_once()
            except Exception:  # noqa: BLE001 - a worker must outlive one bad poll, as Lambda does
                logger.exception("queue poll failed", extra={"function": self.subscription.function})
                handled = 0
            if not handled:
                self._stop.wait(self.poll_seconds)

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
