"""Automatic assignment (round robin over online agents, capped per agent) on
the local stack's moto server, which serves concurrent requests one at a time
as DynamoDB applies them."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.models import Actor, ActorKind, Agent, Channel, Group, GroupAssignment, Identity, IdentityKind
from helpdesk.settings import store_settings
from helpdesk.store import LOAD_STATUSES, UNASSIGNED, HelpdeskStore, TicketQuery
from helpdesk.team.assignment import ONLINE_WINDOW, assign_waiting
from helpdesk.tickets.changes import TicketChanges, update_ticket
from tests.integration.conftest import AGENT_LOGIN, Api

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-test", name="Admin")


def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


def _team(store: HelpdeskStore, group_id: str, cap: int, names: tuple[str, ...]) -> list[str]:
    store.put_group(
        Group(id=group_id, name=group_id, assignment=GroupAssignment(round_robin=True, max_open_per_agent=cap))
    )
    ids = []
    for name in names:
        agent_id = f"{group_id}-{name}"
        store.put_agent(
            Agent(id=agent_id, email=f"{agent_id}@example.com", name=name, role="agent", group_ids=(group_id,))
        )
        ids.append(agent_id)
    return ids


def _new_ticket(store: HelpdeskStore, number: str) -> str:
    inbound = InboundMessage(
        channel=Channel.WHATSAPP,
        channel_message_id=f"wamid.RR-{number}",
        sender=Identity(kind=IdentityKind.WHATSAPP, value=f"5025560{number}"),
        sent_at=datetime.now(UTC),
        text=f"Consulta {number}",
    )
    return ingest(inbound, store).ticket.id


def _into_group(store: HelpdeskStore, ticket_id: str, group_id: str) -> str | None:
    ticket = store.get_ticket(ticket_id)
    assert ticket is not None
    moved = update_ticket(store, ticket_id, TicketChanges(group_id=group_id), ticket.version, ADMIN)
    return moved.assignee_id


def test_round_robin_skips_agents_away_or_offline_and_respects_the_cap(api: Api) -> None:
    store = _store()
    now = datetime.now(UTC)
    ana, beto, caro, dani = _team(store, "ventas", 2, ("ana", "beto", "caro", "dani"))
    store.mark_seen(ana, now)
    store.mark_seen(beto, now)
    store.mark_seen(caro, now, available=False)  # away
    store.mark_seen(dani, now - ONLINE_WINDOW - timedelta(seconds=5))  # console closed a while ago

    tickets = [_new_ticket(store, f"1{n:03d}") for n in range(5)]
    assigned = [_into_group(store, ticket_id, "ventas") for ticket_id in tickets]
    assert assigned == [ana, beto, ana, beto, None]  # in turn; the fifth waits: both at their cap
    assert store.agent_loads([ana, beto]) == {ana: 2, beto: 2}

    first = store.get_ticket(tickets[0])
    assert first is not None
    update_ticket(store, first.id, TicketChanges(status="solved"), first.version, ADMIN)  # Ana has room again
    assert store.agent_loads([ana]) == {ana: 1}
    run = assign_waiting(store, datetime.now(UTC))
    assert (run.assigned, run.waiting) == (1, 0)
    waited = store.get_ticket(tickets[4])
    assert waited is not None and waited.assignee_id == ana
    assert [n.kind.value for n in store.notifications_of(ana)][:1] == ["assigned"]


@pytest.mark.slow  # real threads or real state-machine waits
def test_concurrent_assigners_never_assign_a_ticket_twice_or_pass_a_cap(api: Api) -> None:
    store = _store()
    now = datetime.now(UTC)
    agents = _team(store, "soporte-rr", 4, ("eva", "fer", "gabi"))
    for agent_id in agents:
        store.mark_seen(agent_id, now)
    tickets = [_new_ticket(store, f"2{n:03d}") for n in range(15)]
    group = store.get_group("soporte-rr")
    assert group is not None
    store.put_group(group.model_copy(update={"assignment": GroupAssignment(round_robin=False, max_open_per_agent=4)}))
    for ticket_id in tickets:
        _into_group(store, ticket_id, "soporte-rr")  # waiting: round robin is off
    store.put_group(group)  # and on again: four assigners at once

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda _: assign_waiting(_store(), datetime.now(UTC)), range(4)))

    held = dict.fromkeys(agents, 0)
    for ticket_id in tickets:
        ticket = store.get_ticket(ticket_id)
        assert ticket is not None
        if ticket.assignee_id:
            held[ticket.assignee_id] += 1
        history = store.get_thread(ticket_id)
        assert history is not None
        assignments = [e for e in history.events if any(c.field == "assignee_id" for c in e.changes)]
        assert len(assignments) <= 1  # never assigned twice
    assert held == dict.fromkeys(agents, 4)  # 12 of 15 assigned, nobody past 4
    assert store.agent_loads(agents) == held
    assert sum(r.assigned for r in runs) == 12
    waiting = TicketQuery(statuses=LOAD_STATUSES, group_id="soporte-rr", assignee_id=UNASSIGNED, limit=50)
    page = store.list_tickets(waiting)
    assert len(page.tickets) == 3


def test_an_agent_sets_themself_away_and_the_console_keeps_them_online(api: Api) -> None:
    token = api.token(AGENT_LOGIN)
    me = api.get("/api/me", token).json()
    assert me["available"] is True
    api.get("/api/changes", token)
    store = _store()
    assert store.online_agents([me["agent_id"]], datetime.now(UTC) - ONLINE_WINDOW) == {me["agent_id"]}
    away = api.send("PUT", "/api/me/availability", token, {"available": False})
    assert away.status_code == 200 and api.get("/api/me", token).json()["available"] is False
    assert store.online_agents([me["agent_id"]], datetime.now(UTC) - ONLINE_WINDOW) == set()
