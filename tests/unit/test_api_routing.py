"""A route declared in an area gets the caller and its query and body already
parsed into their models; a malformed request, a caller below the route's
role and an unexpected failure each become the one error answer; and the
area records the route's role and OpenAPI entry for the app to gather.
Served in process by Chalice's test client, with the caller stubbed."""

from collections.abc import Iterator

import pytest
from chalice import Chalice, Response
from chalice.test import Client
from pydantic import BaseModel, ConfigDict

from agent_api import routing
from agent_api.auth import Principal
from agent_api.routing import Area, Caller, json_answer
from helpdesk.access import Role, Viewer


class Greeting(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str


class Loud(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    times: int = 1


area = Area("greetings")


@area.route("/api/greetings/{name}", methods=("POST",), answer=Greeting, body=Greeting, query=Loud)
def greet(caller: Caller, name: str, body: Greeting, query: Loud) -> Response:
    """Greet someone (any agent)."""
    return json_answer(Greeting(text=f"{body.text} {name}, from {caller.viewer.agent_id}" + "!" * query.times))


@area.route("/api/greetings", methods=("DELETE",), role=Role.ADMIN, answer=Greeting)
def forget_greetings(caller: Caller) -> Response:
    raise RuntimeError("never reached below admin")


@area.route("/api/greetings/broken", answer=Greeting)
def broken(caller: Caller) -> Response:
    raise RuntimeError("a bug")


app = Chalice(app_name="routing-test")
app.register_blueprint(area.blueprint)


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    principal = Principal(agent_id="agent-1", email="a@example.com", name="Ana", role="agent", roles=("agent",))
    monkeypatch.setattr(routing, "authenticate", lambda authorization, route="": principal)
    monkeypatch.setattr(routing, "caller_of", lambda p: Caller(p, Viewer(agent_id=p.agent_id, role=Role.AGENT)))
    with Client(app) as test_client:
        yield test_client


def test_the_view_gets_its_body_and_query_parsed(client: Client) -> None:
    response = client.http.post(
        "/api/greetings/Rosa?times=2",
        headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
        body=b'{"text": "Hola"}',
    )

    assert response.status_code == 200
    assert response.json_body == {"text": "Hola Rosa, from agent-1!!"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/greetings/Rosa", b'{"text": 3}'),
        ("/api/greetings/Rosa", b"not json"),
        ("/api/greetings/Rosa?times=x", b""),
    ],
)
def test_a_malformed_request_is_a_400_naming_the_field(client: Client, path: str, body: bytes) -> None:
    response = client.http.post(path, headers={"Authorization": "Bearer x"}, body=body)

    assert response.status_code == 400
    assert response.json_body["error"]["message_key"] == "error.invalid_request"


def test_a_caller_below_the_routes_role_is_refused(client: Client) -> None:
    response = client.http.delete("/api/greetings", headers={"Authorization": "Bearer x"})

    assert response.status_code == 403
    assert response.json_body["error"]["message_key"] == "error.forbidden"


def test_an_unexpected_failure_is_a_500_without_its_text(client: Client) -> None:
    response = client.http.get("/api/greetings/broken", headers={"Authorization": "Bearer x"})

    assert response.status_code == 500
    assert response.json_body["error"]["message_key"] == "error.unexpected"
    assert "a bug" not in response.body.decode()


def test_the_area_records_each_routes_role_and_document_entry() -> None:
    assert area.roles == {
        ("/api/greetings/{name}", "POST"): Role.AGENT,
        ("/api/greetings", "DELETE"): Role.ADMIN,
        ("/api/greetings/broken", "GET"): Role.AGENT,
    }
    (doc, *_) = area.docs
    assert (doc.path, doc.method, doc.summary, doc.role) == ("/api/greetings/{name}", "POST", greet.__doc__, "agent")
    assert (doc.answer, doc.body, doc.query) == (Greeting, Greeting, Loud)
