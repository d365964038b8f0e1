"""The shared observability: business metrics flushed by the handler's
``log_metrics``, tracing only where Powertools would trace, and the functions'
cold imports free of boto3 and the X-Ray SDK."""

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from helpdesk.observability import BusinessMetric, count, metrics, traced, tracer, tracing_on
from local.lambda_runtime import LocalContext

ROOT = Path(__file__).resolve().parents[2]
HANDLER_MODULES = (
    "inbound_email.app",
    "outbound.app",
    "whatsapp_webhook.app",
    "whatsapp_webhook.worker",
    "sla_checker.app",
    "escalation.app",
    "ticket_assigner.app",
    "survey_sender.app",
)


def _emf_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"_aws"' in line]


def test_counted_events_are_flushed_once_by_the_handler(capsys: pytest.CaptureFixture[str]) -> None:
    @metrics().log_metrics
    def handler(event: dict[str, Any], context: Any) -> str:
        count(BusinessMetric.MESSAGES_IN, "email")
        count(BusinessMetric.MESSAGES_IN, "email")
        count(BusinessMetric.SLA_BREACHES, value=3)
        count(BusinessMetric.SLA_WARNINGS, value=0)  # billed by the hour it has data: a zero is not sent
        return "done"

    assert handler({}, LocalContext("InboundEmailFunction")) == "done"

    (emf,) = _emf_lines(capsys.readouterr().out)
    assert emf["MessagesIn.email"] == [1.0, 1.0] and emf["SlaBreaches"] in (3.0, [3.0])
    assert "SlaWarnings" not in emf
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Atiende"


def test_an_invocation_that_counted_nothing_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    @metrics().log_metrics
    def handler(event: dict[str, Any], context: Any) -> None:
        return None

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        handler({}, LocalContext("EscalationFunction"))
    assert _emf_lines(capsys.readouterr().out) == []


def test_disabled_metrics_are_dropped_not_kept(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")

    @metrics().log_metrics
    def handler(event: dict[str, Any], context: Any) -> None:
        count(BusinessMetric.MESSAGES_IN, "whatsapp")

    for _ in range(120):  # Powertools alone would print at the hundredth value
        handler({}, LocalContext("WhatsAppWorkerFunction"))
    assert _emf_lines(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("environment", "on"),
    [
        ({}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
    ],
)
def test_tracing_follows_powertools_rule(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], on: bool
) -> None:
    for name in ("LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED", "AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert tracing_on() is on


def test_a_traced_handler_outside_lambda_never_builds_the_tracer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAMBDA_TASK_ROOT", raising=False)
    tracer.cache_clear()

    @traced
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"seen": event["n"]}

    assert handler({"n": 1}, LocalContext("SlaCheckerFunction")) == {"seen": 1}
    assert tracer.cache_info().currsize == 0


def test_in_lambda_the_tracer_is_built_at_the_first_invocation_not_at_import() -> None:
    """In a fresh interpreter (the X-Ray SDK patches botocore for the whole process)."""
    probe = (
        "import sys, time\n"
        "from helpdesk.observability import traced, tracer\n"
        "@traced\n"
        "def handler(event, context):\n"
        "    return event\n"
        "assert 'aws_xray_sdk' not in sys.modules and tracer.cache_info().currsize == 0\n"
        "started = time.perf_counter()\n"
        "assert handler({'n': 1}, None) == {'n': 1}\n"
        "print(round((time.perf_counter() - started) * 1000))\n"
        "assert 'aws_xray_sdk' in sys.modules and tracer.cache_info().currsize == 1\n"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}",
        "LAMBDA_TASK_ROOT": "/var/task",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        "AWS_REGION": "us-east-1",
    }
    done = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("module", HANDLER_MODULES)
def test_a_function_cold_import_leaves_boto3_and_xray_for_later(module: str) -> None:
    probe = f"import sys, {module}; print(sorted(m for m in ('boto3', 'aws_xray_sdk') if m in sys.modules))"
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT / 'functions'}:{ROOT}", "AWS_REGION": "us-east-1"}
    done = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
