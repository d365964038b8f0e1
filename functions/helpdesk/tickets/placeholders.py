"""The placeholders a macro's reply (or a rule's) may name, filled from the
ticket, its contact and whoever sends it: ``{{contact.first_name}}``,
``{{contact.name}}``, ``{{ticket.number}}``, ``{{ticket.subject}}``,
``{{agent.name}}`` and ``{{agent.first_name}}``."""

import re

from helpdesk.models import Actor, Contact, Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}")
PLACEHOLDERS = (
    "contact.first_name", "contact.name", "ticket.number", "ticket.subject", "agent.name", "agent.first_name",
)  # fmt: skip


def render(text: str, ticket: Ticket, contact: Contact | None, agent: Actor) -> str:
    """Fill a macro's placeholders for this ticket, contact and agent."""
    contact_name = contact.name.strip() if contact else ""
    values = {
        "contact.first_name": contact_name.split()[0] if contact_name else "",
        "contact.name": contact_name,
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "agent.name": agent.name,
        "agent.first_name": agent.name.split()[0] if agent.name.strip() else "",
    }
    filled = PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)
    return re.sub(r"[ \t]+([,.;:!?])", r"\1", filled)  # "Hola ," when a name is missing


def unknown_placeholders(text: str) -> list[str]:
    """The names between double braces that are not placeholders, sorted."""
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
