"""Notices to agents and supervisors (SLA escalations, hand-overs from the bot),
sent as e-mail from the support address, in Spanish first with English below.

They are not ticket messages: the customer never sees them, and they are built
with the standard library's ``email`` under ``policy.SMTP`` (no header
injection from a subject a customer wrote). They leave through the same
``Mailer`` as replies to customers.
"""

from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import StrEnum

from helpdesk.channels.email.outbound import Mailer
from helpdesk.clock import utc_now
from helpdesk.models import SlaMetric, Ticket
from helpdesk.settings import NoticeSettings


class NoticeKind(StrEnum):
    BREACH_ASSIGNEE = "breach_assignee"  # your ticket breached its SLA
    BREACH_SUPERVISOR = "breach_supervisor"  # a ticket of your group was escalated to you: acknowledge
    BREACH_NEXT_TIER = "breach_next_tier"  # nobody acknowledged the escalation
    HANDOFF = "handoff"  # the bot handed a conversation to people
    HANDOFF_UNCLAIMED = "handoff_unclaimed"  # nobody took it in time


METRIC_NAMES = {
    SlaMetric.FIRST_RESPONSE: ("primera respuesta", "first response"),
    SlaMetric.NEXT_RESPONSE: ("siguiente respuesta", "next response"),
    SlaMetric.RESOLUTION: ("resolución", "resolution"),
}

# (subject, body) in Spanish, then English; {metric} is filled per language.
TEXTS: dict[NoticeKind, tuple[tuple[str, str], tuple[str, str]]] = {
    NoticeKind.BREACH_ASSIGNEE: (
        (
            "SLA vencido: ticket #{number}",
            "El ticket #{number} «{subject}» superó su objetivo de {metric}. Respóndelo cuanto antes.",
        ),
        (
            "SLA breached: ticket #{number}",
            'Ticket #{number} "{subject}" missed its {metric} target. Please answer it now.',
        ),
    ),
    NoticeKind.BREACH_SUPERVISOR: (
        (
            "Escalado a ti: ticket #{number}",
            "El ticket #{number} «{subject}» sigue sin {metric} y se te asignó con prioridad más alta. "
            "Confirma que lo atiendes con el botón «Acusar recibo» del ticket.",
        ),
        (
            "Escalated to you: ticket #{number}",
            'Ticket #{number} "{subject}" still has no {metric} and was assigned to you with a higher priority. '
            'Confirm you are on it with the ticket\'s "Acknowledge" button.',
        ),
    ),
    NoticeKind.BREACH_NEXT_TIER: (
        (
            "Escalamiento sin confirmar: ticket #{number}",
            "Nadie confirmó el escalamiento del ticket #{number} «{subject}», que sigue sin {metric}.",
        ),
        (
            "Unacknowledged escalation: ticket #{number}",
            'Nobody acknowledged the escalation of ticket #{number} "{subject}", which still has no {metric}.',
        ),
    ),
    NoticeKind.HANDOFF: (
        (
            "Conversación para una persona: ticket #{number}",
            "El asistente pasó el ticket #{number} «{subject}» a tu equipo. La transcripción está en el ticket.",
        ),
        (
            "Conversation for a person: ticket #{number}",
            'The assistant handed ticket #{number} "{subject}" to your team. The transcript is on the ticket.',
        ),
    ),
    NoticeKind.HANDOFF_UNCLAIMED: (
        (
            "Nadie tomó el ticket #{number}",
            "El ticket #{number} «{subject}», pasado por el asistente, sigue sin agente asignado.",
        ),
        (
            "Nobody took ticket #{number}",
            'Ticket #{number} "{subject}", handed over by the assistant, still has no agent.',
        ),
    ),
}


@dataclass(frozen=True)
class AgentNotices:
    mailer: Mailer
    settings: NoticeSettings

    def send(
        self, kind: NoticeKind, ticket: Ticket, recipients: tuple[str, ...], metric: SlaMetric | None = None
    ) -> str:
        """Send one notice about ``ticket``; returns the provider's message id."""
        if not recipients:
            raise ValueError("a notice needs a recipient")
        spanish, english = TEXTS[kind]
        names = METRIC_NAMES.get(metric, ("respuesta", "response")) if metric else ("respuesta", "response")
        values = {"number": ticket.number, "subject": _one_line(ticket.subject) or "—"}
        link = f"{self.settings.console_url.rstrip('/')}/#/tickets/{ticket.id}" if self.settings.console_url else ""
        body = "\n\n".join(
            filter(
                None,
                (
                    spanish[1].format(metric=names[0], **values),
                    link,
                    "—",
                    english[1].format(metric=names[1], **values),
                    f"{self.settings.support_name}",
                ),
            )
        )
        mail = EmailMessage(policy=policy.SMTP)
        mail["From"] = Address(
            display_name=_one_line(self.settings.support_name), addr_spec=self.settings.support_address
        )
        mail["To"] = ", ".join(recipients)
        mail["Subject"] = spanish[0].format(metric=names[0], **values)
        mail["Date"] = format_datetime(utc_now())
        mail["Message-ID"] = make_msgid(domain=self.settings.support_address.rsplit("@", 1)[1])
        mail["Auto-Submitted"] = "auto-generated"
        mail["X-Atiende-Notice"] = kind.value
        mail["X-Atiende-Ticket"] = ticket.id
        mail.set_content(body)
        return self.mailer.send(mail.as_bytes(), self.settings.support_address, recipients)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
