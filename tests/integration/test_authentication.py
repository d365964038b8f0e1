"""Authentication regression suite: every kind of token the agent API must refuse,
over HTTP, against moto's Cognito (real RS256 ID tokens, checked with the pool's
JWKS), plus an admin's changes reaching a signed-in agent at their next request.

Forged tokens are signed with moto's own (public, test-only) signing key, so a
refusal is for the claim under test, never for the signature."""

import base64
import gzip
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from local.seed import DEMO_PASSWORD
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import SUPERVISOR_LOGIN as SUPERVISOR
from tests.integration.conftest import Api

MOTO_SIGNING_KEY = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
HOUR = 3600
DAY = 24 * HOUR


def _moto_key() -> Any:
    jwk = json.loads(gzip.decompress(MOTO_SIGNING_KEY.read_bytes()))
    jwk = jwk["keys"][0] if "keys" in jwk else jwk
    return RSAAlgorithm.from_jwk(json.dumps(jwk))


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def _resigned(token: str, change: Callable[[dict[str, Any]], None], key: Any = None) -> str:
    """The token's claims, changed, signed again with the pool's own key (or ``key``)."""
    header, claims = _parts(token)
    change(claims)
    return jwt.encode(claims, key or _moto_key(), algorithm="RS256", headers={"kid": header["kid"]})


def _status(api: Api, authorization: str | None) -> requests.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return requests.get(api.base + "/api/me", headers=headers, timeout=10)


def _unsigned(token: str) -> str:
    header, claims = _parts(token)
    return f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{_b64(claims)}."


def _hs256_with_public_key(token: str) -> str:
    """The classic confusion: HMAC-signed with the RSA public key as the secret."""
    header, claims = _parts(token)
    public = (
        _moto_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': header['kid']})}.{_b64(claims)}"
    signature = base64.urlsafe_b64encode(hmac.new(public, signing.encode(), hashlib.sha256).digest()).rstrip(b"=")
    return f"{signing}.{signature.decode()}"


def _tampered(token: str) -> str:
    """The payload changed (made an admin), the original signature kept."""
    _, claims = _parts(token)
    claims["cognito:groups"] = ["admin"]
    head, _, signature = token.split(".")
    return f"{head}.{_b64(claims)}.{signature}"


def _another_key(token: str) -> str:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _resigned(token, lambda c: None, key=other)


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    def change(claims: dict[str, Any]) -> None:
        claims.update(values)

    return change


def _without(*names: str) -> Callable[[dict[str, Any]], None]:
    def change(claims: dict[str, Any]) -> None:
        for name in names:
            claims.pop(name, None)

    return change


def _shifted(**seconds: int) -> Callable[[dict[str, Any]], None]:
    def change(claims: dict[str, Any]) -> None:
        now = int(time.time())
        for name, delta in seconds.items():
            claims[name] = now + delta

    return change


# Each refused token: how it is made from a valid ID token of the agent.
REFUSED: dict[str, Callable[[str], str | None]] = {
    "no Authorization header": lambda t: None,
    "empty bearer": lambda t: "Bearer ",
    "another scheme": lambda t: "Basic YWdlbnRlOmNsYXZl",
    "not a JWT": lambda t: "Bearer not.a.jwt",
    "two parts only": lambda t: "Bearer " + ".".join(t.split(".")[:2]),
    "garbage base64": lambda t: "Bearer @@@.###.$$$",
    "alg none": lambda t: "Bearer " + _unsigned(t),
    "HS256 signed with the public key": lambda t: "Bearer " + _hs256_with_public_key(t),
    "signed with another RSA key": lambda t: "Bearer " + _another_key(t),
    "tampered payload": lambda t: "Bearer " + _tampered(t),
    "expired an hour ago": lambda t: "Bearer " + _resigned(t, _shifted(iat=-2 * HOUR, exp=-HOUR)),
    "wrong audience": lambda t: "Bearer " + _resigned(t, _set(aud="otra-aplicacion")),
    "wrong issuer": lambda t: (
        "Bearer " + _resigned(t, _set(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Otro"))
    ),
    "access token": lambda t: "Bearer " + _resigned(t, _set(token_use="access")),
    "no token_use": lambda t: "Bearer " + _resigned(t, _without("token_use")),
    "no exp": lambda t: "Bearer " + _resigned(t, _without("exp")),
    "iat a day ahead": lambda t: "Bearer " + _resigned(t, _shifted(iat=DAY, exp=DAY + HOUR)),
    "not valid before tomorrow (nbf)": lambda t: "Bearer " + _resigned(t, _shifted(nbf=DAY)),
    "no sub": lambda t: "Bearer " + _resigned(t, _without("sub")),
    "unknown key id": lambda t: "Bearer " + _resigned_with_kid(t, "otra-llave"),
}


def _resigned_with_kid(token: str, kid: str) -> str:
    _, claims = _parts(token)
    return jwt.encode(claims, _moto_key(), algorithm="RS256", headers={"kid": kid})


def test_the_valid_token_the_cases_start_from_is_accepted(api: Api) -> None:
    assert _status(api, f"Bearer {api.token()}").status_code == 200
    # and re-signing it unchanged with the pool's key keeps it valid: the cases
    # below are refused for what they change, not for being re-signed
    assert _status(api, "Bearer " + _resigned(api.token(), lambda c: None)).status_code == 200


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_token_we_cannot_trust_is_401_in_both_languages(api: Api, case: str) -> None:
    response = _status(api, REFUSED[case](api.token()))

    assert response.status_code == 401, case
    error = response.json()["error"]
    assert error["message_key"] == "error.unauthenticated"
    assert error["message"] == {"es": "Inicia sesión para continuar.", "en": "Sign in to continue."}


def test_a_trusted_token_without_any_agent_group_is_403(api: Api) -> None:
    token = _resigned(api.token(), _set(**{"cognito:groups": ["clientes"]}))
    response = _status(api, f"Bearer {token}")
    assert response.status_code == 403
    assert response.json()["error"]["message_key"] == "error.forbidden"


def _agent_id(api: Api, email: str) -> str:
    token = api.token(email)
    return str(_parts(token)[1]["sub"])


def test_a_deactivated_agent_is_refused_at_the_next_request(api: Api) -> None:
    admin = api.token(ADMIN)
    supervisor_token = api.token(SUPERVISOR)  # signed in before the change
    supervisor = _agent_id(api, SUPERVISOR)
    assert _status(api, f"Bearer {supervisor_token}").status_code == 200

    assert api.patch(f"/api/agents/{supervisor}", admin, {"active": False}).status_code == 200
    try:
        refused = _status(api, f"Bearer {supervisor_token}")
    finally:
        assert api.patch(f"/api/agents/{supervisor}", admin, {"active": True}).status_code == 200

    assert refused.status_code == 401
    assert _status(api, f"Bearer {supervisor_token}").status_code == 200  # reactivated: the same token works


def test_a_role_change_applies_without_signing_in_again(api: Api) -> None:
    admin = api.token(ADMIN)
    supervisor_token = api.token(SUPERVISOR)
    supervisor = _agent_id(api, SUPERVISOR)
    headers = {"Authorization": f"Bearer {supervisor_token}"}
    assert requests.get(api.base + "/api/dead-letters", headers=headers, timeout=10).status_code == 200

    assert api.patch(f"/api/agents/{supervisor}", admin, {"role": "agent"}).status_code == 200
    try:
        as_agent = requests.get(api.base + "/api/dead-letters", headers=headers, timeout=10)
        me = requests.get(api.base + "/api/me", headers=headers, timeout=10).json()
    finally:
        assert api.patch(f"/api/agents/{supervisor}", admin, {"role": "supervisor"}).status_code == 200

    assert as_agent.status_code == 403
    assert me["role"] == "agent"


def test_the_demo_password_is_not_a_token(api: Api) -> None:
    assert _status(api, f"Bearer {DEMO_PASSWORD}").status_code == 401
