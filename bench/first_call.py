"""(c) cold start, second half: each function's import plus its first invocation
with a sample event, in a fresh interpreter, against a fresh interpreter that
imports boto3 and makes one DynamoDB GetItem (the least any of them does).

The sample events are the first each function received while a local stack in
this process ran the help desk's operations (``bench.cost_operations``: a
WhatsApp message and an e-mail in, replies, a status, a solve, the schedules);
the agent API's is a ticket page's ``GET /api/tickets/{id}`` and the WebSocket
function's a ``$disconnect`` (the local stack's socket server is not started). The probes
run against that stack's embedded AWS, with the functions' environment."""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from local.provision import ROOT

RUNS = 3
CONTEXT = """
class Context:
    function_name = {function!r}
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    def get_remaining_time_in_millis(self):
        return 60000
"""
PROBE = """import json, sys, time
{context}
event = json.loads(open(sys.argv[1], encoding="utf-8").read())
started = time.perf_counter()
import importlib
handler = getattr(importlib.import_module({module!r}), {name!r})
handler(event, Context())
print(time.perf_counter() - started)
"""
BASELINE = """import json, sys, time
started = time.perf_counter()
import boto3
boto3.client("dynamodb").get_item(TableName={table!r}, Key={{"PK": {{"S": "none"}}, "SK": {{"S": "none"}}}})
print(time.perf_counter() - started)
"""


def _seconds(code: str, environment: dict[str, str], *arguments: str) -> float:
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code, *arguments],
        check=False,
        env=environment,
        capture_output=True,
        cwd="/",
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "probe failed")
    return float(done.stdout.strip().splitlines()[-1])


def sample_events() -> tuple[Any, dict[str, dict[str, Any]]]:
    """A running local stack (stop it when done) and a first event for each function."""
    from bench import cost_operations
    from bench.cpu_bench import agent_api_event, delivery
    from local import lambda_runtime
    from local.stack import whatsapp_secrets

    stack = cost_operations.LocalStackMeter()
    events: dict[str, dict[str, Any]] = {}
    counted = lambda_runtime.load_handler

    def capturing(path: str) -> Any:
        handler = counted(path)

        def invoke(event: Any, context: Any) -> Any:
            events.setdefault(context.function_name, json.loads(json.dumps(event, default=str)))
            return handler(event, context)

        return invoke

    lambda_runtime.load_handler = capturing
    try:
        cost_operations._measure(stack)
    finally:
        lambda_runtime.load_handler = counted
    tickets = stack.http("GET", "/api/tickets", "AgentApiFunction", params={"limit": "1"}).json()["tickets"]
    events["AgentApiFunction"] = agent_api_event("GET", f"/api/tickets/{tickets[0]['id']}", stack.token)
    events.setdefault("LiveSocketFunction", _socket_closed())
    secret = whatsapp_secrets()["WhatsAppAppSecret"].encode()
    events.setdefault("WhatsAppWebhookFunction", delivery(secret, 0))  # API Gateway's part calls it directly
    return stack, events


def _socket_closed() -> dict[str, Any]:
    context = {"routeKey": "$disconnect", "eventType": "DISCONNECT", "connectionId": "bench-gone", "stage": "local",
               "domainName": "127.0.0.1", "apiId": "local", "requestTimeEpoch": 1_797_000_000_000,
               "identity": {"sourceIp": "127.0.0.1"}}  # fmt: skip
    return {"requestContext": context, "isBase64Encoded": False}


def run(handlers: dict[str, str]) -> tuple[float, dict[str, float | None]]:
    """boto3 plus one GetItem, and each function's import plus first call (None: no sample event)."""
    stack, events = sample_events()
    try:
        environment = dict(stack.deployment.environment)
        environment |= {"PYTHONPATH": str(ROOT / "functions"), "PATH": "/usr/bin:/bin"}
        environment |= {"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"}
        probes: dict[str | None, tuple[str, list[str]]] = {None: (BASELINE.format(table=environment["TABLE_NAME"]), [])}
        found: dict[str, float | None] = dict.fromkeys(handlers)
        with tempfile.TemporaryDirectory() as folder:
            for function, handler in handlers.items():
                if function not in events:
                    continue
                path = Path(folder) / f"{function}.json"
                path.write_text(json.dumps(events[function]), encoding="utf-8")
                module, _, name = handler.rpartition(".")
                code = PROBE.format(context=CONTEXT.format(function=function), module=module, name=name)
                probes[function] = (code, [str(path)])
            # Rounds, the baseline in each: a shared machine's load weighs on both alike.
            runs: dict[str | None, list[float]] = {probe: [] for probe in probes}
            for _ in range(RUNS):
                for probe, (code, arguments) in probes.items():
                    runs[probe].append(_seconds(code, environment, *arguments))
        baseline = statistics.median(runs.pop(None))
        found |= {function: statistics.median(seconds) for function, seconds in runs.items() if function}
        return baseline, found
    finally:
        stack.stop()
        stack.aws.stop()
