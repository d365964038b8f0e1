"""The agent API over HTTP, on the local stack's own bootstrap: the template in
the embedded moto server, moto's Cognito issuing real RS256 tokens, the demo seed."""

import os
from typing import Any

import pytest
import requests

from agent_api import app as agent_app
from agent_api.routes.knowledge import EDITOR_ROUTES
from agent_api.routes.quality import COORDINATOR_ROUTES
from helpdesk import http_policy
from helpdesk.settings import cors_settings
from local.seed import DEMO_PASSWORD
from tests.integration.conftest import ADMIN_LOGIN as ADMIN
from tests.integration.conftest import AGENT_LOGIN as AGENT
from tests.integration.conftest import CANCELLATION, Api, ticket_with_subject
from tests.integration.conftest import SUPERVISOR_LOGIN as SUPERVISOR


def test_health_needs_no_token(api: Api) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and {"atiende", "chalice", "pynamodb"} <= set(body["versions"])


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not.a.jwt", "Basic YWdlbnRlOmNsYXZl"])
def test_requests_without_a_valid_token_get_401(api: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(api.base + "/api/tickets", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["message"]["es"] == "Inicia sesión para continuar."


def test_token_for_another_app_client_is_refused(api: Api) -> None:
    idp = api.session.client("cognito-idp")
    other = idp.create_user_pool_client(
        UserPoolId=api.pool_id, ClientName="otra-app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    assert api.get("/api/tickets", api.token(client_id=other)).status_code == 401


def test_access_token_is_not_an_id_token(api: Api) -> None:
    idp = api.session.client("cognito-idp")
    access = idp.initiate_auth(
        ClientId=api.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "agente@atiende.localhost", "PASSWORD": DEMO_PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    assert api.get("/api/tickets", access).status_code == 401


def test_me_tells_role_and_groups(api: Api) -> None:
    me = api.get("/api/me", api.token("supervisora@atiende.localhost")).json()
    assert me["role"] == "supervisor" and me["name"] == "Sofía Castillo"
    assert set(me["group_ids"]) == {"soporte-general", "facturacion"}


def test_demo_tickets_are_listed_with_filters(api: Api) -> None:
    token = api.token()
    unsolved = api.get("/api/tickets", token).json()["tickets"]
    # The agent's reach: their group, no group yet, or assigned to them (not
    # billing's unassigned cancellation)
    assert len(unsolved) == 4
    assert len(api.get("/api/tickets", api.token(ADMIN)).json()["tickets"]) == 5
    assert {t["status"] for t in unsolved} <= {"new", "open", "pending", "on_hold"}
    solved = api.get("/api/tickets", token, status="solved").json()["tickets"]
    assert [t["subject"] for t in solved] == ["¿Tienen envíos a San Miguel?"]
    mine = api.get("/api/tickets", token, assignee="me", status="open").json()["tickets"]
    assert [t["subject"] for t in mine] == ["No puedo descargar mi factura de octubre"]
    email = api.get("/api/tickets", token, channel="email").json()["tickets"]
    assert {t["channel"] for t in email} == {"email"} and len(email) == 2


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_pages_follow_the_cursor_in_either_order(api: Api, order: str) -> None:
    token = api.token(ADMIN)
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 2, "order": order}
    while True:
        page = api.get("/api/tickets", token, **params).json()
        seen.extend(page["tickets"])
        if not page["cursor"]:
            break
        params["cursor"] = page["cursor"]
    assert len({t["id"] for t in seen}) == len(seen) == 5
    activity = [t["updated_at"] for t in seen]
    assert activity == sorted(activity, reverse=order == "newest")


@pytest.mark.parametrize("params", [{"status": "abierto"}, {"limit": "0"}, {"cursor": "zzz"}, {"channel": "fax"}])
def test_bad_list_parameters_are_400_with_a_reason(api: Api, params: dict[str, str]) -> None:
    response = api.get("/api/tickets", api.token(), **params)
    assert response.status_code == 400
    assert response.json()["error"]["message_key"] in {"error.invalid_request", "error.invalid_cursor"}


def test_ticket_thread_has_messages_in_order_contact_and_events(api: Api) -> None:
    token = api.token()
    summary = ticket_with_subject(api, token, "Cambio de dirección de entrega")
    thread = api.get(f"/api/tickets/{summary['id']}", token).json()
    assert [m["text"][:20] for m in thread["messages"]] == ["Hola, necesito cambi", "La nueva dirección e"]
    assert thread["contact"]["name"] == "Lucía Ramírez"
    assert thread["events"][0]["kind"] == "created"


def test_unknown_ticket_is_404(api: Api) -> None:
    response = api.get("/api/tickets/01JZZZZZZZZZZZZZZZZZZZZZZZ", api.token())
    assert response.status_code == 404
    assert response.json()["error"]["message"]["en"] == "That ticket was not found."


def test_update_with_stale_version_is_409_with_current_ticket(api: Api) -> None:
    token = api.token(SUPERVISOR)
    summary = ticket_with_subject(api, token, CANCELLATION)
    path = f"/api/tickets/{summary['id']}"

    saved = api.patch(path, token, {"version": summary["version"], "status": "open", "tags": ["cancelacion"]})
    stale = api.patch(path, token, {"version": summary["version"], "priority": "low"})

    assert saved.status_code == 200 and saved.json()["version"] == summary["version"] + 1
    assert stale.status_code == 409
    assert stale.json()["current"]["tags"] == ["cancelacion"]
    assert api.get(path, token).json()["ticket"]["priority"] == "urgent"


@pytest.mark.parametrize(
    "body", [{"status": "open"}, {"version": 1, "status": "abierto"}, {"version": 1, "owner": "x"}, "no-json"]
)
def test_malformed_update_is_400(api: Api, body: Any) -> None:
    token = api.token()
    summary = ticket_with_subject(api, token, "Cambio de dirección de entrega")
    response = api.patch(f"/api/tickets/{summary['id']}", token, body)
    assert response.status_code == 400
    assert response.json()["error"]["detail"]


def test_console_files_are_served_beside_the_api(api: Api) -> None:
    response = api.get("/")
    assert response.status_code == 200 and "Atiende" in response.text
    assert api.get("/../../etc/passwd").text == response.text  # never outside frontend/


def test_supervisors_can_look_into_the_dead_letter_queues(api: Api) -> None:
    sqs = api.session.client("sqs")
    url = next(u for u in os.environ["DEAD_LETTER_QUEUE_URLS"].split(",") if "outbound" in u)
    sqs.send_message(QueueUrl=url, MessageBody='{"ticket_id": "T1", "message_id": "M1"}')

    body = api.get("/api/dead-letters", api.token(SUPERVISOR)).json()
    again = api.get("/api/dead-letters", api.token(ADMIN)).json()

    (outbound,) = [q for q in body["queues"] if "outbound" in q["name"]]
    assert outbound["waiting"] >= 1 and outbound["samples"][0]["body"].startswith('{"ticket_id": "T1"')
    assert {q["name"] for q in body["queues"]} == {q["name"] for q in again["queues"]}
    assert next(q for q in again["queues"] if "outbound" in q["name"])["samples"]  # looked at, not taken


# --- roles ---------------------------------------------------------------------------

ROLE_RANK = {AGENT: 0, SUPERVISOR: 1, ADMIN: 2}
NEEDED_RANK = {"agent": 0, "supervisor": 1, "admin": 2}
# A body each write route refuses as malformed: an allowed caller gets 400, never a change.
MALFORMED = {"PATCH": {"status": "abierto"}, "POST": {"unexpected": True}, "PUT": {"policies": "x", "id": 3}}


def _matrix() -> list[tuple[str, str, str]]:
    return [
        (email, path, method)
        for path, entries in agent_app.app.routes.items()
        for method in entries
        if (path, method) not in agent_app.PUBLIC_ROUTES
        for email in ROLE_RANK
    ]


@pytest.mark.parametrize(("email", "path", "method"), _matrix())
def test_role_by_route_matrix(api: Api, email: str, path: str, method: str) -> None:
    """Every API route, as every role: below the route's role it is 403; at or
    above, anything but 401/403 (the request itself may be refused as malformed)."""
    ticket = ticket_with_subject(api, api.token(ADMIN), "Cambio de dirección de entrega")
    url = (
        path.replace("{ticket_id}", ticket["id"])
        .replace("{breach_id}", "none")
        .replace("{macro_id}", "none")
        .replace("{agent_id}", "none")
        .replace("{group_id}", "none")
        .replace("{contact_id}", ticket["contact_id"])
        .replace("{article_id}", "none")
        .replace("{number}", "1")
        .replace("{file_id}", "none")
    )
    headers = {"Authorization": f"Bearer {api.token(email)}"}
    response = requests.request(method, api.base + url, headers=headers, json=MALFORMED.get(method), timeout=10)
    needed = agent_app.ROUTE_ROLES[(path, method)]
    if email == AGENT and (path, method) in COORDINATOR_ROUTES | EDITOR_ROUTES:
        # the quality and editor rights, not roles: the demo's agent lacks both (a malformed body is refused first)
        assert response.status_code in (400, 403), response.text
    elif ROLE_RANK[email] < NEEDED_RANK[needed.value]:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["message_key"] == "error.forbidden"
    else:
        assert response.status_code not in (401, 403, 500), response.text


def test_every_api_route_declares_its_role() -> None:
    routes = {(path, method) for path, entries in agent_app.app.routes.items() for method in entries}
    assert routes - agent_app.PUBLIC_ROUTES == set(agent_app.ROUTE_ROLES)


def test_an_agent_cannot_open_or_answer_another_groups_ticket(api: Api) -> None:
    cancellation = ticket_with_subject(api, api.token(ADMIN), CANCELLATION)
    path = f"/api/tickets/{cancellation['id']}"
    agent = api.token(AGENT)
    assert api.get(path, agent).status_code == 403
    reply = requests.post(api.base + path + "/replies", headers={"Authorization": f"Bearer {agent}"},
                          json={"body": "Hola"}, timeout=10)  # fmt: skip
    assert reply.status_code == 403
    assert api.send("POST", path + "/notes", agent, {"body": "Nota"}).status_code == 403
    assert api.patch(path, agent, {"version": cancellation["version"], "status": "open"}).status_code == 403
    stale = api.patch(path, agent, {"version": 999, "status": "open"})
    assert stale.status_code == 403 and "current" not in stale.json()  # a 409 would show the ticket
    assert cancellation["id"] not in {t["id"] for t in api.get("/api/tickets", agent, limit=100).json()["tickets"]}
    # The supervisor of billing sees it
    assert api.get(path, api.token(SUPERVISOR)).status_code == 200


def test_agents_take_tickets_and_supervisors_reassign_them(api: Api) -> None:
    ticket = ticket_with_subject(api, api.token(ADMIN), "Cambio de dirección de entrega")
    path = f"/api/tickets/{ticket['id']}"
    agent, supervisor = api.token(AGENT), api.token(SUPERVISOR)
    agent_id = api.get("/api/me", agent).json()["agent_id"]
    supervisor_id = api.get("/api/me", supervisor).json()["agent_id"]

    handed = api.patch(path, agent, {"version": ticket["version"], "assignee_id": supervisor_id})
    assert handed.status_code == 403  # an agent does not hand tickets to others
    taken = api.patch(path, agent, {"version": ticket["version"], "assignee_id": agent_id})
    assert taken.status_code == 200
    moved = api.patch(path, supervisor, {"version": taken.json()["version"], "assignee_id": supervisor_id})
    assert moved.status_code == 200 and moved.json()["assignee_id"] == supervisor_id


def test_macro_changes_the_ticket_and_replies_with_placeholders_filled(api: Api) -> None:
    token = api.token(SUPERVISOR)
    ticket = ticket_with_subject(api, token, "Cambio de dirección de entrega")
    names = [m["name"] for m in api.get("/api/macros", token).json()["macros"]]
    assert "Resolver: envío en camino" in names
    applied = requests.post(
        f"{api.base}/api/tickets/{ticket['id']}/macros/envio-en-camino",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert applied.status_code == 200, applied.text
    body = applied.json()
    assert body["ticket"]["status"] == "solved" and "envios" in body["ticket"]["tags"]
    assert body["reply"]["text"].startswith("Hola Lucía, tu pedido ya va en camino")
    assert f"ticket #{ticket['number']}" in body["reply"]["text"] and body["reply"]["text"].endswith("Sofía")


def test_only_admins_save_macros_and_unknown_placeholders_are_refused(api: Api) -> None:
    macro = {"id": "saludo", "name": "Saludo", "reply": "Hola {{contact.first_name}}"}
    headers = {"Authorization": f"Bearer {api.token(ADMIN)}"}
    saved = requests.put(f"{api.base}/api/macros/saludo", headers=headers, json=macro, timeout=10)
    assert saved.status_code == 200
    typo = requests.put(
        f"{api.base}/api/macros/saludo", headers=headers, json={**macro, "reply": "Hola {{cliente.nombre}}"}, timeout=10
    )
    assert typo.status_code == 400 and "cliente.nombre" in typo.text
    agent = {"Authorization": f"Bearer {api.token(AGENT)}"}
    assert requests.put(f"{api.base}/api/macros/saludo", headers=agent, json=macro, timeout=10).status_code == 403
    assert requests.delete(f"{api.base}/api/macros/saludo", headers=headers, timeout=10).status_code == 200
    assert requests.delete(f"{api.base}/api/macros/saludo", headers=headers, timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("query", "subject"),
    [
        ("lucia.ramirez@example.com", "Cambio de dirección de entrega"),
        ("LUCIA.RAMIREZ@EXAMPLE.COM", "Cambio de dirección de entrega"),
        ("+502 5550 1234", "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟"),
        ("50255501234", "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟"),
    ],
)
def test_search_by_email_and_phone(api: Api, query: str, subject: str) -> None:
    found = api.get("/api/search", api.token(ADMIN), q=query).json()["tickets"]
    assert subject in [t["subject"] for t in found]


def test_search_by_number_respects_the_agents_reach(api: Api) -> None:
    cancellation = ticket_with_subject(api, api.token(ADMIN), CANCELLATION)
    for query in (str(cancellation["number"]), f"#{cancellation['number']}"):
        assert [t["id"] for t in api.get("/api/search", api.token(SUPERVISOR), q=query).json()["tickets"]] == [
            cancellation["id"]
        ]
        assert api.get("/api/search", api.token(AGENT), q=query).json()["tickets"] == []  # billing's, not theirs
    assert api.get("/api/search", api.token(AGENT), q="nadie@ninguna.example").json()["tickets"] == []
    assert api.get("/api/search", api.token(AGENT)).status_code == 400


def test_bulk_update_reports_each_ticket(api: Api) -> None:
    admin = api.token(ADMIN)
    cancellation = ticket_with_subject(api, admin, CANCELLATION)
    # María's WhatsApp ticket: in no group yet, so in the agent's reach
    address = ticket_with_subject(api, admin, "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟")
    body = {
        "ticket_ids": [address["id"], cancellation["id"], "01JZZZZZZZZZZZZZZZZZZZZZZZ"],
        "changes": {"tags": ["revisado"]},
    }
    response = requests.post(
        api.base + "/api/tickets/bulk", headers={"Authorization": f"Bearer {api.token(AGENT)}"}, json=body, timeout=10
    )
    assert response.status_code == 200, response.text
    results = {r["ticket_id"]: r for r in response.json()["results"]}
    assert results[address["id"]]["ok"] and results[address["id"]]["ticket"]["tags"] == ["revisado"]
    assert results[cancellation["id"]]["error"] == "error.forbidden"  # another group's
    assert results["01JZZZZZZZZZZZZZZZZZZZZZZZ"]["error"] == "error.ticket_not_found"


@pytest.mark.parametrize("month", ["0000-01", "2026-13", "26-01"])
def test_set_aside_month_out_of_range_is_400(api: Api, month: str) -> None:
    # schemathesis found "0000-01" answered 500 (Python has no year 0)
    assert api.get("/api/set-aside", api.token(), month=month).status_code == 400


def test_contact_history_lists_their_tickets_across_channels(api: Api) -> None:
    ticket = ticket_with_subject(api, api.token(ADMIN), "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟")
    history = api.get(f"/api/contacts/{ticket['contact_id']}", api.token()).json()
    assert history["contact"]["name"] == "María López"
    assert ticket["id"] in [t["id"] for t in history["tickets"]]
    assert api.get("/api/contacts/01JZZZZZZZZZZZZZZZZZZZZZZZ", api.token()).status_code == 404


def test_supervisors_redrive_a_dead_letter_queue_once(api: Api) -> None:
    sqs = api.session.client("sqs")
    dead = next(u for u in os.environ["DEAD_LETTER_QUEUE_URLS"].split(",") if "outbound" in u)
    source = sqs.list_dead_letter_source_queues(QueueUrl=dead)["queueUrls"][0]
    while sqs.receive_message(QueueUrl=dead, VisibilityTimeout=0).get("Messages"):  # earlier tests' letters
        for m in sqs.receive_message(QueueUrl=dead, MaxNumberOfMessages=10).get("Messages", []):
            sqs.delete_message(QueueUrl=dead, ReceiptHandle=m["ReceiptHandle"])
    for n in (1, 2):
        sqs.send_message(QueueUrl=dead, MessageBody=f'{{"ticket_id": "REDRIVE-T{n}", "message_id": "M{n}"}}')
    name = dead.rsplit("/", 1)[-1]

    assert api.send("POST", f"/api/dead-letters/{name}/redrive", api.token()).status_code == 403  # agents
    assert api.send("POST", "/api/dead-letters/no-such-dlq/redrive", api.token(SUPERVISOR)).status_code == 404
    done = api.send("POST", f"/api/dead-letters/{name}/redrive", api.token(SUPERVISOR))
    again = api.send("POST", f"/api/dead-letters/{name}/redrive", api.token(SUPERVISOR))

    assert done.status_code == 200 and done.json() == {"queue": name, "moved": 2}
    assert again.json()["moved"] == 0  # nothing is sent twice
    back = []  # the outbound queue also holds earlier tests' replies
    while found := sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10).get("Messages", []):
        back += [m["Body"] for m in found if "REDRIVE-" in m["Body"]]
    assert sorted(back) == [
        '{"ticket_id": "REDRIVE-T1", "message_id": "M1"}',
        '{"ticket_id": "REDRIVE-T2", "message_id": "M2"}',
    ]
    entries = api.get("/api/audit", api.token(ADMIN)).json()["entries"]
    assert any(e["action"] == "dead_letters.redriven" and e["target"] == name for e in entries)


def test_agents_may_not_read_dead_letters_which_hold_customers_messages(api: Api) -> None:
    response = api.get("/api/dead-letters", api.token(AGENT))
    assert response.status_code == 403
    assert response.json()["error"]["message_key"] == "error.forbidden"


# --- security headers, CORS, hostile bodies ---------------------------------------------


@pytest.mark.parametrize(("path", "signed_in"), [("/api/me", True), ("/api/tickets", False), ("/health", False)])
def test_every_api_answer_carries_the_security_headers(api: Api, path: str, signed_in: bool) -> None:
    response = api.get(path, api.token() if signed_in else None)
    for name, value in http_policy.API_HEADERS.items():
        assert response.headers[name] == value, name
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_the_console_page_is_never_framed_and_loads_only_its_own_code(api: Api) -> None:
    page = api.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert f"connect-src 'self' {os.environ['COGNITO_ENDPOINT'].rstrip('/')}" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"]


def _preflight(api: Api, origin: str) -> requests.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    return requests.options(api.base + "/api/tickets", headers=headers, timeout=10)


def test_without_configured_origins_no_origin_gets_cors(api: Api) -> None:
    token = api.token()
    answer = requests.get(
        api.base + "/api/me", headers={"Authorization": f"Bearer {token}", "Origin": "https://evil.example"}, timeout=10
    )
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert "Access-Control-Allow-Origin" not in _preflight(api, "https://evil.example").headers


def test_a_configured_origin_gets_cors_and_others_still_do_not(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://soporte.conecta.example, https://otra.example")
    cors_settings.cache_clear()
    try:
        allowed = _preflight(api, "https://soporte.conecta.example")
        refused = _preflight(api, "https://evil.example")
        answer = requests.get(
            api.base + "/api/me",
            headers={"Authorization": f"Bearer {api.token()}", "Origin": "https://soporte.conecta.example"},
            timeout=10,
        )
    finally:
        monkeypatch.delenv("CORS_ALLOWED_ORIGINS")
        cors_settings.cache_clear()

    assert allowed.headers["Access-Control-Allow-Origin"] == "https://soporte.conecta.example"
    assert "authorization" in allowed.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert answer.headers["Access-Control-Allow-Origin"] == "https://soporte.conecta.example"
    assert answer.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("notes", {"body": "Revisar\x00 el pedido"}),
        ("notes", {"body": "\x1b[2J\x1b[31mborrado"}),
        ("replies", {"body": "Hola \x1b]0;titulo\x07 gracias"}),
        ("patch", {"subject": "Pedido\x00"}),
        ("patch", {"tags": ["vip\x1b"]}),
    ],
)
def test_control_characters_in_an_agents_text_are_refused_with_a_reason(
    api: Api, route: str, body: dict[str, Any]
) -> None:
    token = api.token(ADMIN)
    ticket = ticket_with_subject(api, token, CANCELLATION)
    if route == "patch":
        response = api.patch(f"/api/tickets/{ticket['id']}", token, {"version": ticket["version"], **body})
    else:
        response = api.send("POST", f"/api/tickets/{ticket['id']}/{route}", token, body)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["message_key"] == "error.control_characters"
    assert "caracteres de control" in error["message"]["es"]
    after = api.get(f"/api/tickets/{ticket['id']}", token).json()
    assert after["ticket"]["version"] == ticket["version"]  # nothing changed


def test_line_breaks_and_tabs_in_a_note_are_text(api: Api) -> None:
    token = api.token(ADMIN)
    ticket = ticket_with_subject(api, token, CANCELLATION)
    response = api.send("POST", f"/api/tickets/{ticket['id']}/notes", token, {"body": "Paso 1:\n\tllamar"})
    assert response.status_code == 201, response.text


def test_a_body_nested_5000_deep_is_400_not_a_crash(api: Api) -> None:
    token = api.token(ADMIN)
    ticket = ticket_with_subject(api, token, CANCELLATION)
    body = '{"body": "x", "mentions": ' + "[" * 5000 + "]" * 5000 + "}"
    response = requests.post(
        api.base + f"/api/tickets/{ticket['id']}/notes",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"]["message_key"] == "error.json_too_deep"
