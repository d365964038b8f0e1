"""Searching tickets by words of their subject or their contact's name
(accents and case aside, every word must match), within the caller's reach,
with the index following subject changes."""

from typing import Any

from tests.integration.conftest import AGENT_LOGIN, SUPERVISOR_LOGIN, Api, ticket_with_subject

INVOICE = "No puedo descargar mi factura de octubre"
CANCEL = "Quiero cancelar mi suscripción hoy mismo, me cobraron dos veces"


def _found(api: Api, token: str, query: str) -> list[str]:
    response = api.get("/api/search", token, q=query)
    assert response.status_code == 200, response.text
    return [t["subject"] for t in response.json()["tickets"]]


def test_words_of_the_subject_find_a_ticket_whatever_the_accents_and_case(api: Api) -> None:
    agent = api.token(AGENT_LOGIN)
    for query in ("factura octubre", "FACTURA", "Descargar  factura"):
        assert _found(api, agent, query) == [INVOICE], query
    assert _found(api, agent, "factura noviembre") == []  # every word must match


def test_words_of_a_contacts_name_find_their_tickets(api: Api) -> None:
    agent = api.token(AGENT_LOGIN)
    for query in ("Lucia", "lucía ramírez", "RAMIREZ"):
        assert set(_found(api, agent, query)) == {"Cambio de dirección de entrega"}, query


def test_search_keeps_to_the_callers_reach(api: Api) -> None:
    assert _found(api, api.token(AGENT_LOGIN), "suscripcion cobraron") == []  # billing's, unassigned
    assert _found(api, api.token(SUPERVISOR_LOGIN), "suscripcion cobraron") == [CANCEL]


def test_the_index_follows_a_new_subject(api: Api) -> None:
    supervisor = api.token(SUPERVISOR_LOGIN)
    ticket: dict[str, Any] = ticket_with_subject(api, supervisor, CANCEL)
    renamed = api.patch(f"/api/tickets/{ticket['id']}", supervisor,
                        {"version": ticket["version"], "subject": "Reembolso por cobro doble"})  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    assert _found(api, supervisor, "reembolso") == ["Reembolso por cobro doble"]
    assert _found(api, supervisor, "suscripcion") == []
