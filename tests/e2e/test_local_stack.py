"""`atiende run` as a user starts it: a real process on 127.0.0.1, spoken to over
HTTP, stopped with Ctrl-C."""

import re

import boto3
import pytest
import requests

from local.provision import load_template
from tests.e2e.conftest import RunningStack, eventually

pytestmark = pytest.mark.e2e


def test_health_answers_with_versions(stack: RunningStack) -> None:
    body = requests.get(stack.base + "/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["versions"]["atiende"]


def test_token_command_opens_the_api_to_the_demo_tickets(stack: RunningStack) -> None:
    assert requests.get(stack.base + "/api/tickets", timeout=5).status_code == 401

    token = stack.cli("token").stdout.strip()
    agent_token = stack.cli("token", "--email", "agente@atiende.localhost").stdout.strip()

    tickets = requests.get(stack.base + "/api/tickets", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert tickets.status_code == 200
    subjects = {t["subject"] for t in tickets.json()["tickets"]}
    assert "No puedo descargar mi factura de octubre" in subjects
    me = requests.get(stack.base + "/api/me", headers={"Authorization": f"Bearer {agent_token}"}, timeout=5).json()
    assert me["role"] == "agent"


def test_seeding_again_adds_nothing(stack: RunningStack) -> None:
    token = stack.cli("token").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    before = requests.get(stack.base + "/api/tickets", headers=headers, params={"limit": 50}, timeout=5).json()

    assert stack.cli("seed").returncode == 0

    after = requests.get(stack.base + "/api/tickets", headers=headers, params={"limit": 50}, timeout=5).json()
    assert sorted(t["id"] for t in after["tickets"]) == sorted(t["id"] for t in before["tickets"])


def _cognito_mail(stack: RunningStack, kind: str, to: str) -> dict[str, object] | None:
    messages = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
    return next((m for m in messages if m.get("kind") == kind and m["to"] == [to]), None)


def test_a_person_invites_a_colleague_and_signs_in_as_them_from_the_outbox(stack: RunningStack) -> None:
    """What Cognito e-mails in AWS, read from /dev/outbox: the invitation and a reset code."""
    pool = load_template()["Resources"]["AgentUserPool"]["Properties"]
    colleague = "colega.nueva@atiende.localhost"
    invited = stack.api(
        "POST", "/api/agents", as_agent="admin@atiende.localhost", json={"email": colleague, "name": "Colega Nueva"}
    )
    assert invited.status_code == 201, invited.text

    invitation = eventually(lambda: _cognito_mail(stack, "invitation", colleague))
    assert invitation["subject"] == pool["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailSubject"]
    body = str(invitation["body"])
    assert body.index("Hola") < body.index("Hello")  # Spanish first
    assert f"Consola: {stack.base}" in body and f"Usuario: {colleague}" in body
    found = re.search(r"Contraseña temporal: (\S+?)</p>", body)
    assert found, body
    idp = boto3.client(
        "cognito-idp",
        endpoint_url=f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}",
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # moto accepts any
    )
    client_id = next(
        c["ClientId"]
        for p in idp.list_user_pools(MaxResults=60)["UserPools"]
        for c in idp.list_user_pool_clients(UserPoolId=p["Id"], MaxResults=60)["UserPoolClients"]
    )
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": colleague, "PASSWORD": found.group(1)},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": colleague, "NEW_PASSWORD": "Primera-Clave-2027"},
    )

    idp.forgot_password(ClientId=client_id, Username=colleague)
    code_mail = eventually(lambda: _cognito_mail(stack, "password_reset_code", colleague))
    assert code_mail["subject"] == pool["VerificationMessageTemplate"]["EmailSubject"]
    code = re.search(r"Su código para Atiende es (\d{6})\.", str(code_mail["body"]))
    assert code, code_mail["body"]
    idp.confirm_forgot_password(
        ClientId=client_id, Username=colleague, ConfirmationCode=code.group(1), Password="Segunda-Clave-2027"
    )
    signed_in = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": colleague, "PASSWORD": "Segunda-Clave-2027"},
    )
    token = signed_in["AuthenticationResult"]["IdToken"]
    me = requests.get(stack.base + "/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=5).json()
    assert (me["email"], me["role"], me["mfa_required"]) == (colleague, "agent", False)


def test_console_config_answers_what_the_sign_in_page_explains(stack: RunningStack) -> None:
    config = requests.get(stack.base + "/api/console-config", timeout=5).json()
    declared = load_template()["Resources"]["AgentUserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    assert config["password_policy"]["minimum_length"] == declared["MinimumLength"]
    assert 5 <= config["idle_sign_out_minutes"] <= 1440
