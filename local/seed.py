"""The demo help desk: two groups, three agents (agent, supervisor, admin), the
local support address and WhatsApp number, and a few customers writing in
Spanish on WhatsApp, e-mail and web chat.

Seeding goes through the same domain functions the channels use, and is safe to
run twice: every demo message has a fixed channel message id.
"""

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import boto3

from helpdesk.access import Role, Viewer
from helpdesk.channels.setup import ChannelSetup, SupportAddress, WhatsAppNumber, current_channels, save_channels
from helpdesk.channels.whatsapp.templates import (
    ApprovedTemplate,
    TemplateCatalog,
    save_template_catalog,
    template_catalog,
)
from helpdesk.conversations.ingest import InboundMessage, ThreadHints, ingest
from helpdesk.knowledge.articles import ImportedArticle
from helpdesk.knowledge.publishing import ArticleImport, ImportOutcome, import_articles
from helpdesk.models import (
    Actor,
    ActorKind,
    Agent,
    Channel,
    Group,
    Identity,
    IdentityKind,
    Priority,
    SlaMetric,
    TicketStatus,
)
from helpdesk.quality.reviews import Reason, open_review
from helpdesk.quality.scorecards import DEFAULT as DEMO_SCORECARD
from helpdesk.quality.scorecards import current_scorecard, save_scorecard
from helpdesk.rules.ruleset import (
    Action,
    ActionKind,
    Condition,
    ConditionField,
    Operator,
    Rule,
    RuleEvent,
    RuleSet,
    RuleTemplate,
    current_rules,
    save_rules,
)
from helpdesk.sla.calendars import BusinessCalendar, TimeBlock, weekdays
from helpdesk.sla.policies import PolicyConditions, SlaPolicy, SlaSetup, SlaTarget
from helpdesk.sla.setup import current_setup
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.macros import Macro, save_macro
from local.stack import DEMO_PASSWORD, SANDBOX_DISPLAY_NUMBER, support_address, whatsapp_secrets


@dataclass(frozen=True)
class DemoAgent:
    email: str
    name: str
    role: str
    group_ids: tuple[str, ...]
    quality: bool = False  # the quality right: reviews others' work
    editor: bool = False  # the editor right: writes and publishes knowledge-base articles


GROUPS = (Group(id="soporte-general", name="Soporte general"), Group(id="facturacion", name="Facturación"))
SUPERVISOR_EMAIL = "supervisora@atiende.localhost"

# Office hours in each country the demo serves: Monday to Friday 08:00–18:00
# and Saturday morning, local time, closed on the country's public holidays.
COUNTRY_ZONES = {
    "GT": "America/Guatemala", "SV": "America/El_Salvador", "HN": "America/Tegucigalpa",
    "NI": "America/Managua", "CR": "America/Costa_Rica", "PA": "America/Panama",
}  # fmt: skip
OFFICE_HOURS = (*weekdays(time(8), time(18)), TimeBlock(weekday=5, start=time(8), end=time(12)))


def _targets(*pairs: tuple[SlaMetric, int, bool]) -> tuple[SlaTarget, ...]:
    return tuple(SlaTarget(metric=m, minutes=minutes, business_hours=business) for m, minutes, business in pairs)


DEMO_SLA = SlaSetup(
    calendars=tuple(
        BusinessCalendar(
            id=country.lower(), name=f"Oficina {country}", time_zone=zone, blocks=OFFICE_HOURS, holiday_country=country
        )
        for country, zone in COUNTRY_ZONES.items()
    ),
    policies=(
        SlaPolicy(
            id="urgente",
            name="Urgente (24/7)",
            conditions=PolicyConditions(priorities=(Priority.URGENT,)),
            targets=_targets(
                (SlaMetric.FIRST_RESPONSE, 60, False),
                (SlaMetric.NEXT_RESPONSE, 120, False),
                (SlaMetric.RESOLUTION, 8 * 60, True),
            ),
            calendar_id="gt",
            calendar_by_country=True,
        ),
        SlaPolicy(
            id="chat",
            name="Chat en vivo",
            conditions=PolicyConditions(channels=(Channel.CHAT,)),
            targets=_targets(
                (SlaMetric.FIRST_RESPONSE, 1, True),
                (SlaMetric.NEXT_RESPONSE, 2, True),
                (SlaMetric.RESOLUTION, 4 * 60, True),
            ),
            calendar_id="gt",
            calendar_by_country=True,
        ),
        SlaPolicy(
            id="whatsapp",
            name="WhatsApp",
            conditions=PolicyConditions(channels=(Channel.WHATSAPP,)),
            targets=_targets(
                (SlaMetric.FIRST_RESPONSE, 30, True),
                (SlaMetric.NEXT_RESPONSE, 60, True),
                (SlaMetric.RESOLUTION, 16 * 60, True),
            ),
            calendar_id="gt",
            calendar_by_country=True,
        ),
        SlaPolicy(
            id="correo",
            name="Correo y formulario",
            conditions=PolicyConditions(channels=(Channel.EMAIL, Channel.WEB_FORM)),
            targets=_targets(
                (SlaMetric.FIRST_RESPONSE, 24 * 60, False),
                (SlaMetric.NEXT_RESPONSE, 24 * 60, False),
                (SlaMetric.RESOLUTION, 5 * 10 * 60, True),
            ),
            calendar_id="gt",
            calendar_by_country=True,
        ),
    ),
    escalation_contacts=("admin@atiende.localhost",),
)
MACROS = (
    Macro(
        id="pedir-numero-de-pedido",
        name="Pedir número de pedido",
        reply="Hola {{contact.first_name}}, gracias por escribirnos. ¿Nos compartes el número de tu pedido para "
        "revisarlo?\n\n{{agent.first_name}}",
        status=TicketStatus.PENDING,
    ),
    Macro(
        id="envio-en-camino",
        name="Resolver: envío en camino",
        reply="Hola {{contact.first_name}}, tu pedido ya va en camino y llegará en 1 a 3 días hábiles. "
        "Te dejamos el ticket #{{ticket.number}} como referencia.\n\n{{agent.first_name}}",
        status=TicketStatus.SOLVED,
        add_tags=("envios",),
    ),
    Macro(id="urgente-facturacion", name="Urgente a Facturación", priority=Priority.URGENT, group_id="facturacion"),
    Macro(
        id="cambio-de-titular",
        name="Cambio de titular de la cuenta",
        reply=(
            "Hola {{contact.first_name}}, gracias por confirmar tu identidad. Ya registramos el cambio de titular "
            "de tu cuenta; te llegará una confirmación por correo.\n\n{{agent.name}}"
        ),
        status=TicketStatus.PENDING,
        add_tags=("cuenta",),
        requires_identity=True,
    ),
)
WHATSAPP_TEMPLATES = TemplateCatalog(
    templates=(
        ApprovedTemplate(
            name="seguimiento_ticket",
            language="es",
            label="Seguimiento de tu solicitud",
            body="Hola {{1}}, te escribimos por tu solicitud #{{2}}. ¿Podemos ayudarte en algo más?",
        ),
        ApprovedTemplate(
            name="ticket_follow_up",
            language="en",
            label="Follow-up on your request",
            body="Hi {{1}}, we are writing about your request #{{2}}. Can we help with anything else?",
        ),
        # What an identity check's code goes out in outside the 24-hour window
        # (helpdesk.verification.CODE_TEMPLATE; Meta's authentication category).
        ApprovedTemplate(
            name="codigo_verificacion",
            language="es",
            label="Código de verificación",
            body="Tu código de verificación es {{1}}. Vence en 10 minutos. No lo compartas con nadie.",
            category="authentication",
        ),
        ApprovedTemplate(
            name="codigo_verificacion",
            language="en",
            label="Verification code",
            body="Your verification code is {{1}}. It expires in 10 minutes. Do not share it.",
            category="authentication",
        ),
    )
)
# Rules that make the demo behave like a configured team: billing words go to
# Facturación, a VIP customer is high priority, everything else goes to Soporte
# general (the last rule: it only takes tickets no earlier rule routed); a
# ticket pending 48 business hours without the customer's answer is solved
# with a polite closing message (a time-based rule).
BILLING_WORDS = (
    "factura", "facturación", "cobro", "cobraron", "cobrar", "cargo", "pago", "tarjeta", "reembolso",
    "devolución de dinero", "invoice", "billing", "charge", "refund", "payment",
)  # fmt: skip
DEMO_RULES = RuleSet(
    rules=(
        Rule(
            id="facturacion-por-palabras",
            name="Facturación por palabras",
            event=RuleEvent.TICKET_CREATED,
            conditions=(Condition(field=ConditionField.WORDS, operator=Operator.CONTAINS, values=BILLING_WORDS),),
            actions=(Action(kind=ActionKind.SET_GROUP, values=("facturacion",)),),
        ),
        Rule(
            id="vip-prioridad-alta",
            name="Clientes VIP: prioridad alta",
            event=RuleEvent.TICKET_CREATED,
            conditions=(Condition(field=ConditionField.CONTACT_TIER, operator=Operator.IS, values=("vip",)),),
            actions=(Action(kind=ActionKind.SET_PRIORITY, values=("high",)),),
        ),
        Rule(
            id="soporte-general-por-defecto",
            name="Todo lo demás a Soporte general",
            event=RuleEvent.TICKET_CREATED,
            conditions=(Condition(field=ConditionField.GROUP, operator=Operator.IS_NOT_SET),),
            actions=(Action(kind=ActionKind.SET_GROUP, values=("soporte-general",)),),
        ),
        Rule(
            id="recordar-pendientes-24h",
            name="Recordar pendientes sin respuesta (24 h hábiles)",
            event=RuleEvent.HOURS_SINCE_PENDING,
            hours=24,
            business_hours=True,
            actions=(
                Action(
                    kind=ActionKind.SEND_REPLY,
                    text=(
                        "Hola {{contact.first_name}}:\n\nSeguimos pendientes de tu respuesta sobre la solicitud "
                        "#{{ticket.number}}. Si ya no la necesitas, no hace falta que hagas nada: la daremos por "
                        "resuelta en un día hábil."
                    ),
                    template=RuleTemplate(
                        name="seguimiento_ticket", parameters=("{{contact.first_name}}", "{{ticket.number}}")
                    ),
                ),
            ),
        ),
        Rule(
            id="cerrar-pendientes-48h",
            name="Cerrar pendientes sin respuesta (48 h hábiles)",
            event=RuleEvent.HOURS_SINCE_PENDING,
            hours=48,
            business_hours=True,
            actions=(
                Action(kind=ActionKind.SET_STATUS, values=("solved",)),
                Action(
                    kind=ActionKind.SEND_REPLY,
                    text=(
                        "Hola {{contact.first_name}}:\n\nComo no tuvimos noticias tuyas, damos por resuelta tu "
                        "solicitud #{{ticket.number}}. Si necesitas algo más, responde a este mensaje y la "
                        "retomamos con gusto."
                    ),
                    # outside WhatsApp's 24-hour window, the approved follow-up template goes instead
                    template=RuleTemplate(
                        name="seguimiento_ticket", parameters=("{{contact.first_name}}", "{{ticket.number}}")
                    ),
                ),
            ),
        ),
    )
)


def demo_channels() -> ChannelSetup:
    """What the local stack answers: its SMTP inbox's support address and the
    sandbox's WhatsApp number, both into Soporte general (the billing rule still
    moves billing tickets to Facturación; the catch-all rule finds them in a group)."""
    return ChannelSetup(
        email=(
            SupportAddress(
                address=support_address(), display_name="Soporte Atiende", default_group_id="soporte-general"
            ),
        ),
        whatsapp=(
            WhatsAppNumber(
                display_number=SANDBOX_DISPLAY_NUMBER,
                phone_number_id=whatsapp_secrets()["WhatsAppPhoneNumberId"],
                display_name="Atiende por WhatsApp",
                default_group_id="soporte-general",
            ),
        ),
    )


BOTH_GROUPS = ("soporte-general", "facturacion")
AGENTS = (
    DemoAgent("agente@atiende.localhost", "Andrés Pérez", "agent", ("soporte-general",)),
    DemoAgent("supervisora@atiende.localhost", "Sofía Castillo", "supervisor", BOTH_GROUPS, quality=True, editor=True),
    DemoAgent("admin@atiende.localhost", "Adriana Morales", "admin", ("soporte-general", "facturacion")),
)


def create_agents(session: boto3.Session, user_pool_id: str, store: HelpdeskStore) -> dict[str, str]:
    """Cognito users with permanent passwords, in their role group; e-mail → sub."""
    idp = session.client("cognito-idp")
    subs: dict[str, str] = {}
    for demo in AGENTS:
        with contextlib.suppress(idp.exceptions.UsernameExistsException):  # seeded before
            idp.admin_create_user(
                UserPoolId=user_pool_id,
                Username=demo.email,
                UserAttributes=[
                    {"Name": "email", "Value": demo.email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": demo.name},
                ],
                MessageAction="SUPPRESS",
            )
        idp.admin_set_user_password(
            UserPoolId=user_pool_id, Username=demo.email, Password=DEMO_PASSWORD, Permanent=True
        )
        idp.admin_add_user_to_group(UserPoolId=user_pool_id, Username=demo.email, GroupName=demo.role)
        user = idp.admin_get_user(UserPoolId=user_pool_id, Username=demo.email)
        sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
        store.put_agent(
            Agent(
                id=sub, email=demo.email, name=demo.name, role=demo.role, group_ids=demo.group_ids,
                quality=demo.quality, editor=demo.editor,
            )
        )  # fmt: skip
        subs[demo.email] = sub
    for group in GROUPS:
        store.put_group(group.model_copy(update={"supervisor_id": subs[SUPERVISOR_EMAIL]}))
    return subs


def _message(
    channel: Channel, message_id: str, sender: Identity, name: str, minutes_ago: int, text: str, **extra: object
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        channel_message_id=message_id,
        sender=sender,
        sender_name=name,
        sent_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
        text=text,
        **extra,
    )


def create_conversations(store: HelpdeskStore, agent_ids: dict[str, str]) -> int:
    """Demo customers and their tickets; returns how many tickets exist for them."""
    maria = Identity(kind=IdentityKind.WHATSAPP, value="50255501234")
    carlos = Identity(kind=IdentityKind.EMAIL, value="carlos.mendez@example.com")
    jose = Identity(kind=IdentityKind.WHATSAPP, value="50370123456")
    lucia = Identity(kind=IdentityKind.EMAIL, value="lucia.ramirez@example.com")
    visitor = Identity(kind=IdentityKind.WEB_SESSION, value="demo-visitor-0001")
    ana = Identity(kind=IdentityKind.WHATSAPP, value="50688887777")
    agent = Actor(kind=ActorKind.AGENT, id=agent_ids["agente@atiende.localhost"], name="Andrés Pérez")

    ingest(_message(Channel.WHATSAPP, "wamid.DEMO-0001", maria, "María López", 95,
                    "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟"), store)  # fmt: skip
    ingest(_message(Channel.WHATSAPP, "wamid.DEMO-0002", maria, "María López", 94,
                    "Lo compré en la tienda en línea, envío a Mixco"), store)  # fmt: skip

    invoice = ingest(_message(Channel.EMAIL, "demo-ses-0001", carlos, "Carlos Méndez", 300,
                              "Buenos días:\n\nNo puedo descargar mi factura de octubre desde el portal. "
                              "Me aparece un error 404.\n\nSaludos,\nCarlos",
                              subject="No puedo descargar mi factura de octubre",
                              thread_key="<demo-0001@mail.example.com>"), store)  # fmt: skip
    _change(store, invoice.ticket.id, agent, status=TicketStatus.OPEN, group_id="facturacion",
            assignee_id=agent_ids["agente@atiende.localhost"])  # fmt: skip

    shipping = ingest(_message(Channel.WHATSAPP, "wamid.DEMO-0003", jose, "José Hernández", 1440,
                               "¿Tienen envíos a San Miguel?"), store)  # fmt: skip
    _change(store, shipping.ticket.id, agent, status=TicketStatus.SOLVED, group_id="soporte-general",
            assignee_id=agent_ids["agente@atiende.localhost"], tags=("envios",))  # fmt: skip
    solved = store.get_ticket(shipping.ticket.id)
    if solved is not None:  # the quality coordinator's queue starts with it (once: one review per ticket)
        open_review(store, solved, Reason.PICKED, current_scorecard(store), datetime.now(UTC))

    hours = ingest(_message(Channel.CHAT, "chat-demo-0001", visitor, "Visitante", 45,
                            "Buenas tardes, ¿cuál es el horario de atención los sábados?"), store)  # fmt: skip
    _change(store, hours.ticket.id, agent, status=TicketStatus.PENDING, group_id="soporte-general")

    ingest(_message(Channel.EMAIL, "demo-ses-0002", lucia, "Lucía Ramírez", 180,
                    "Hola, necesito cambiar la dirección de entrega de mi pedido 5120.",
                    subject="Cambio de dirección de entrega",
                    thread_key="<demo-0002@mail.example.com>"), store)  # fmt: skip
    ingest(_message(Channel.EMAIL, "demo-ses-0003", lucia, "Lucía Ramírez", 170,
                    "La nueva dirección es 5a avenida 10-20, zona 1, Ciudad de Guatemala.",
                    subject="Re: Cambio de dirección de entrega",
                    thread=ThreadHints(replies_to=("<demo-0002@mail.example.com>",))), store)  # fmt: skip

    cancel = ingest(_message(Channel.WHATSAPP, "wamid.DEMO-0004", ana, "Ana Vargas", 20,
                             "Quiero cancelar mi suscripción hoy mismo, me cobraron dos veces"), store)  # fmt: skip
    _change(store, cancel.ticket.id, agent, priority=Priority.URGENT, group_id="facturacion")
    return 6


def _change(store: HelpdeskStore, ticket_id: str, actor: Actor, **changes: object) -> None:
    ticket = store.get_ticket(ticket_id)
    if ticket is None:
        return
    wanted = TicketChanges.model_validate(changes)
    if all(getattr(ticket, name) == getattr(wanted, name) for name in wanted.model_fields_set):
        return  # seeded before
    update_ticket(store, ticket_id, wanted, ticket.version, actor)


SEED_ACTOR = Actor(kind=ActorKind.SYSTEM, name="demo seed")


def seed(session: boto3.Session, user_pool_id: str, store: HelpdeskStore) -> int:
    agent_ids = create_agents(session, user_pool_id, store)
    if not current_setup(store).policies:  # an administrator's own setup is kept
        store.put_sla_setup_document(DEMO_SLA.model_dump(mode="json"), datetime.now(UTC))
    for macro in MACROS:
        save_macro(store, macro, SEED_ACTOR)
    if not template_catalog(store).templates:
        save_template_catalog(store, WHATSAPP_TEMPLATES, SEED_ACTOR, datetime.now(UTC))
    if not current_rules(store).rules:  # an administrator's own rules are kept
        save_rules(store, DEMO_RULES, SEED_ACTOR, datetime.now(UTC))
    if current_scorecard(store).version == 0:  # never saved: an administrator's own is kept
        save_scorecard(store, DEMO_SCORECARD, SEED_ACTOR)
    if current_channels(store).version == 0:  # never saved: an administrator's own are kept
        save_channels(store, demo_channels(), SEED_ACTOR, datetime.now(UTC))
    seed_knowledge(store)
    return create_conversations(store, agent_ids)


def seed_knowledge(store: HelpdeskStore) -> ImportOutcome | None:
    """The demo knowledge base (``local/demo_knowledge``), as ``atiende kb import``
    loads it: only the articles not there yet (an editor's changes are kept).
    None when every demo article is there already."""
    from helpdesk import connections
    from local.knowledge_files import DEMO_FOLDER, read_folder

    missing = [
        ImportedArticle(**f.article.model_dump(exclude={"id"}), id=f.article.id or f.path.stem, status=f.status)
        for f in read_folder(DEMO_FOLDER)
        if store.get_article(f.article.id or f.path.stem) is None
    ]
    if not missing:
        return None
    seeder = Viewer(agent_id="seed", role=Role.ADMIN)
    batch = ArticleImport(articles=tuple(missing))
    return import_articles(store, connections.knowledge_shelf(), seeder, SEED_ACTOR, batch)
