"""An invited agent really signs in on the local stack: Cognito's invitation
(the template's text, Spanish first, with the temporary password and the
console's address) and the forgotten-password code appear in ``/dev/outbox``,
and what they carry is what Cognito accepts."""

import re
from typing import Any

import pytest

from local.provision import load_template
from local.seed import DEMO_PASSWORD
from local.stack import pool_parameters, resolve
from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, Api

INVITED = "rocio.mendez@atiende.localhost"
NEW_PASSWORD = "Rocio-Atiende-2027"
RESET_PASSWORD = "Otra-Clave-Segura-99"


def _pool_properties() -> dict[str, Any]:
    properties: dict[str, Any] = resolve(load_template()["Resources"]["AgentUserPool"]["Properties"], pool_parameters())
    return properties


def _cognito_mail(api: Api, kind: str, to: str) -> list[dict[str, Any]]:
    messages = api.get("/dev/outbox").json()["messages"]
    return [m for m in messages if m.get("kind") == kind and m["to"] == [to]]


def _filled(template: str) -> re.Pattern[str]:
    """The template's text with its placeholders as groups (the same value wherever one repeats)."""
    pattern = re.escape(template)
    for placeholder, group in (("{username}", "username"), ("{####}", "code")):
        first, *rest = pattern.split(re.escape(placeholder))
        if rest:
            pattern = first + f"(?P<{group}>[^<\\s]+)" + f"(?P={group})".join(rest)
    return re.compile(pattern)


def test_an_invited_agent_reads_the_invitation_in_the_outbox_and_signs_in(api: Api) -> None:
    pool = _pool_properties()
    invitation_template = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]
    admin = api.token(ADMIN_LOGIN)
    invite = {"email": INVITED, "name": "Rocío Méndez", "role": "agent"}
    assert api.send("POST", "/api/agents", admin, invite).status_code == 201

    # The invitation: the template's subject and text, Spanish first, from the support address
    (invitation,) = _cognito_mail(api, "invitation", INVITED)
    assert invitation["subject"] == invitation_template["EmailSubject"]
    assert invitation["from"] == pool["EmailConfiguration"]["From"]
    body = invitation["body"]
    assert body.index("Contraseña temporal") < body.index("Temporary password")
    assert pool_parameters()["ConsoleUrl"] in body
    filled = _filled(invitation_template["EmailMessage"]).fullmatch(body)
    assert filled is not None, body
    assert filled.group("username") == INVITED
    temporary = filled.group("code")

    # The temporary password works once: Cognito asks for her own password
    idp = api.session.client("cognito-idp")
    challenge = idp.initiate_auth(
        ClientId=api.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": INVITED, "PASSWORD": temporary},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    signed_in = idp.respond_to_auth_challenge(
        ClientId=api.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": INVITED, "NEW_PASSWORD": NEW_PASSWORD},
    )
    token = signed_in["AuthenticationResult"]["IdToken"]
    assert api.get("/api/me", token).json()["name"] == "Rocío Méndez"

    # She forgets it: the code arrives with the template's text, and only that code resets it
    idp.forgot_password(ClientId=api.client_id, Username=INVITED)
    verification = pool["VerificationMessageTemplate"]
    (code_mail,) = _cognito_mail(api, "password_reset_code", INVITED)
    assert code_mail["subject"] == verification["EmailSubject"]
    found = _filled(verification["EmailMessage"]).fullmatch(code_mail["body"])
    assert found is not None, code_mail["body"]
    code = found.group("code")
    assert re.fullmatch(r"\d{6}", code)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.confirm_forgot_password(
            ClientId=api.client_id, Username=INVITED, ConfirmationCode=wrong, Password=RESET_PASSWORD
        )
    with pytest.raises(idp.exceptions.InvalidPasswordException):  # the pool's policy holds
        idp.confirm_forgot_password(ClientId=api.client_id, Username=INVITED, ConfirmationCode=code, Password="corta")
    idp.confirm_forgot_password(
        ClientId=api.client_id, Username=INVITED, ConfirmationCode=code, Password=RESET_PASSWORD
    )
    with pytest.raises(idp.exceptions.CodeMismatchException):  # once
        idp.confirm_forgot_password(
            ClientId=api.client_id, Username=INVITED, ConfirmationCode=code, Password=NEW_PASSWORD
        )
    again = idp.initiate_auth(
        ClientId=api.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": INVITED, "PASSWORD": RESET_PASSWORD},
    )
    assert "IdToken" in again["AuthenticationResult"]


def test_the_demo_agents_get_no_invitation(api: Api) -> None:
    """Seeded with MessageAction=SUPPRESS, as an operator's script would."""
    messages = api.get("/dev/outbox").json()["messages"]
    assert not [m for m in messages if m.get("kind") == "invitation" and m["to"] == [ADMIN_LOGIN]]


def test_console_config_tells_the_console_the_password_policy_and_idle_time_before_sign_in(api: Api) -> None:
    policy = _pool_properties()["Policies"]["PasswordPolicy"]
    config = api.get("/api/console-config")  # no token: the sign-in page reads it
    assert config.status_code == 200, config.text
    assert config.json()["idle_sign_out_minutes"] == 720  # a shift, until an administrator says otherwise
    assert config.json()["password_policy"] == {
        "minimum_length": policy["MinimumLength"],
        "require_lowercase": policy["RequireLowercase"],
        "require_uppercase": policy["RequireUppercase"],
        "require_numbers": policy["RequireNumbers"],
        "require_symbols": policy["RequireSymbols"],
    }


def test_administrators_set_the_idle_time_and_mfa_for_admins_and_supervisors(api: Api) -> None:
    admin, supervisor, agent = (api.token(login) for login in (ADMIN_LOGIN, SUPERVISOR_LOGIN, AGENT_LOGIN))
    assert api.get("/api/sign-in-policy", admin).json() == {
        "idle_sign_out_minutes": 720,
        "mfa_required_for_admins_and_supervisors": False,
    }
    assert {api.get("/api/me", t).json()["mfa_required"] for t in (admin, supervisor, agent)} == {False}

    policy = {"idle_sign_out_minutes": 480, "mfa_required_for_admins_and_supervisors": True}
    for someone in (supervisor, agent):
        assert api.get("/api/sign-in-policy", someone).status_code == 403
        assert api.send("PUT", "/api/sign-in-policy", someone, policy).status_code == 403
    for wrong in ({"idle_sign_out_minutes": 0}, {"idle_sign_out_minutes": 2000}, {"mfa": True}):
        assert api.send("PUT", "/api/sign-in-policy", admin, wrong).status_code == 400, wrong
    # Requiring MFA without having it would lock the admin out: refused
    first = api.send("PUT", "/api/sign-in-policy", admin, policy)
    assert first.status_code == 409, first.text
    assert first.json()["error"]["message_key"] == "error.mfa_first"

    _turn_on_mfa(api, ADMIN_LOGIN)
    try:
        saved = api.send("PUT", "/api/sign-in-policy", admin, policy)
        assert saved.status_code == 200, saved.text

        assert api.get("/api/console-config").json()["idle_sign_out_minutes"] == 480
        mes = [api.get("/api/me", t).json() for t in (admin, supervisor, agent)]
        assert [me["mfa_required"] for me in mes] == [True, True, False]
        assert [me["mfa_missing"] for me in mes] == [False, True, False]
        # The supervisor without MFA reaches nothing else until it is on
        refused = api.get("/api/tickets", supervisor, status="open")
        assert refused.status_code == 403
        assert refused.json()["error"]["message_key"] == "error.mfa_setup_required"
        assert "verificación en dos pasos" in refused.json()["error"]["message"]["es"]
        assert api.get("/api/tickets", agent, status="open").status_code == 200
        assert api.get("/api/tickets", admin, status="open").status_code == 200
        _turn_on_mfa(api, SUPERVISOR_LOGIN)
        assert api.get("/api/tickets", supervisor, status="open").status_code == 200
        assert api.get("/api/me", supervisor).json()["mfa_missing"] is False

        entry = next(e for e in _audit(api, admin) if e["action"] == "sign_in.saved")
        changes = {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}
        assert changes == {
            "idle_sign_out_minutes": (720, 480),
            "mfa_required_for_admins_and_supervisors": (False, True),
        }
    finally:
        api.send("PUT", "/api/sign-in-policy", admin, {"idle_sign_out_minutes": 720})
        idp = api.session.client("cognito-idp")
        for login in (ADMIN_LOGIN, SUPERVISOR_LOGIN):
            idp.admin_set_user_mfa_preference(
                UserPoolId=api.pool_id, Username=login, SoftwareTokenMfaSettings={"Enabled": False}
            )


def _turn_on_mfa(api: Api, login: str) -> None:
    """What the console's MFA setup does with the agent's access token (moto
    checks no code, so any six digits verify)."""
    idp = api.session.client("cognito-idp")
    signed_in = idp.initiate_auth(
        ClientId=api.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": login, "PASSWORD": DEMO_PASSWORD},
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    idp.associate_software_token(AccessToken=access)
    idp.verify_software_token(AccessToken=access, UserCode="123456")
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})


def _audit(api: Api, admin: str) -> list[dict[str, Any]]:
    response = api.get("/api/audit", admin)
    assert response.status_code == 200, response.text
    return list(response.json()["entries"])
