"""Searching tickets through the agent API on the local stack's bootstrap: the
table's stream feeds the search indexer (as Lambda's mapping does in AWS),
then ``GET /api/search`` finds by any word of the conversation, Spanish-aware,
with snippets, filters, sorting and pages, within the caller's reach."""

import os
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, Api, ticket_with_subject

INVOICE = "No puedo descargar mi factura de octubre"
CANCEL = "Quiero cancelar mi suscripción hoy mismo, me cobraron dos veces"
ADDRESS = "Cambio de dirección de entrega"


@pytest.fixture(scope="module")
def indexed(api: Api) -> Api:
    api.index()
    return api


def _search(api: Api, token: str, query: str, **params: Any) -> dict[str, Any]:
    response = api.get("/api/search", token, q=query, **params)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _found(api: Api, token: str, query: str, **params: Any) -> list[str]:
    return [t["subject"] for t in _search(api, token, query, **params)["tickets"]]


def test_words_of_the_subject_find_a_ticket_whatever_the_accents_case_and_form(indexed: Api) -> None:
    agent = indexed.token(AGENT_LOGIN)
    for query in ("factura octubre", "FACTURA", "Descargar  facturas", "facturación", "fatura"):
        assert _found(indexed, agent, query) == [INVOICE], query
    assert _found(indexed, agent, "factura noviembre") == []  # every word must match


def test_words_of_the_body_and_of_the_contact_find_their_tickets(indexed: Api) -> None:
    agent = indexed.token(AGENT_LOGIN)
    assert _found(indexed, agent, "error 404 portal") == [INVOICE]
    for query in ("Lucia", "lucía ramírez", "RAMIREZ", "lucia.ramirez@example.com", "zona 1 guatemala"):
        assert _found(indexed, agent, query) == [ADDRESS], query


def test_a_snippet_marks_the_words_found(indexed: Api) -> None:
    answer = _search(indexed, indexed.token(AGENT_LOGIN), "portal")
    (ticket,) = answer["tickets"]
    assert "<mark>portal</mark>" in answer["snippets"][ticket["id"]]
    assert answer["page"] == 1 and answer["next_page"] is None and answer["partial"] is False


def test_search_keeps_to_the_callers_reach(indexed: Api) -> None:
    assert _found(indexed, indexed.token(AGENT_LOGIN), "suscripcion cobraron") == []  # billing's, unassigned
    assert _found(indexed, indexed.token(SUPERVISOR_LOGIN), "suscripcion cobraron") == [CANCEL]


def test_filters_narrow_the_search(indexed: Api) -> None:
    admin = indexed.token(ADMIN_LOGIN)
    assert _found(indexed, admin, "status:open factura") == [INVOICE]
    assert _found(indexed, admin, "status:pendiente factura") == []
    assert _found(indexed, admin, "priority:urgent") == [CANCEL]
    assert _found(indexed, admin, "group:Facturación cancelar") == [CANCEL]
    assert _found(indexed, admin, "from:lucia.ramirez@example.com") == [ADDRESS]
    assert _found(indexed, admin, "channel:email -factura") == [ADDRESS]


def test_a_filter_that_cannot_be_read_is_refused_in_both_languages(indexed: Api) -> None:
    response = indexed.get("/api/search", indexed.token(AGENT_LOGIN), q="status:dormido")
    assert response.status_code == 400
    assert response.json()["error"]["message_key"] == "error.invalid_search"


def test_the_index_follows_a_new_subject(indexed: Api) -> None:
    supervisor = indexed.token(SUPERVISOR_LOGIN)
    ticket: dict[str, Any] = ticket_with_subject(indexed, supervisor, CANCEL)
    renamed = indexed.patch(f"/api/tickets/{ticket['id']}", supervisor,
                            {"version": ticket["version"], "subject": "Reembolso por cobro doble"})  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    indexed.index()
    assert _found(indexed, supervisor, "reembolso") == ["Reembolso por cobro doble"]
    assert _found(indexed, supervisor, "reembolso -suscripcion") == []  # the customer's message still says it


def test_the_stream_keeps_only_what_the_indexer_has_not_read(indexed: Api) -> None:
    """moto kept every stream record for ever (memory, saved state, each
    transaction's copy); the local stream worker drops what it has handed over,
    and what comes next is read as before."""
    from moto.dynamodb.models import dynamodb_backends

    from helpdesk.settings import store_settings

    (backend,) = [b for account in dynamodb_backends.values() for b in account.values() if b.tables]
    shard = backend.tables[store_settings().table_name].stream_shard
    assert shard is not None and shard.items == []  # the fixture indexed everything
    supervisor = indexed.token(SUPERVISOR_LOGIN)
    ticket: dict[str, Any] = ticket_with_subject(indexed, supervisor, ADDRESS)
    changed = indexed.patch(f"/api/tickets/{ticket['id']}", supervisor,
                            {"version": ticket["version"], "subject": "Nueva dirección de entrega"})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert shard.items
    indexed.index()
    assert shard.items == []
    assert _found(indexed, supervisor, "nueva direccion") == ["Nueva dirección de entrega"]


def test_the_backfill_command_indexes_the_tickets_and_resumes_from_its_checkpoint(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from local.cli import main

    monkeypatch.setenv("ATIENDE_AWS_PORT", str(urlparse(os.environ["AWS_ENDPOINT_URL"]).port))
    assert main(["search", "backfill", "--from", "1", "--most", "2"]) == 0
    assert "2 tickets indexados / indexed" in capsys.readouterr().out
    assert main(["search", "backfill"]) == 0  # from its checkpoint: the rest
    rest = capsys.readouterr().out
    assert "indexados / indexed" in rest and "2 tickets" not in rest
    assert _found(api, api.token(AGENT_LOGIN), "portal") == [INVOICE]
