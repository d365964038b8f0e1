"""The team: inviting agents, changing their role, groups and name,
deactivating them, and the groups themselves. Sign-in lives in Cognito (the
``SignInDirectory``); the agents table is what the help desk reads, and the
audit log records every change."""

from typing import Annotated, Protocol

from pydantic import ConfigDict, Field

from helpdesk.access import Role
from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, Agent, Group, GroupId
from helpdesk.store import HelpdeskStore
from helpdesk.tickets.replies import EmailAddress
from helpdesk.validated import Validated


class AgentNotFound(HelpdeskError):
    message_key = "error.agent_not_found"


class GroupNotFound(HelpdeskError):
    message_key = "error.group_not_found"


class LastAdmin(HelpdeskError):
    """The help desk would have nobody left to change its settings."""

    message_key = "error.last_admin"


class SignInDirectory(Protocol):
    def invite(self, email: str, name: str, role: str) -> str: ...
    def set_role(self, email: str, role: str) -> None: ...
    def set_name(self, email: str, name: str) -> None: ...
    def set_active(self, email: str, active: bool) -> None: ...


class AgentInvite(Validated):
    """Body of ``POST /api/agents``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: EmailAddress
    name: Annotated[str, Field(min_length=1, max_length=120)]
    role: Role = Role.AGENT
    group_ids: Annotated[tuple[GroupId, ...], Field(max_length=50)] = ()
    quality: bool = False  # the quality right: may review others' work
    editor: bool = False  # the editor right: writes and publishes knowledge-base articles


class AgentChanges(Validated):
    """Body of ``PATCH /api/agents/{id}``: fields left out stay as they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    role: Role | None = None
    group_ids: Annotated[tuple[GroupId, ...], Field(max_length=50)] | None = None
    active: bool | None = None
    quality: bool | None = None
    editor: bool | None = None


def _known_groups(store: HelpdeskStore, group_ids: tuple[str, ...]) -> tuple[str, ...]:
    for group_id in group_ids:
        if store.get_group(group_id) is None:
            raise GroupNotFound(group_id)
    return tuple(dict.fromkeys(group_ids))


def invite_agent(store: HelpdeskStore, directory: SignInDirectory, invite: AgentInvite, actor: Actor) -> Agent:
    email = invite.email.lower()
    groups = _known_groups(store, invite.group_ids)
    agent_id = directory.invite(email, invite.name, invite.role.value)
    agent = Agent(
        id=agent_id,
        email=email,
        name=invite.name,
        role=invite.role.value,
        group_ids=groups,
        quality=invite.quality,
        editor=invite.editor,
    )
    store.put_agent(agent, audit_entry(actor, "agent.invited", email, None, agent))
    return agent


def change_agent(
    store: HelpdeskStore, directory: SignInDirectory, agent_id: str, changes: AgentChanges, actor: Actor
) -> Agent:
    before = store.get_agent(agent_id)
    if before is None:
        raise AgentNotFound(agent_id)
    update: dict[str, object] = changes.model_dump(mode="json", exclude_none=True)
    if changes.group_ids is not None:
        update["group_ids"] = _known_groups(store, changes.group_ids)
    after = before.model_copy(update=update)
    if after == before:
        return before
    demoted = before.role == Role.ADMIN.value and before.active and (after.role != Role.ADMIN.value or not after.active)
    if demoted and not any(a.active and a.role == Role.ADMIN.value for a in store.list_agents() if a.id != agent_id):
        raise LastAdmin(agent_id)
    if after.role != before.role:
        directory.set_role(before.email, after.role)
    if after.name != before.name:
        directory.set_name(before.email, after.name)
    if after.active != before.active:
        directory.set_active(before.email, after.active)
    action = "agent.deactivated" if before.active and not after.active else "agent.changed"
    store.put_agent(after, audit_entry(actor, action, before.email, before, after))
    return after


def save_group(store: HelpdeskStore, group: Group, actor: Actor) -> Group:
    """Create or change a group; its supervisor must be an active agent."""
    if group.supervisor_id is not None:
        supervisor = store.get_agent(group.supervisor_id)
        if supervisor is None or not supervisor.active:
            raise AgentNotFound(group.supervisor_id)
    before = store.get_group(group.id)
    if before == group:
        return group
    store.put_group(group, audit_entry(actor, "group.saved", group.id, before, group))
    return group
