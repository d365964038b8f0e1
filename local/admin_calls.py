"""The running local stack's agent API, called from the terminal as the demo
administrator: what ``atiende rules``, ``atiende webhook`` and ``atiende
apikey`` do goes through the same routes, checks and audit as the console."""

import json
import os
import urllib.error
import urllib.request
from typing import Any

HOST = "127.0.0.1"


def local_base() -> str:
    return f"http://{HOST}:{os.environ.get('ATIENDE_PORT', '8000')}"


def admin_token() -> str:
    """An ID token of the demo administrator of the running local stack."""
    from local.stack import DEFAULT_EMAIL, DEMO_PASSWORD, find_user_pool, session_for, sign_in

    session = session_for(f"http://{HOST}:{os.environ.get('ATIENDE_AWS_PORT', '4566')}")
    _, client_id = find_user_pool(session)
    return sign_in(session, client_id, DEFAULT_EMAIL, DEMO_PASSWORD)


def call(
    method: str, path: str, body: Any = None, token: str | None = None, base: str | None = None
) -> tuple[int, Any]:
    """``method path`` with ``body`` as JSON (status, answer); status 0 when
    the stack does not answer. Signs the demo administrator in unless given ``token``."""
    base = base or local_base()
    request = urllib.request.Request(  # noqa: S310 - the local stack's own address
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token or admin_token()}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 # nosec B310 - the local stack
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"null")
    except urllib.error.URLError as unreachable:
        return 0, {
            "error": {"message": {"es": f"sin respuesta de {base}", "en": f"no answer from {base}"}},
            "why": str(unreachable.reason),
        }
