"""Items ↔ domain models: how each entity is laid out in its item, and read back.

Keys come from ``keys``; nothing here decides anything about the help desk.
"""

from datetime import timedelta

from helpdesk.models import (
    Actor,
    Agent,
    Attachment,
    AuditEntry,
    Channel,
    Contact,
    FieldChange,
    Group,
    GroupAssignment,
    Identity,
    Message,
    Notice,
    Notification,
    PhoneCall,
    SetAside,
    SlaBreach,
    Ticket,
    TicketEvent,
    TicketSla,
    TicketStatus,
)
from helpdesk.store import keys
from helpdesk.store.items import (
    AgentItem,
    AuditItem,
    BreachItem,
    ContactItem,
    EventItem,
    GroupItem,
    MessageItem,
    NotificationItem,
    SetAsideItem,
    TicketItem,
)

NOTIFICATION_DAYS = 30  # an agent's notifications expire (TTL) after this


def ticket_item(ticket: Ticket) -> TicketItem:
    updated = keys.updated_sk(ticket)
    item = TicketItem(
        *keys.ticket_key(ticket.id),
        id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        status=ticket.status.value,
        priority=ticket.priority.value,
        channel=ticket.channel.value,
        contact_id=ticket.contact_id,
        group_id=ticket.group_id,
        assignee_id=ticket.assignee_id,
        tags=list(ticket.tags),
        cc=list(ticket.cc),
        recipient=ticket.recipient,
        custom_fields=dict(ticket.custom_fields),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        first_response_at=ticket.first_response_at,
        solved_at=ticket.solved_at,
        last_customer_message_at=ticket.last_customer_message_at,
        GSI1PK=keys.status_partition(ticket.status),
        GSI1SK=updated,
        GSI2PK=keys.group_partition(ticket.group_id, ticket.status) if ticket.group_id else None,
        GSI2SK=updated if ticket.group_id else None,
        GSI3PK=keys.assignee_partition(ticket.assignee_id, ticket.status),
        GSI3SK=updated,
        GSI4PK=keys.contact_pk(ticket.contact_id),
        GSI4SK=keys.created_sk(ticket),
        sla=ticket.sla.model_dump(mode="json", exclude_computed_fields=True) if ticket.sla else None,
        merged_into=ticket.merged_into,
        reopens=ticket.reopens or None,
    )
    check = ticket.sla.next_check if ticket.sla else None
    if check is not None:
        # Never in a minute the checker may have finished already: a check that
        # is overdue when written goes in the minute of the write.
        item.GSI5PK = keys.due_bucket(max(check, ticket.updated_at))
        item.GSI5SK = keys.due_sk(check, ticket.id)
    return item


def ticket_from(item: TicketItem) -> Ticket:
    return Ticket(
        id=item.id,
        number=int(item.number),
        subject=item.subject,
        status=TicketStatus(item.status),
        priority=item.priority,  # pydantic coerces
        channel=Channel(item.channel),
        contact_id=item.contact_id,
        group_id=item.group_id,
        assignee_id=item.assignee_id,
        tags=tuple(item.tags or ()),
        cc=tuple(item.cc or ()),
        recipient=item.recipient,
        custom_fields=item.custom_fields or {},
        created_at=item.created_at,
        updated_at=item.updated_at,
        first_response_at=item.first_response_at,
        solved_at=item.solved_at,
        last_customer_message_at=item.last_customer_message_at,
        sla=TicketSla.model_validate(item.sla) if item.sla else None,
        merged_into=item.merged_into,
        reopens=int(item.reopens or 0),
        version=int(item.version or 1),
    )


def message_item(message: Message) -> MessageItem:
    return MessageItem(
        *keys.message_key(message),
        id=message.id,
        ticket_id=message.ticket_id,
        kind=message.kind.value,
        channel=message.channel.value,
        author=message.author.model_dump(mode="json"),
        text=message.text,
        html=message.html,
        full_text=message.full_text,
        full_html=message.full_html,
        attachments=[a.model_dump(mode="json") for a in message.attachments],
        original=message.original.model_dump(mode="json") if message.original else None,
        notices=[n.model_dump(mode="json") for n in message.notices],
        channel_message_id=message.channel_message_id,
        thread_key=message.thread_key,
        delivery_status=message.delivery_status.value,
        delivery_error=message.delivery_error,
        sent_at=message.sent_at,
        created_at=message.created_at,
        call=message.call.model_dump(mode="json", exclude={"missed"}) if message.call else None,
    )


def message_from(item: MessageItem) -> Message:
    return Message(
        id=item.id,
        ticket_id=item.ticket_id,
        kind=item.kind,
        channel=Channel(item.channel),
        author=Actor.model_validate(item.author),
        text=item.text,
        html=item.html,
        full_text=item.full_text,
        full_html=item.full_html,
        attachments=tuple(Attachment.model_validate(a) for a in item.attachments or ()),
        original=Attachment.model_validate(item.original) if item.original else None,
        notices=tuple(Notice.model_validate(n) for n in item.notices or ()),
        channel_message_id=item.channel_message_id,
        thread_key=item.thread_key,
        delivery_status=item.delivery_status,
        delivery_error=item.delivery_error,
        sent_at=item.sent_at,
        created_at=item.created_at,
        call=PhoneCall.model_validate(item.call) if item.call else None,
    )


def event_item(event: TicketEvent) -> EventItem:
    return EventItem(
        *keys.event_key(event),
        id=event.id,
        ticket_id=event.ticket_id,
        kind=event.kind.value,
        actor=event.actor.model_dump(mode="json"),
        at=event.at,
        changes=[c.model_dump(mode="json") for c in event.changes],
    )


def event_from(item: EventItem) -> TicketEvent:
    return TicketEvent(
        id=item.id,
        ticket_id=item.ticket_id,
        kind=item.kind,
        actor=Actor.model_validate(item.actor),
        at=item.at,
        changes=tuple(FieldChange.model_validate(c) for c in item.changes or ()),
    )


def breach_item(breach: SlaBreach) -> BreachItem:
    return BreachItem(
        *keys.breach_key(breach.ticket_id, breach.id),
        id=breach.id,
        ticket_id=breach.ticket_id,
        metric=breach.metric.value,
        breached_at=breach.breached_at,
        state=breach.state,
    )


def breach_from(item: BreachItem) -> SlaBreach:
    return SlaBreach(
        id=item.id,
        ticket_id=item.ticket_id,
        metric=item.metric,  # pydantic coerces
        breached_at=item.breached_at,
        state=item.state,
        awaiting_acknowledgment=item.task_token is not None,
        acknowledged_by=item.acknowledged_by,
    )


def set_aside_item(entry: SetAside) -> SetAsideItem:
    return SetAsideItem(
        *keys.set_aside_key(entry),
        id=entry.id,
        channel=entry.channel.value,
        reason=entry.reason,
        received_at=entry.received_at,
        sender=entry.sender,
        subject=entry.subject,
        original=entry.original.model_dump(mode="json") if entry.original else None,
        detail=entry.detail,
        ticket_id=entry.ticket_id,
    )


def set_aside_from(item: SetAsideItem) -> SetAside:
    return SetAside(
        id=item.id,
        channel=Channel(item.channel),
        reason=item.reason,
        received_at=item.received_at,
        sender=item.sender,
        subject=item.subject,
        original=Attachment.model_validate(item.original) if item.original else None,
        detail=item.detail,
        ticket_id=item.ticket_id,
    )


def contact_item(contact: Contact) -> ContactItem:
    return ContactItem(
        *keys.contact_key(contact.id),
        id=contact.id,
        name=contact.name,
        country=contact.country,
        language=contact.language.value,
        identities=[i.model_dump(mode="json") for i in contact.identities],
        tier=contact.tier,
        picture=contact.picture.model_dump(mode="json") if contact.picture else None,
        created_at=contact.created_at,
        updated_at=contact.updated_at,
        merged_into=contact.merged_into,
        erased_at=contact.erased_at,
    )


def contact_from(item: ContactItem) -> Contact:
    return Contact(
        id=item.id,
        name=item.name,
        country=item.country,
        language=item.language,
        identities=tuple(Identity.model_validate(i) for i in item.identities or ()),
        tier=item.tier,
        picture=Attachment.model_validate(item.picture) if item.picture else None,
        created_at=item.created_at,
        updated_at=item.updated_at,
        merged_into=item.merged_into,
        erased_at=item.erased_at,
    )


def notification_item(notification: Notification) -> NotificationItem:
    return NotificationItem(
        *keys.notification_key(notification.agent_id, notification.at, notification.id),
        id=notification.id,
        agent_id=notification.agent_id,
        kind=notification.kind.value,
        ticket_id=notification.ticket_id,
        ticket_number=notification.ticket_number,
        subject=notification.subject,
        actor=notification.actor.model_dump(mode="json"),
        at=notification.at,
        expires_at=notification.at + timedelta(days=NOTIFICATION_DAYS),
    )


def notification_from(item: NotificationItem) -> Notification:
    return Notification(
        id=item.id,
        agent_id=item.agent_id,
        kind=item.kind,  # pydantic coerces
        ticket_id=item.ticket_id,
        ticket_number=int(item.ticket_number),
        subject=item.subject,
        actor=Actor.model_validate(item.actor),
        at=item.at,
    )


def agent_item(agent: Agent) -> AgentItem:
    return AgentItem(
        *keys.agent_key(agent.id), id=agent.id, email=agent.email, name=agent.name,
        role=agent.role, group_ids=list(agent.group_ids), active=agent.active, quality=agent.quality,
        editor=agent.editor,
        GSI1PK=keys.AGENT_DIRECTORY, GSI1SK=keys.directory_sk(agent.name, agent.id),
    )  # fmt: skip


def agent_from(item: AgentItem) -> Agent:
    return Agent(
        id=item.id, email=item.email, name=item.name, role=item.role,
        group_ids=tuple(item.group_ids or ()), active=item.active is not False, quality=item.quality is True,
        editor=item.editor is True,
    )  # fmt: skip


def group_item(group: Group) -> GroupItem:
    return GroupItem(
        *keys.group_key(group.id), id=group.id, name=group.name, supervisor_id=group.supervisor_id,
        assignment=group.assignment.model_dump(mode="json"),
        GSI1PK=keys.GROUP_DIRECTORY, GSI1SK=keys.directory_sk(group.name, group.id),
    )  # fmt: skip


def group_from(item: GroupItem) -> Group:
    assignment = GroupAssignment.model_validate(item.assignment) if item.assignment else GroupAssignment()
    return Group(id=item.id, name=item.name, supervisor_id=item.supervisor_id, assignment=assignment)


def audit_item(entry: AuditEntry) -> AuditItem:
    return AuditItem(
        *keys.audit_key(entry),
        id=entry.id,
        at=entry.at,
        actor=entry.actor.model_dump(mode="json"),
        action=entry.action,
        target=entry.target,
        changes=[c.model_dump(mode="json") for c in entry.changes],
    )


def audit_from(item: AuditItem) -> AuditEntry:
    return AuditEntry(
        id=item.id,
        at=item.at,
        actor=Actor.model_validate(item.actor),
        action=item.action,
        target=item.target,
        changes=tuple(FieldChange.model_validate(c) for c in item.changes or ()),
    )
