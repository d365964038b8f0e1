"""Cognito's ``RevokeToken`` in the local stack.

The console ends a session by revoking its refresh token, as in AWS (the pool's
client has token revocation on). moto 5.2.5 does not implement the action: it
answered with a server error (and a traceback in the stack's log), and the
console fell back to ``GlobalSignOut``, which also ends the agent's sessions in
other browsers. Here the refresh token given, and only it, stops working;
Cognito's answers for a wrong client or a token it never issued are kept.
Installed once per process by the embedded AWS.
"""

from typing import Any

from moto.cognitoidp.exceptions import NotAuthorizedError
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import EmptyResult

_installed = False


def revoke_token(backend: Any, token: str, client_id: str) -> None:
    """Forget ``token`` (a refresh token of ``client_id``); Cognito answers
    success for a token it does not know, and refuses another client's."""
    for pool in backend.user_pools.values():
        issued = pool.refresh_tokens.get(token)
        if issued is None:
            continue
        if issued[0] != client_id:
            raise NotAuthorizedError("Client is not authorized to revoke this token")
        pool.refresh_tokens[token] = None


def install() -> None:
    """Teach moto's Cognito the action (idempotent)."""
    global _installed  # noqa: PLW0603 - a one-time addition to a third-party class
    if _installed:
        return

    def revoke(self: Any) -> EmptyResult:
        revoke_token(self.backend, self._get_param("Token"), self._get_param("ClientId"))
        return EmptyResult()

    CognitoIdpResponse.revoke_token = revoke  # type: ignore[attr-defined]
    _installed = True
