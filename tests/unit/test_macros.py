"""Macros: placeholders filled from the ticket, the contact and the agent; an
unknown placeholder or closing a ticket is refused when the macro is saved."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from helpdesk.models import Actor, ActorKind, Channel, Contact, Ticket, TicketStatus
from helpdesk.tickets.macros import Macro, render

NOW = datetime(2026, 12, 7, 15, tzinfo=UTC)
TICKET = Ticket(id="t1", number=48213, subject="Factura de octubre", channel=Channel.EMAIL, contact_id="c1",
                created_at=NOW, updated_at=NOW)  # fmt: skip
AGENT = Actor(kind=ActorKind.AGENT, id="ana", name="Ana Lucía Pérez")


def contact(name: str) -> Contact:
    return Contact(id="c1", name=name, created_at=NOW, updated_at=NOW)


def test_placeholders_are_filled_from_ticket_contact_and_agent() -> None:
    text = "Hola {{contact.first_name}}, sobre #{{ticket.number}} ({{ticket.subject}}): listo. {{ agent.first_name }}"
    assert render(text, TICKET, contact("María José Ortiz"), AGENT) == (
        "Hola María, sobre #48213 (Factura de octubre): listo. Ana"
    )


def test_a_missing_name_leaves_no_stray_space_before_punctuation() -> None:
    assert render("Hola {{contact.first_name}}, gracias.", TICKET, None, AGENT) == "Hola, gracias."
    assert render("Hola {{contact.name}}!", TICKET, contact("   "), AGENT) == "Hola!"


def test_unknown_placeholders_are_refused_when_saved() -> None:
    with pytest.raises(ValidationError, match=r"unknown placeholders: contact\.fist_name"):
        Macro(id="saludo", name="Saludo", reply="Hola {{contact.fist_name}}")


def test_a_macro_may_solve_but_never_close_a_ticket() -> None:
    assert Macro(id="resolver", name="Resolver", status=TicketStatus.SOLVED).status is TicketStatus.SOLVED
    with pytest.raises(ValidationError, match="cannot close"):
        Macro(id="cerrar", name="Cerrar", status=TicketStatus.CLOSED)
