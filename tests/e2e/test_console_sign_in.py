"""Signing in for real, in Debian's Chromium against the local stack: an invited
agent's first sign-in (a new password), a forgotten password, an ID token
refreshed before it expires and after a 401, sign-out and idle sign-out that end
the refresh token, a draft that survives a session that ended (but not a
deliberate sign-out), two-step verification turned on from the header (QR code
read by a real decoder) and asked at the next sign-in, and MFA required of
admins and supervisors by the sign-in policy.

Cognito here is the stack's moto, with the local stack's additions: the reset
code is e-mailed to the local outbox and only that code resets the password, so
the test reads it there as an agent reads their mail. moto checks no TOTP code
(the test computes real ones anyway). Cognito's refusals
(wrong or expired code, weak password, expired session, too many attempts) are
played back by the page's network layer, worded as AWS answers them."""

import base64
import hashlib
import hmac
import json
import re
import struct
import time
import uuid
from typing import Any

import boto3
import pytest
import requests

from local.stack import REGION, aws_environment
from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, AGENT, PASSWORD, browser, console_page  # noqa: F401

pytestmark = pytest.mark.e2e
TEMPORARY = "Temporal-Clave-2026"
CHOSEN = "Mi-Clave-Nueva-2026"


def cognito(stack: RunningStack) -> tuple[Any, str]:
    """The stack's Cognito (moto) and its agent pool's id, as an administrator reaches it."""
    endpoint = f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}"
    env = aws_environment(endpoint)
    client = boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    pool_id = next(p["Id"] for p in client.list_user_pools(MaxResults=60)["UserPools"] if p["Name"].endswith("-agents"))
    return client, pool_id


def invite(stack: RunningStack, name: str) -> str:
    """A new agent invited by the admin, with a temporary password (as Cognito's e-mail would give)."""
    email = f"{name}-{uuid.uuid4().hex[:6]}@atiende.localhost"
    answer = stack.api(
        "POST", "/api/agents", as_agent=ADMIN, json={"email": email, "name": name.title(), "role": "agent"}
    )
    assert answer.status_code in (200, 201), answer.text
    idp, pool_id = cognito(stack)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=TEMPORARY, Permanent=False)
    return email


def refuse(action: str, kind: str, message: str = "refused") -> Any:
    """A route handler that answers ``action`` as Cognito refuses it (``kind``: its exception)."""

    def handle(route: Any) -> None:
        if route.request.headers.get("x-amz-target", "").endswith("." + action):
            body = json.dumps({"__type": kind, "message": message})
            route.fulfill(status=400, body=body, content_type="application/x-amz-json-1.1")
        else:
            route.continue_()

    return handle


def user_status(stack: RunningStack, email: str) -> str:
    idp, pool_id = cognito(stack)
    return str(idp.admin_get_user(UserPoolId=pool_id, Username=email)["UserStatus"])


def open_sign_in(browser: Any, stack: RunningStack) -> Any:  # noqa: F811
    page = console_page(browser, stack)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(stack.base + "/")
    page.get_by_label("Correo").wait_for()
    return page


def sign_in(page: Any, email: str, password: str) -> None:
    page.get_by_label("Correo").fill(email)
    page.get_by_label("Contraseña", exact=True).fill(password)
    page.get_by_role("button", name="Entrar").click()


def stored_session(page: Any) -> dict[str, Any]:
    return dict(json.loads(page.evaluate("sessionStorage.getItem('atiende.session')") or "{}"))


def test_invited_agent_chooses_a_password(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    email = invite(stack, "rocio")
    assert user_status(stack, email) == "FORCE_CHANGE_PASSWORD"
    page = open_sign_in(browser, stack)
    sign_in(page, email, TEMPORARY)

    page.get_by_role("heading", name="Elige tu contraseña").wait_for()
    assert "al menos 12 caracteres" in page.locator("#password-policy").inner_text()
    first = page.get_by_label("Contraseña nueva", exact=True)
    assert first.evaluate("el => el === document.activeElement")
    assert first.get_attribute("autocomplete") == "new-password"
    assert page.get_by_label("Repite la contraseña nueva").get_attribute("autocomplete") == "new-password"

    # Two different passwords, then a weak one: told before Cognito is asked
    first.fill(CHOSEN)
    page.get_by_label("Repite la contraseña nueva").fill(CHOSEN + "x")
    page.get_by_role("button", name="Guardar contraseña y entrar").click()
    page.get_by_role("alert").filter(has_text="no coinciden").wait_for()
    first.fill("corta")
    page.get_by_label("Repite la contraseña nueva").fill("corta")
    page.get_by_role("button", name="Guardar contraseña y entrar").click()
    page.get_by_role("alert").filter(has_text="muy débil").wait_for()

    # What Cognito answers to a password its policy refuses, and once the step's session expired
    endpoint = f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}/**"
    for kind, message, words in [
        ("InvalidPasswordException", "Password does not conform to policy", "muy débil"),
        ("NotAuthorizedException", "Invalid session for the user, session is expired.", "venció"),
    ]:
        handler = refuse("RespondToAuthChallenge", kind, message)
        page.route(endpoint, handler)
        page.get_by_label("Contraseña nueva", exact=True).fill(CHOSEN)
        page.get_by_label("Repite la contraseña nueva").fill(CHOSEN)
        page.get_by_role("button", name="Guardar contraseña y entrar").click()
        page.get_by_role("alert").filter(has_text=words).wait_for()
        page.unroute(endpoint, handler)
    # the expired session starts again from the e-mail and password
    page.get_by_role("heading", name="Inicia sesión").wait_for()
    sign_in(page, email, TEMPORARY)
    page.get_by_role("heading", name="Elige tu contraseña").wait_for()

    page.get_by_label("Contraseña nueva", exact=True).fill(CHOSEN)
    page.get_by_label("Repite la contraseña nueva").fill(CHOSEN)
    page.get_by_role("button", name="Guardar contraseña y entrar").click()
    page.wait_for_selector("nav.views")
    assert user_status(stack, email) == "CONFIRMED"
    assert stored_session(page).get("refresh")
    assert page.errors == []


def reset_code(stack: RunningStack, email: str) -> str:
    """The six digits of the newest reset code e-mailed to ``email`` (the local outbox)."""

    def mailed() -> str | None:
        messages = requests.get(stack.base + "/dev/outbox", timeout=5).json()["messages"]
        sent = [m for m in messages if m.get("kind") == "password_reset_code" and m["to"] == [email]]
        found = re.search(r"(?<!\d)\d{6}(?!\d)", sent[-1]["body"]) if sent else None
        return found.group(0) if found else None

    return eventually(mailed, seconds=10)


def test_forgotten_password(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    email = invite(stack, "mateo")
    idp, pool_id = cognito(stack)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=CHOSEN, Permanent=True)
    page = open_sign_in(browser, stack)
    page.get_by_role("button", name="¿Olvidaste tu contraseña?").click()
    page.get_by_role("heading", name="Recupera tu contraseña").wait_for()
    page.get_by_label("Correo").fill(email)
    page.get_by_role("button", name="Enviar código").click()
    code = page.get_by_label("Código del correo")
    code.wait_for()
    assert code.evaluate("el => el === document.activeElement")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert "le enviamos un código" in page.get_by_role("status").inner_text()

    # Cognito's answers to a wrong code, an expired one and too many attempts
    endpoint = f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}/**"
    new_password = "Otra-Clave-Segura-2027"
    for kind, words in [("CodeMismatchException", "no es correcto"), ("ExpiredCodeException", "venció"),
                        ("LimitExceededException", "Espera unos minutos")]:  # fmt: skip
        handler = refuse("ConfirmForgotPassword", kind)
        page.route(endpoint, handler)
        code.fill("000000")
        page.get_by_label("Contraseña nueva", exact=True).fill(new_password)
        page.get_by_label("Repite la contraseña nueva").fill(new_password)
        page.get_by_role("button", name="Guardar contraseña y entrar").click()
        page.get_by_role("alert").filter(has_text=words).wait_for()
        page.unroute(endpoint, handler)

    # The code Cognito e-mailed, as the local stack's outbox shows it (only that code resets the password)
    code.fill(reset_code(stack, email))
    page.get_by_label("Contraseña nueva", exact=True).fill(new_password)
    page.get_by_label("Repite la contraseña nueva").fill(new_password)
    page.get_by_role("button", name="Guardar contraseña y entrar").click()
    page.wait_for_selector("nav.views")
    # the new password is the one that works now
    client_id = find_user_pool_client(stack)
    tokens = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": new_password}
    )
    assert tokens["AuthenticationResult"]["IdToken"]
    assert page.errors == []


def find_user_pool_client(stack: RunningStack) -> str:
    idp, pool_id = cognito(stack)
    return str(idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"][0]["ClientId"])


def refresh_refused(stack: RunningStack, refresh: str) -> bool:
    """Whether Cognito refuses ``refresh`` now (revoked, or its user signed out everywhere)."""
    idp, _ = cognito(stack)
    try:
        idp.initiate_auth(
            ClientId=find_user_pool_client(stack),
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh},
        )
    except idp.exceptions.NotAuthorizedException:
        return True
    return False


def test_token_refreshes_before_expiry_and_after_a_401(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    page = open_sign_in(browser, stack)
    sign_in(page, AGENT, PASSWORD)
    page.wait_for_selector("nav.views")
    refreshes: list[str] = []
    page.on(
        "request",
        lambda r: refreshes.append(r.post_data or "") if "REFRESH_TOKEN_AUTH" in (r.post_data or "") else None,
    )
    before = stored_session(page)

    # An ID token a minute from expiry: the next API call refreshes it first
    page.evaluate(
        """() => { const s = JSON.parse(sessionStorage.getItem('atiende.session'));
                   s.expires = Date.now() + 60000; sessionStorage.setItem('atiende.session', JSON.stringify(s)); }"""
    )
    page.click("a[href='#/view/open']")
    page.wait_for_selector("main.list[data-loaded='open']")
    assert refreshes, "no refresh before expiry"
    after = stored_session(page)
    assert after["token"] != before["token"]
    assert after["expires"] > before["expires"] - 120000

    # A token the API refuses (401): refreshed and the call tried again, no sign-in page
    refreshes.clear()
    page.evaluate(
        """() => { const s = JSON.parse(sessionStorage.getItem('atiende.session'));
                   s.token = 'not-a-token'; sessionStorage.setItem('atiende.session', JSON.stringify(s)); }"""
    )
    page.click("a[href='#/view/unassigned']")
    page.wait_for_selector("main.list[data-loaded='unassigned']")
    assert refreshes, "no refresh after a 401"
    assert page.get_by_role("button", name="Entrar").count() == 0
    assert stored_session(page)["token"] != "not-a-token"
    assert page.errors == []


def test_sign_out_revokes_the_refresh_token(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    """Only this browser's session ends: the agent's console on another computer stays signed in."""
    idp, _ = cognito(stack)
    elsewhere = idp.initiate_auth(
        ClientId=find_user_pool_client(stack),
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": AGENT, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["RefreshToken"]
    page = open_sign_in(browser, stack)
    sign_in(page, AGENT, PASSWORD)
    page.wait_for_selector("nav.views")
    refresh = stored_session(page)["refresh"]
    with page.expect_response(lambda r: "RevokeToken" in (r.request.headers.get("x-amz-target") or "")) as revoked:
        page.get_by_role("button", name="Salir").click()
    assert revoked.value.status == 200
    page.get_by_role("button", name="Entrar").wait_for()
    assert refresh_refused(stack, refresh)
    assert not refresh_refused(stack, elsewhere)


def test_draft_survives_an_ended_session(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    page = open_sign_in(browser, stack)
    sign_in(page, AGENT, PASSWORD)
    page.wait_for_selector("nav.views")
    # an e-mail ticket the agent sees (its reply box is always a text box)
    tickets = stack.api("GET", "/api/tickets", params={"status": "new,open,pending", "limit": 100}).json()["tickets"]
    ticket_id = next(t["id"] for t in tickets if t["channel"] == "email" and not t["subject"].startswith("Cambio de"))
    ticket_hash = f"#/tickets/{ticket_id}"
    page.evaluate("hash => { location.hash = hash; }", ticket_hash)
    page.wait_for_selector("ol.thread li.message")
    page.get_by_placeholder("Escribe tu respuesta…").fill("Borrador que no debe perderse")

    # The session ends (its tokens no longer refresh): the sign-in page comes back
    page.evaluate(
        """() => { const s = JSON.parse(sessionStorage.getItem('atiende.session'));
                   s.token = 'expired'; s.refresh = 'revoked'; s.expires = Date.now() - 1000;
                   sessionStorage.setItem('atiende.session', JSON.stringify(s)); }"""
    )
    page.get_by_label("Correo").wait_for(timeout=40000)
    sign_in(page, AGENT, PASSWORD)
    page.wait_for_selector("ol.thread li.message")
    assert page.evaluate("location.hash") == ticket_hash
    box = page.get_by_placeholder("Escribe tu respuesta…")
    assert box.input_value() == "Borrador que no debe perderse"

    # Sent, it is gone from storage
    box.fill("Borrador enviado")
    page.get_by_role("button", name="Enviar", exact=True).click()
    page.locator(".composer p[role=status]").wait_for()
    drafts = "Object.keys(localStorage).filter((k) => k.startsWith('atiende.draft.'))"
    assert page.evaluate(drafts) == []

    # Signing out on purpose (a shared computer) takes the unsent drafts along
    page.get_by_placeholder("Escribe tu respuesta…").fill("Borrador privado")
    eventually(lambda: len(page.evaluate(drafts)) == 1, seconds=5)
    page.get_by_role("button", name="Salir").click()
    page.get_by_role("button", name="Entrar").wait_for()
    assert page.evaluate(drafts) == []


def totp(secret: str, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for ``secret`` (RFC 6238: HMAC-SHA1, 30 s)."""
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = struct.pack(">Q", int((time.time() if at is None else at) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_agent_turns_on_mfa_and_signs_in_with_a_code(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    email = invite(stack, "ines")
    idp, pool_id = cognito(stack)
    idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=CHOSEN, Permanent=True)
    page = open_sign_in(browser, stack)
    sign_in(page, email, CHOSEN)
    page.wait_for_selector("nav.views")

    page.get_by_role("button", name="Verificación en dos pasos").click()
    page.get_by_role("heading", name="Activa la verificación en dos pasos").wait_for()
    secret = page.locator("[data-secret]").get_attribute("data-secret")
    assert secret
    # What an authenticator app reads from the QR code drawn in the page
    key = scanned_qr(page, "Código QR con la clave para tu app de autenticación")
    assert key.startswith("otpauth://totp/Atiende%3A"), key
    assert f"secret={secret}&" in key and key.endswith("issuer=Atiende"), key
    assert email.replace("@", "%40") in key
    code = page.get_by_label("Código de 6 dígitos")
    assert code.evaluate("el => el === document.activeElement")
    code.fill(totp(secret))
    page.get_by_role("button", name="Activar", exact=True).click()
    page.get_by_role("status").filter(has_text="te pediremos el código").wait_for()
    settings = idp.admin_get_user(UserPoolId=pool_id, Username=email)
    assert settings.get("PreferredMfaSetting") == "SOFTWARE_TOKEN_MFA", settings

    page.get_by_role("button", name="Salir").click()
    sign_in(page, email, CHOSEN)
    page.get_by_role("heading", name="Verificación en dos pasos").wait_for()
    code = page.get_by_label("Código de 6 dígitos")
    assert code.evaluate("el => el === document.activeElement")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"

    # A wrong code, as Cognito answers it, then the right one
    endpoint = f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}/**"

    wrong = refuse("RespondToAuthChallenge", "CodeMismatchException", "Invalid code received for user")
    page.route(endpoint, wrong)
    code.fill("000000")
    page.get_by_role("button", name="Verificar").click()
    page.get_by_role("alert").filter(has_text="no es correcto").wait_for()
    page.unroute(endpoint, wrong)
    code.fill(totp(secret))
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_selector("nav.views")
    assert page.errors == []


def scanned_qr(page: Any, name: str) -> str:
    """The text of the QR code the page draws as SVG (``name``: its accessible
    name), read by a real QR decoder from the squares painted 8 pixels each."""
    import zxingcpp

    drawing = page.get_by_role("img", name=name)
    drawing.wait_for()
    size = int(drawing.get_attribute("data-size"))
    squares = re.findall(r"M(\d+) (\d+)h1v1h-1z", drawing.locator("path").get_attribute("d"))
    scale = 8
    side = size * scale
    pixels = bytearray([255]) * (side * side)
    for column, row in ((int(x), int(y)) for x, y in squares):
        for y in range(row * scale, (row + 1) * scale):
            pixels[y * side + column * scale : y * side + (column + 1) * scale] = bytes(scale)
    found = zxingcpp.read_barcodes(memoryview(bytes(pixels)).cast("B", (side, side)))
    assert len(found) == 1, f"{len(found)} codes read from {len(squares)} squares"
    return str(found[0].text)


def test_admins_require_mfa_of_supervisors(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    """An admin with MFA on turns the requirement on in Administration; a
    supervisor without MFA then reaches nothing but its setup (the API refuses
    their work too), sets it up from the QR code and goes on to the inbox."""
    admin, supervisor = (f"{name}-{uuid.uuid4().hex[:6]}@atiende.localhost" for name in ("olga", "sara"))
    idp, pool_id = cognito(stack)
    for email, role in ((admin, "admin"), (supervisor, "supervisor")):
        person = {"email": email, "name": email[:4], "role": role}
        invited = stack.api("POST", "/api/agents", as_agent=ADMIN, json=person)
        assert invited.status_code == 201, invited.text
        idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=PASSWORD, Permanent=True)
        assert stack.api("GET", "/api/tickets?status=open", as_agent=email).status_code == 200  # token kept
    secret = turn_on_mfa(stack, admin)

    page = open_sign_in(browser, stack)
    sign_in(page, admin, PASSWORD)
    page.get_by_label("Código de 6 dígitos").fill(totp(secret))
    page.get_by_role("button", name="Verificar").click()
    page.get_by_role("link", name="Administración").click()
    page.get_by_role("link", name="Inicio de sesión").click()
    required = page.get_by_label("Exigir la verificación en dos pasos a administradores y supervisores")
    assert not required.is_checked()
    try:
        required.check()
        page.get_by_role("button", name="Guardar", exact=True).click()
        page.get_by_role("status").filter(has_text="Política de inicio de sesión guardada").wait_for()

        refused = stack.api("GET", "/api/tickets?status=open", as_agent=supervisor)
        assert refused.status_code == 403
        assert refused.json()["error"]["message_key"] == "error.mfa_setup_required"
        # agents are not asked
        assert stack.api("GET", "/api/tickets?status=open", as_agent=AGENT).status_code == 200

        sara = open_sign_in(browser, stack)
        sign_in(sara, supervisor, PASSWORD)
        sara.get_by_role("heading", name="Activa la verificación en dos pasos para continuar").wait_for()
        assert sara.locator("nav.views").count() == 0
        key = scanned_qr(sara, "Código QR con la clave para tu app de autenticación")
        found = re.search(r"secret=([A-Za-z2-7]+)", key)
        assert found, key
        sara.get_by_label("Código de 6 dígitos").fill(totp(found.group(1)))
        sara.get_by_role("button", name="Activar", exact=True).click()
        sara.get_by_role("button", name="Continuar a la consola").click()
        sara.wait_for_selector("nav.views")
        assert stack.api("GET", "/api/tickets?status=open", as_agent=supervisor).status_code == 200
        assert sara.errors == page.errors == []
    finally:
        stack.api("PUT", "/api/sign-in-policy", as_agent=admin, json={"idle_sign_out_minutes": 720})


def turn_on_mfa(stack: RunningStack, email: str) -> str:
    """Two-step verification turned on as the console does it (the agent's access
    token, the app's first code); the secret, for the codes to come."""
    idp, _ = cognito(stack)
    client_id = stack.api("GET", "/api/console-config").json()["cognito"]["client_id"]
    signed_in = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    secret = str(idp.associate_software_token(AccessToken=access)["SecretCode"])
    idp.verify_software_token(AccessToken=access, UserCode=totp(secret))
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    return secret


def test_sign_in_steps_pass_axe(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    from tests.e2e.test_console_accessibility import WithoutCsp, axe_violations

    email = invite(stack, "lucia")
    page = console_page(WithoutCsp(browser), stack)
    page.goto(stack.base + "/")
    sign_in(page, email, TEMPORARY)
    page.get_by_role("heading", name="Elige tu contraseña").wait_for()
    page.get_by_label("Contraseña nueva", exact=True).fill("corta")
    page.get_by_label("Repite la contraseña nueva").fill("corta")
    page.get_by_role("button", name="Guardar contraseña y entrar").click()
    page.get_by_role("alert").wait_for()
    found = axe_violations(page)
    assert not found, "new password, axe found:\n" + found

    page.get_by_role("button", name="Volver a iniciar sesión").click()
    page.get_by_role("button", name="¿Olvidaste tu contraseña?").click()
    page.get_by_label("Correo").fill(email)
    page.get_by_role("button", name="Enviar código").click()
    page.get_by_label("Código del correo").wait_for()
    found = axe_violations(page)
    assert not found, "reset, axe found:\n" + found


def test_idle_agent_is_signed_out(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    page = open_sign_in(browser, stack)
    sign_in(page, AGENT, PASSWORD)
    page.wait_for_selector("nav.views")
    refresh = stored_session(page)["refresh"]
    # Nothing done for 12 h and a minute (the default idle time: 720 minutes)
    page.evaluate(
        """() => { const s = JSON.parse(sessionStorage.getItem('atiende.session'));
                   s.active = Date.now() - (720 + 1) * 60000;
                   sessionStorage.setItem('atiende.session', JSON.stringify(s)); }"""
    )
    page.clock.fast_forward(31000)
    page.get_by_role("button", name="Entrar").wait_for()
    assert page.evaluate("sessionStorage.getItem('atiende.session')") is None
    eventually(lambda: refresh_refused(stack, refresh), seconds=10)
    assert page.errors == []


def test_mfa_setup_required_at_sign_in(browser: Any, stack: RunningStack) -> None:  # noqa: F811
    """A pool that requires MFA (the local pool only offers it): Cognito's MFA_SETUP
    challenge, played back; the last answer carries real tokens for the agent."""
    idp, _ = cognito(stack)
    tokens = idp.initiate_auth(
        ClientId=find_user_pool_client(stack),
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": AGENT, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    asked: list[tuple[str, dict[str, Any]]] = []
    answers = {
        "InitiateAuth": {
            "ChallengeName": "MFA_SETUP",
            "Session": "session-1",
            "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
        },
        "AssociateSoftwareToken": {"SecretCode": secret, "Session": "session-2"},
        "VerifySoftwareToken": {"Status": "SUCCESS", "Session": "session-3"},
        "RespondToAuthChallenge": {"AuthenticationResult": tokens, "ChallengeParameters": {}},
    }

    def play(route: Any) -> None:
        action = route.request.headers.get("x-amz-target", "").rsplit(".", 1)[-1]
        if action in answers:
            asked.append((action, json.loads(route.request.post_data or "{}")))
            route.fulfill(status=200, body=json.dumps(answers[action]), content_type="application/x-amz-json-1.1")
        else:
            route.continue_()

    page = open_sign_in(browser, stack)
    page.route(f"http://127.0.0.1:{stack.env['ATIENDE_AWS_PORT']}/**", play)
    sign_in(page, AGENT, PASSWORD)
    page.get_by_role("heading", name="Activa la verificación en dos pasos").wait_for()
    code = page.get_by_label("Código de 6 dígitos")
    code.wait_for()
    assert code.evaluate("el => el === document.activeElement")
    assert page.locator("[data-secret]").get_attribute("data-secret") == secret
    typed = totp(secret)
    code.fill(typed)
    page.get_by_role("button", name="Activar", exact=True).click()
    page.wait_for_selector("nav.views")
    steps = dict(asked)
    assert [action for action, _ in asked] == list(answers)
    assert steps["AssociateSoftwareToken"]["Session"] == "session-1"
    assert steps["VerifySoftwareToken"] == {
        "Session": "session-2",
        "UserCode": typed,
        "FriendlyDeviceName": "Atiende",
    }
    assert steps["RespondToAuthChallenge"]["ChallengeName"] == "MFA_SETUP"
    assert steps["RespondToAuthChallenge"]["Session"] == "session-3"
    assert steps["RespondToAuthChallenge"]["ChallengeResponses"] == {"USERNAME": AGENT}
    assert page.errors == []
