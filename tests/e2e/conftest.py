"""The local stack as a user starts it (`atiende run`): a real process on
127.0.0.1, spoken to over HTTP and SMTP."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
import requests
from playwright.sync_api import expect

from local.seed import DEMO_PASSWORD
from local.stack import REGION, aws_environment, user_pool_of

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
T = TypeVar("T")
CLI = [sys.executable, "-m", "local.cli"]
# The instant a test stack starts at (ATIENDE_NOW), whatever the hour the suite
# runs at: Monday 7 December 2026, 09:00 in Guatemala (the demo calendar's
# time zone), inside business hours. The contract test adds other instants.
TEST_INSTANT = "2026-12-07T15:00:00Z"
# A browser check waits up to 15 s for what it expects (Playwright's default is 5 s): the
# stacks, browsers and workers of a full run share two cores, and a page that is right
# is never slowed by the longer wait, only a wrong one.
expect.set_options(timeout=15_000)


# Browser contexts the test that opened them is done with: closed after each test, so
# a module's earlier pages do not stay open (each keeps a live socket, reloads its view on
# every pushed change and counts toward its agent's connection limit).
OPEN_CONTEXTS: list[Any] = []


@pytest.fixture(autouse=True)
def _close_pages() -> Iterator[None]:
    yield
    while OPEN_CONTEXTS:
        context = OPEN_CONTEXTS.pop()
        with contextlib.suppress(Exception):  # already closed by the test, or its browser gone
            context.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[str]
    base: str
    smtp_port: int
    env: dict[str, str]
    # The stack's clock minus this process's, read from its first answer's Date header.
    clock_offset: timedelta = timedelta(0)
    log: Path | None = None  # what the stack printed

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log else ""

    def now(self) -> datetime:
        """What time it is in the stack (a browser page's clock is set to it)."""
        return datetime.now(UTC) + self.clock_offset

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CLI, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)

    _tokens: dict[str, str] = field(default_factory=dict)
    _cognito: Any = None  # a client of the stack's Cognito, and its console client's id
    _client_id: str = ""

    def token(self, email: str = "agente@atiende.localhost") -> str:
        """A demo agent's ID token, asked of the stack's Cognito from this process as
        `atiende token` asks it (tests/e2e/test_local_stack.py runs the command itself),
        without a Python process started and importing the stack's code for each one."""
        if email not in self._tokens:
            if self._cognito is None:
                self._cognito, self._client_id = _console_cognito(self.env["ATIENDE_AWS_PORT"])
            answer = self._cognito.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": DEMO_PASSWORD},
            )
            self._tokens[email] = answer["AuthenticationResult"]["IdToken"]
        return self._tokens[email]

    def api(
        self, method: str, path: str, as_agent: str = "agente@atiende.localhost", **kwargs: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(as_agent)}"}
        return requests.request(method, self.base + path, headers=headers, timeout=10, **kwargs)

    def change_ticket(
        self, ticket_id: str, as_agent: str = "agente@atiende.localhost", **changes: Any
    ) -> requests.Response:
        """PATCH a ticket on its current version: the stack's own workers (the
        acknowledgment, the SLA checker) may change it between a read and a write."""
        version = self.api("GET", f"/api/tickets/{ticket_id}", as_agent=as_agent).json()["ticket"]["version"]
        for _ in range(5):
            answer = self.api(
                "PATCH", f"/api/tickets/{ticket_id}", as_agent=as_agent, json={"version": version, **changes}
            )
            if answer.status_code != 409:
                return answer
            version = answer.json()["current"]["version"]
        return answer

    def move_clock_to(self, instant: datetime) -> None:
        """Jump the stack's clock forward to ``instant`` (``POST /dev/clock``); the
        tokens asked before expire in the jump, so new ones are asked for."""
        ahead = (instant - self.now()).total_seconds()
        if ahead > 1:
            moved = requests.post(self.base + "/dev/clock", json={"forward_seconds": ahead}, timeout=10)
            moved.raise_for_status()
            self.clock_offset = datetime.fromisoformat(moved.json()["now"]) - datetime.now(UTC)
            self._tokens.clear()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.env["ATIENDE_STATE_DIR"], ignore_errors=True)

    def stop_as_user(self) -> None:
        """Ctrl-C's signal (SIGTERM), as a user or a service manager stops it."""
        self.process.terminate()
        self.process.wait(timeout=60)


def _console_cognito(aws_port: str) -> tuple[Any, str]:
    """A client of the stack's Cognito (moto) and the console's app client id in its agents' pool."""
    endpoint = f"http://127.0.0.1:{aws_port}"
    credentials = aws_environment(endpoint)
    idp = boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )
    _, client_id = user_pool_of(idp)
    return idp, client_id


def eventually(probe: Callable[[], T | None], seconds: float = 30) -> T:
    """What ``probe`` returns once it returns something, polling for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail(f"not seen within {seconds} s")


def start_stack(
    at: str = TEST_INSTANT, again: RunningStack | None = None, env: dict[str, str] | None = None
) -> RunningStack:
    """`atiende run` on free ports, its clock started at ``at``, once /health answers.
    Each stack keeps its state in a folder of its own (parallel workers never share
    one); ``again`` starts a stopped stack anew, on its ports and its state, with
    ``env`` added to its environment."""
    if again is not None:
        return _started({**again.env, **(env or {})})
    port, aws_port, smtp_port = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "ATIENDE_STATE_DIR": tempfile.mkdtemp(prefix="atiende-state-"),
        "ATIENDE_PORT": str(port),
        "ATIENDE_AWS_PORT": str(aws_port),
        "ATIENDE_SMTP_PORT": str(smtp_port),
        "ATIENDE_LIVE_PORT": str(_free_port()),  # the live-updates WebSocket
        "PYTHONUNBUFFERED": "1",
        "ATIENDE_NOW": at,
        # Schedules every 2 s instead of every minute, and escalation waits of
        # seconds, so an SLA breach escalates while the test watches.
        "ATIENDE_SCHEDULE_SECONDS": "2",
        "ATIENDE_ESCALATION_ASSIGNEE_WAIT_SECONDS": "8",
        "ATIENDE_ESCALATION_ACKNOWLEDGMENT_SECONDS": "120",
        # A test asks faster than a whole team of agents (the contract test sends
        # hundreds of requests): the limits are tested with small buckets on their own.
        "ATIENDE_API_THROTTLE": "10000/10000",
        "ATIENDE_WEBHOOK_THROTTLE": "10000/10000",
    }
    return _started(env)


def _started(env: dict[str, str]) -> RunningStack:
    port, smtp_port = int(env["ATIENDE_PORT"]), int(env["ATIENDE_SMTP_PORT"])
    # What the stack prints goes to a file under tests/e2e/artifacts/ (read it when a
    # test fails): a pipe nobody reads would fill and block the stack's threads.
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"stack-{port}.log"
    with log.open("a") as output:
        process = subprocess.Popen([*CLI, "run"], env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"atiende run exited: {log.read_text()[-4000:]}")
        try:
            health = requests.get(base + "/health", timeout=2)
            if health.status_code == 200:
                offset = parsedate_to_datetime(health.headers["Date"]) - datetime.now(UTC)
                return RunningStack(process, base, smtp_port, env, clock_offset=offset, log=log)
        except requests.ConnectionError:
            time.sleep(0.5)
    process.kill()
    pytest.fail("atiende run did not answer /health within 120 s")


@pytest.fixture(scope="session")
def stack() -> Iterator[RunningStack]:
    running = start_stack()
    yield running
    running.stop()
