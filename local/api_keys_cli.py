"""``atiende apikey``: API keys of the running local stack, from the terminal.

atiende apikey create --name N --scopes S1,S2 [--expires ISO-8601]
                prints the key once, as the last line of stdout
atiende apikey list            every key: id, name, scopes, state, last use
atiende apikey revoke ID       the key stops working at once

Each command calls the stack's own API (``/api/api-keys``) as the demo
administrator, so what it does is what the console does, audited the same way.
"""

import json
import sys
from typing import Any

from local.admin_calls import call


def add_commands(commands: Any) -> None:
    """The ``apikey`` subcommands, under the CLI's ``commands``."""
    from helpdesk.api_keys import Scope  # the store's imports: only when the CLI is built

    parser = commands.add_parser("apikey", help="API keys of the running local stack (create, list, revoke)")
    apikey_commands = parser.add_subparsers(dest="apikey_command", required=True)
    create = apikey_commands.add_parser("create", help="create a key; prints it once, as the last line")
    create.add_argument("--name", required=True, help="who uses it, e.g. 'CRM de ventas'")
    create.add_argument(
        "--scopes", required=True, help=f"comma-separated, of: {', '.join(scope.value for scope in Scope)}"
    )
    create.add_argument("--expires", help="when it stops working (ISO 8601 with a zone); default: until revoked")
    apikey_commands.add_parser("list", help="every key (never the keys themselves)")
    revoke = apikey_commands.add_parser("revoke", help="revoke a key: its next request gets 401")
    revoke.add_argument("key_id", metavar="ID", help="the key's id (from `atiende apikey list`)")


def run(args: Any, base: str, admin_token: Any) -> int:
    """Carry out ``atiende apikey …`` against the stack at ``base``;
    ``admin_token()`` signs the demo administrator in."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        token = admin_token()
    except (BotoCoreError, ClientError, LookupError) as exc:
        print(f"¿Está corriendo la pila local? / Is the local stack running (`make run`)? {exc}", file=sys.stderr)
        return 1
    if args.apikey_command == "create":
        return create(base, token, args.name, args.scopes, args.expires)
    if args.apikey_command == "list":
        return list_keys(base, token)
    return revoke(base, token, args.key_id)


def create(base: str, token: str, name: str, scopes: str, expires: str | None) -> int:
    body = {"name": name, "scopes": [part.strip() for part in scopes.split(",") if part.strip()], "expires_at": expires}
    status, answer = call("POST", "/api/api-keys", body, token=token, base=base)
    if status != 201:
        return _refused("No se pudo crear la clave / Could not create the key", status, answer)
    key = answer["api_key"]
    print(f"Clave creada / Key created: {key['name']} ({', '.join(key['scopes'])}), id {key['id']}")
    print("Se muestra solo esta vez / Shown only this once:")
    print(answer["key"])
    return 0


def list_keys(base: str, token: str) -> int:
    status, answer = call("GET", "/api/api-keys", token=token, base=base)
    if status != 200:
        return _refused("No se pudieron leer las claves / Could not read the keys", status, answer)
    for key in answer["api_keys"]:
        state = "revocada/revoked" if key["revoked_at"] else "activa/active"
        if key["expires_at"] and not key["revoked_at"]:
            state += f" hasta/until {key['expires_at']}"
        print(
            f"{key['id']}  {key['name']}  [{','.join(key['scopes'])}]  {key['prefix']}…  {state}  "
            f"último uso/last used: {key['last_used_at'] or '—'}"
        )
    if not answer["api_keys"]:
        print("Sin claves / No keys")
    return 0


def revoke(base: str, token: str, key_id: str) -> int:
    status, answer = call("POST", f"/api/api-keys/{key_id}/revoke", token=token, base=base)
    if status != 200:
        return _refused(f"No se pudo revocar / Could not revoke {key_id}", status, answer)
    print(f"Clave revocada / Key revoked: {answer['name']} ({answer['id']})")
    return 0


def _refused(what: str, status: int, answer: Any) -> int:
    error = (answer or {}).get("error", {}) if isinstance(answer, dict) else {}
    message = error.get("message", {})
    said = f"{message.get('es', '')} / {message.get('en', '')}" if message else json.dumps(answer, ensure_ascii=False)
    detail = f" {json.dumps(error['detail'], ensure_ascii=False)}" if error.get("detail") else ""
    print(f"{what}: {status} {said}{detail}", file=sys.stderr)
    return 1
