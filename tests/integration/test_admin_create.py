"""`atiende admin create`: an operator creates a help desk's first administrator
from the terminal. The stack is found by its CloudFormation outputs (the local
stack's by default, a named one with ``--stack``); the new administrator gets
Cognito's invitation (the template's text, in the local outbox), signs in with
it and administers the help desk."""

import os
import re
import subprocess
import sys
from typing import Any
from urllib.parse import urlparse

import pytest

from local.cli import main
from local.provision import ROOT
from local.stack import STACK_NAME
from tests.conftest import REGION
from tests.integration.conftest import ADMIN_LOGIN, Api

NEW_ADMIN = "jefa.soporte@atiende.localhost"
NEW_SUPERVISOR = "supervisor.noche@atiende.localhost"


@pytest.fixture
def local_stack_port(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the CLI finds the local stack's embedded AWS (as `atiende run` sets it)."""
    monkeypatch.setenv("ATIENDE_AWS_PORT", str(urlparse(os.environ["AWS_ENDPOINT_URL"]).port))


def _invitation(api: Api, to: str) -> list[dict[str, Any]]:
    messages = api.get("/dev/outbox").json()["messages"]
    return [m for m in messages if m.get("kind") == "invitation" and m["to"] == [to]]


def _agents(api: Api) -> dict[str, dict[str, Any]]:
    answer = api.get("/api/agents", api.token(ADMIN_LOGIN))
    assert answer.status_code == 200, answer.text
    return {a["email"]: a for a in answer.json()["agents"]}


def test_help_needs_no_stack() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ATIENDE_"))}
    shown = subprocess.run(
        [sys.executable, "-m", "local.cli", "admin", "create", "--help"],
        cwd=ROOT,
        env={**environment, "ATIENDE_AWS_PORT": "9"},  # nothing listens there
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert "--email" in shown.stdout and "--stack" in shown.stdout


def test_the_first_administrator_is_invited_signs_in_and_administers(
    api: Api, local_stack_port: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # When the operator creates an administrator in the local stack
    assert main(["admin", "create", "--email", NEW_ADMIN, "--name", "Jefa de Soporte"]) == 0
    assert NEW_ADMIN in capsys.readouterr().out

    # Then Cognito's invitation with a temporary password is in the outbox
    (invitation,) = _invitation(api, NEW_ADMIN)
    temporary = re.search(r"Contraseña temporal: (\S+?)</p>", invitation["body"])
    assert temporary, invitation["body"]
    # and the help desk knows them as an administrator
    assert _agents(api)[NEW_ADMIN]["role"] == "admin"

    # When they sign in with it and choose their password
    idp = api.session.client("cognito-idp")
    challenge = idp.initiate_auth(
        ClientId=api.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": NEW_ADMIN, "PASSWORD": temporary.group(1)},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    signed_in = idp.respond_to_auth_challenge(
        ClientId=api.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": NEW_ADMIN, "NEW_PASSWORD": "Jefa-Soporte-2027"},
    )
    token = signed_in["AuthenticationResult"]["IdToken"]

    # Then they are an administrator: they may invite the rest of the team
    assert api.get("/api/me", token).json()["role"] == "admin"
    invited = api.send("POST", "/api/agents", token, {"email": "nuevo.agente@atiende.localhost", "name": "Nuevo"})
    assert invited.status_code == 201, invited.text


def test_a_named_stack_is_found_by_its_outputs(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    # When the operator names the stack and its region (as for a deployed one)
    who = ["--email", NEW_SUPERVISOR, "--name", "Supervisor Noche", "--role", "supervisor"]
    created = main(["admin", "create", *who, "--stack", STACK_NAME, "--region", REGION])

    # Then the agent is in that stack's pool and table, in the role asked for
    assert created == 0, capsys.readouterr().err
    assert _agents(api)[NEW_SUPERVISOR]["role"] == "supervisor"
    groups = api.session.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=api.pool_id, Username=NEW_SUPERVISOR
    )
    assert [g["GroupName"] for g in groups["Groups"]] == ["supervisor"]
    assert len(_invitation(api, NEW_SUPERVISOR)) == 1


def test_an_unknown_stack_or_a_second_invitation_is_refused(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "create", "--email", "x@atiende.localhost", "--name", "X", "--stack", "no-such-stack"]) == 1
    assert "no-such-stack" in capsys.readouterr().err
    assert main(["admin", "create", "--email", ADMIN_LOGIN, "--name", "Otra", "--stack", STACK_NAME]) == 1
    assert ADMIN_LOGIN in capsys.readouterr().err
