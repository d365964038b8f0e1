"""Fault injection for whole flows: a fixture, not a mock of our code.

Every AWS call any client makes (boto3's, and PynamoDB's own botocore
sessions) passes botocore's ``before-call`` and ``after-call`` events; the
``FaultInjector`` hooks them on every session created after ``install`` (the way
moto hooks ``before-send``). It counts the calls of a flow, and can fail call
number *i* as AWS or the network would after botocore's own retries gave up:

- ``throttled``: ProvisionedThroughputExceeded / Throttling / SlowDown;
- ``server_error``: a 5xx (InternalServerError, InternalFailure…);
- ``timeout``: the connection timed out, the request never arrived;
- ``answer_lost``: the call *was applied*, then the read timed out;
- ``transaction_canceled``: TransactionCanceledException with a conflict
  (DynamoDB TransactWriteItems only);
- ``killed``: the Lambda sandbox dies just before the call (timeout, out of
  memory): ``WorkerKilled`` is a BaseException no ``except Exception`` catches.

The fake Graph API asks ``http_fault`` for its own calls, counted in the same
sequence. ``canonical_dump`` gives a table's items with the volatile values
(ULIDs, timestamps, provider ids) normalized, for comparing two runs.
"""

import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import botocore.handlers
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

from tests.integration.conftest import MEDIA_BYTES

KINDS = ("throttled", "server_error", "timeout", "answer_lost", "transaction_canceled", "killed")


class WorkerKilled(BaseException):
    """The function's sandbox died mid-invocation."""


@dataclass(frozen=True)
class Call:
    service: str
    operation: str


@dataclass
class Plan:
    at: int  # the index of the call that fails
    kind: str
    calls: int = 1  # how many calls in a row fail (an outage lasts longer than one call)
    fired: list[Call] = field(default_factory=list)


_ERRORS = {
    ("throttled", "dynamodb"): (400, "ProvisionedThroughputExceededException"),
    ("throttled", "s3"): (503, "SlowDown"),
    ("throttled", "*"): (400, "ThrottlingException"),
    ("server_error", "dynamodb"): (500, "InternalServerError"),
    ("server_error", "s3"): (500, "InternalError"),
    ("server_error", "sqs"): (500, "InternalError"),
    ("server_error", "*"): (503, "ServiceUnavailable"),
}


def applicable_kinds(call: Call) -> tuple[str, ...]:
    kinds = ("throttled", "server_error", "timeout", "answer_lost", "killed")
    if call.service == "graph":
        return ("throttled", "server_error", "timeout", "answer_lost")
    if call.operation == "TransactWriteItems":
        return (*kinds, "transaction_canceled")
    return kinds


READS = ("Get", "GET ", "BatchGet", "Query", "Scan", "Describe", "List", "Receive", "Head")


def kinds_to_try(index: int, call: Call) -> tuple[str, ...]:
    """The faults call number ``index`` gets: one kind per call, the kinds in
    turn (all kinds at every call would be five times the runs for little
    more), and ``answer_lost`` at every write besides: a write applied whose
    answer never came is what a retry must not apply twice."""
    kinds = applicable_kinds(call)
    turn = kinds[index % len(kinds)]
    writes = not call.operation.startswith(READS)
    return (turn, "answer_lost") if writes and turn != "answer_lost" and "answer_lost" in kinds else (turn,)


class FaultInjector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.plan: Plan | None = None
        self.counting = False
        self._lock = threading.Lock()
        self._local = threading.local()

    def install(self) -> None:
        """Hook every botocore session created from now on (clients built
        earlier must be built again: ``connections.forget``, a new store)."""
        for spec in (("before-call", self._before_call), ("after-call", self._after_call)):
            if spec not in botocore.handlers.BUILTIN_HANDLERS:
                botocore.handlers.BUILTIN_HANDLERS.append(spec)

    def uninstall(self) -> None:
        for spec in (("before-call", self._before_call), ("after-call", self._after_call)):
            while spec in botocore.handlers.BUILTIN_HANDLERS:
                botocore.handlers.BUILTIN_HANDLERS.remove(spec)

    def start(self, plan: Plan | None = None) -> None:
        self.calls, self.plan, self.counting = [], plan, True

    def stop(self) -> None:
        self.counting = False

    def _next(self, call: Call) -> str | None:
        """Count the call; the fault planned for it, if any."""
        with self._lock:
            if not self.counting:
                return None
            index = len(self.calls)
            self.calls.append(call)
            plan = self.plan
            if plan is None or not plan.at <= index < plan.at + plan.calls:
                return None
            plan.fired.append(call)
            return plan.kind

    def _before_call(self, event_name: str, model: Any, params: dict[str, Any], **_: Any) -> None:
        call = Call(model.service_model.endpoint_prefix, model.name)
        kind = self._next(call)
        if kind is None:
            return
        if kind == "answer_lost":
            self._local.lose_answer = True  # the call goes through; _after_call loses its answer
            return
        if kind == "killed":
            raise WorkerKilled(f"{call.service}.{call.operation}")
        if kind == "timeout":
            raise ConnectTimeoutError(endpoint_url=f"https://{call.service}.us-east-1.amazonaws.com/")
        if kind == "transaction_canceled":
            if call.operation != "TransactWriteItems":
                raise ValueError("only transactions are canceled")
            reasons = [{"Code": "None"} for _ in params.get("TransactItems", [])]
            reasons[0] = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
            canceled: Any = {
                "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                "CancellationReasons": reasons,
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
            raise ClientError(canceled, call.operation)
        status, code = _ERRORS.get((kind, call.service)) or _ERRORS[(kind, "*")]
        error: Any = {
            "Error": {"Code": code, "Message": f"injected {kind}"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }
        raise ClientError(error, call.operation)

    def _after_call(self, event_name: str, model: Any, **_: Any) -> None:
        if getattr(self._local, "lose_answer", False):
            self._local.lose_answer = False
            raise ReadTimeoutError(endpoint_url=f"https://{model.service_model.endpoint_prefix}.amazonaws.com/")

    def http_fault(self, method: str, path: str) -> str | None:
        """For the fake Graph API: the fault of this HTTP call, if any."""
        return self._next(Call("graph", f"{method} {path.rsplit('/', maxsplit=1)[-1]}"))

    def summary(self) -> Counter[str]:
        return Counter(f"{c.service}.{c.operation}" for c in self.calls)


# What differs between two runs of the same flow without meaning anything: ids
# made at the moment (ULIDs, provider message ids), times, and times as numbers.
_VOLATILE = (
    (re.compile(r"[0-9A-HJKMNP-TV-Z]{26}"), "<ulid>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(r"\d{8}T\d{6}"), "<time>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}\b(?!:)"), "<hour>"),  # an hour bucket's key
    (re.compile(r'"N": "\d{10}(\d{3})?(\.\d+)?"'), '"N": "<epoch>"'),
    (re.compile(r"wamid\.OUT\d+"), "wamid.OUT"),
    (re.compile(r"<[^<>@\s]+@(?:[\w-]+\.)*[\w-]+>"), "<message-id>"),
    # a customer link's token: when it was made, signed with the table's own random key
    (re.compile(r"st\.<ulid>\.[\w.-]+"), "st.<signed>"),
    # a survey's one-click answer link: the same, for each score
    (re.compile(r"sv\.<ulid>\.[\w-]+\.[\w-]+\.([a-z]\d+)\.[\w-]+"), r"sv.<signed>.\1"),
    # that random key itself (made by the first link a run signs)
    (re.compile(r'"secret": \{"S": "[0-9a-f]{64}"\}'), '"secret": {"S": "<random key>"}'),
)


# Ticket numbers follow the order tickets were opened in: the same in two runs
# of one flow, not between deliveries in different orders.
_NUMBERS = (
    (re.compile(r'"(number|ticket_number|value)": \{"N": "\d+"\}'), r'"\1": {"N": "<n>"}'),
    (re.compile(r"TICKETNUM#\d+"), "TICKETNUM#<n>"),
    (re.compile(r"\[#\d+\]"), "[#<n>]"),
    (re.compile(r"ticket #\d+"), "ticket #<n>"),
)


def canonical(item: dict[str, Any], numbered: bool = True) -> str:
    text = json.dumps(item, sort_keys=True, ensure_ascii=False)
    for pattern, replacement in _VOLATILE if numbered else _VOLATILE + _NUMBERS:
        text = pattern.sub(replacement, text)
    return text


def canonical_dump(dynamodb: Any, table: str, numbered: bool = True) -> list[str]:
    """Every item of the table, normalized and sorted (a multiset: two equal
    items are both kept, so a doubled message shows). ``numbered=False`` also
    hides ticket numbers, for runs whose deliveries came in another order."""
    items: list[str] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        items.extend(canonical(item, numbered) for item in page["Items"])
    return sorted(items)


def difference(expected: list[str], found: list[str]) -> str:
    """What one dump has that the other lacks, shortly: each item's key and the
    attributes that differ from the item with the same key on the other side."""
    missing = [json.loads(i) for i in (Counter(expected) - Counter(found)).elements()]
    extra = [json.loads(i) for i in (Counter(found) - Counter(expected)).elements()]

    def key(item: dict[str, Any]) -> str:
        return f"{item['PK']['S']} {item['SK']['S']}"

    lines = []
    for wanted in missing:
        twin = next((e for e in extra if key(e) == key(wanted)), None)
        if twin is None:
            lines.append(f"missing {key(wanted)}")
            continue
        extra.remove(twin)
        changed = {k: (wanted.get(k), twin.get(k)) for k in wanted.keys() | twin.keys() if wanted.get(k) != twin.get(k)}
        lines.append(f"changed {key(wanted)}: {changed}")
    lines += [f"extra {key(e)}" for e in extra]
    return "; ".join(lines)


# Meta's Graph API for fault flows: the answers a call gets when it is faulted.
GRAPH_TIMEOUT = 0.3


class FaultyGraph(BaseHTTPRequestHandler):
    """Meta's Graph API (as in conftest's FakeGraph), asking the ``FaultInjector``
    whether this call fails: 429, 5xx, a timeout before Meta acts, or an answer
    lost after Meta sent the message."""

    injector: ClassVar[FaultInjector]
    sent: ClassVar[list[dict[str, Any]]] = []
    lock = threading.Lock()

    def _fault(self) -> str | None:
        return FaultyGraph.injector.http_fault(self.command, self.path)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        fault = self._fault()
        if fault in ("throttled", "server_error"):
            self._send(429 if fault == "throttled" else 503, {"error": {"message": "try later", "code": 2}})
            return
        if fault == "timeout":
            time.sleep(GRAPH_TIMEOUT * 3)
            return
        with FaultyGraph.lock:
            FaultyGraph.sent.append(body)
            wamid = f"wamid.OUT{len(FaultyGraph.sent):04d}"
        if fault == "answer_lost":
            time.sleep(GRAPH_TIMEOUT * 3)
        self._send(200, {"messaging_product": "whatsapp", "messages": [{"id": wamid}]})

    def do_GET(self) -> None:
        fault = self._fault()
        if fault in ("throttled", "server_error"):
            self._send(429 if fault == "throttled" else 500, {"error": {"message": "try later", "code": 2}})
            return
        if fault in ("timeout", "answer_lost"):
            time.sleep(GRAPH_TIMEOUT * 3)
            return
        if self.path.startswith("/download/"):
            self._send(200, MEDIA_BYTES, "image/jpeg")
            return
        media_id = self.path.rsplit("/", 1)[-1]
        host = f"http://127.0.0.1:{self.server.server_address[1]}"  # type: ignore[index]
        self._send(
            200,
            {"url": f"{host}/download/{media_id}", "mime_type": "image/jpeg", "file_size": str(len(MEDIA_BYTES))},
        )

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass
