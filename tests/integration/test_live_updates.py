"""Live updates in the agent API: what changed since the console last asked,
notifications for assignments and mentions, and who else is on a ticket."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.conftest import (
    ADMIN_LOGIN,
    AGENT_LOGIN,
    CANCELLATION,
    SUPERVISOR_LOGIN,
    Api,
    ticket_with_subject,
)

DELIVERY = "Cambio de dirección de entrega"  # general support: the agent's group


def _changes(api: Api, token: str, since: str | None) -> dict[str, Any]:
    response = api.get("/api/changes", token, **({"since": since} if since else {}))
    assert response.status_code == 200, response.text
    return response.json()


def _agent_id(api: Api, token: str) -> str:
    return str(api.get("/api/me", token).json()["agent_id"])


def test_changes_since_lists_what_moved_within_the_callers_reach(api: Api) -> None:
    agent, supervisor = api.token(AGENT_LOGIN), api.token(SUPERVISOR_LOGIN)
    first = _changes(api, agent, None)
    assert first["complete"] is False  # no "since": the console loads its views itself

    delivery = ticket_with_subject(api, supervisor, DELIVERY)
    cancellation = ticket_with_subject(api, supervisor, CANCELLATION)  # billing: not the agent's
    api.patch(f"/api/tickets/{delivery['id']}", supervisor, {"version": delivery["version"], "tags": ["direccion"]})
    api.patch(f"/api/tickets/{cancellation['id']}", supervisor, {"version": cancellation["version"], "tags": ["x"]})

    later = _changes(api, agent, first["until"])
    assert later["complete"] is True
    changed = {t["id"]: t for t in later["tickets"]}
    assert changed[delivery["id"]]["tags"] == ["direccion"]
    assert cancellation["id"] not in changed
    assert cancellation["id"] in {t["id"] for t in _changes(api, supervisor, first["until"])["tickets"]}


def test_a_since_too_long_ago_asks_for_a_reload(api: Api) -> None:
    old = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    assert _changes(api, api.token(AGENT_LOGIN), old)["complete"] is False
    assert api.get("/api/changes", api.token(AGENT_LOGIN), since="ayer").status_code == 400


def test_assignment_by_someone_else_notifies_the_assignee(api: Api) -> None:
    agent, supervisor = api.token(AGENT_LOGIN), api.token(SUPERVISOR_LOGIN)
    agent_id = _agent_id(api, agent)
    since = _changes(api, agent, None)["until"]
    ticket = ticket_with_subject(api, api.token(ADMIN_LOGIN), DELIVERY)
    path = f"/api/tickets/{ticket['id']}"
    released = api.patch(path, supervisor, {"version": ticket["version"], "assignee_id": None}).json()
    taken = api.patch(path, agent, {"version": released["version"], "assignee_id": agent_id}).json()
    assert not [n for n in _changes(api, agent, since)["notifications"] if n["ticket_id"] == ticket["id"]]

    released = api.patch(path, agent, {"version": taken["version"], "assignee_id": None}).json()
    api.patch(path, supervisor, {"version": released["version"], "assignee_id": agent_id})
    notes = [n for n in _changes(api, agent, since)["notifications"] if n["ticket_id"] == ticket["id"]]
    assert [(n["kind"], n["actor"]["name"], n["ticket_number"]) for n in notes] == [
        ("assigned", "Sofía Castillo", ticket["number"])
    ]


def test_a_note_mentioning_an_agent_notifies_them_and_read_marks_only_move_forward(api: Api) -> None:
    agent, supervisor = api.token(AGENT_LOGIN), api.token(SUPERVISOR_LOGIN)
    agent_id, supervisor_id = _agent_id(api, agent), _agent_id(api, supervisor)
    ticket = ticket_with_subject(api, supervisor, DELIVERY)
    note = api.send(
        "POST",
        f"/api/tickets/{ticket['id']}/notes",
        supervisor,
        {"body": "¿Puedes revisar la dirección?", "mentions": [agent_id, supervisor_id]},
    )
    assert note.status_code == 201

    listed = api.get("/api/notifications", agent).json()
    newest = listed["notifications"][0]
    assert (newest["kind"], newest["ticket_id"], newest["subject"]) == ("mentioned", ticket["id"], DELIVERY)
    own = api.get("/api/notifications", supervisor).json()["notifications"]
    assert not [n for n in own if n["kind"] == "mentioned" and n["ticket_id"] == ticket["id"]]  # not the author

    read = api.send("POST", "/api/notifications/read", agent, {"through": newest["at"]}).json()
    assert read["read_through"] == newest["at"]
    back = api.send("POST", "/api/notifications/read", agent, {"through": "2020-01-01T00:00:00+00:00"}).json()
    assert back["read_through"] == newest["at"]
    assert api.get("/api/notifications", agent).json()["read_through"] == newest["at"]
    ahead = api.send("POST", "/api/notifications/read", agent, {"through": "2999-01-01T00:00:00+00:00"}).json()
    assert newest["at"] < ahead["read_through"] < "2999"  # never past now: later ones must still show unread


def test_a_mention_reaches_only_agents_who_may_open_the_ticket(api: Api) -> None:
    agent, supervisor = api.token(AGENT_LOGIN), api.token(SUPERVISOR_LOGIN)
    agent_id = _agent_id(api, agent)
    billing = ticket_with_subject(api, supervisor, CANCELLATION)  # not the agent's group, not assigned to him
    note = {"body": "@Andrés Pérez mira esto", "mentions": [agent_id]}
    assert api.send("POST", f"/api/tickets/{billing['id']}/notes", supervisor, note).status_code == 201
    told = [n for n in api.get("/api/notifications", agent).json()["notifications"] if n["ticket_id"] == billing["id"]]
    assert told == []  # a notification would show him the subject of a ticket he cannot open


def test_presence_shows_who_else_is_viewing_or_replying(api: Api) -> None:
    agent, supervisor = api.token(AGENT_LOGIN), api.token(SUPERVISOR_LOGIN)
    ticket = ticket_with_subject(api, supervisor, DELIVERY)
    path = f"/api/tickets/{ticket['id']}/presence"

    assert api.send("PUT", path, agent, {"activity": "viewing"}).json()["present"] == []
    seen = api.send("PUT", path, supervisor, {"activity": "replying"}).json()["present"]
    assert [(p["name"], p["activity"]) for p in seen] == [("Andrés Pérez", "viewing")]
    seen = api.send("PUT", path, agent, {"activity": "viewing"}).json()["present"]
    assert [(p["name"], p["activity"]) for p in seen] == [("Sofía Castillo", "replying")]

    assert api.send("DELETE", path, agent).json()["present"][0]["name"] == "Sofía Castillo"
    assert api.send("PUT", path, supervisor, {"activity": "viewing"}).json()["present"] == []
    assert api.send("PUT", path, agent, {"activity": "typing"}).status_code == 400


def test_presence_on_another_groups_ticket_is_refused(api: Api) -> None:
    cancellation = ticket_with_subject(api, api.token(ADMIN_LOGIN), CANCELLATION)
    response = api.send("PUT", f"/api/tickets/{cancellation['id']}/presence", api.token(), {"activity": "viewing"})
    assert response.status_code == 403
