"""Who may see and change which tickets (roles: agent, supervisor, admin).

- An **agent** works the tickets of their own groups, tickets not yet in any
  group (the shared inbox), and tickets assigned to them. They may take a
  ticket (assign it to themselves) or release it, but not hand it to someone
  else.
- A **supervisor** sees the same tickets and reassigns them freely; they also
  acknowledge escalations and look at what the channels set aside.
- An **admin** sees everything and changes the settings.
- The **quality** right (``Agent.quality``) comes on top of a role: its holder
  reviews others' work (``helpdesk.quality``: the review queue, scoring, the
  scorecard, scores over time). Admins always hold it; an admin grants it to a
  supervisor or an agent. It widens nothing else: a quality coordinator who is
  an agent still works only their groups' tickets in the inbox.
- The **editor** right (``Agent.editor``) comes on top of a role too: its holder
  writes, publishes, archives and restores knowledge-base articles
  (``helpdesk.knowledge``). Admins always hold it; an admin grants it. Every
  agent reads the knowledge base (internal articles included) without it.
- An **API key** (``helpdesk.api_keys``) acts as an agent who reaches every
  group's tickets (``all_groups``), within the scopes the key holds; it never
  has a supervisor's or an admin's rights.

The API enforces these on every route; the console only hides what the server
would refuse anyway.
"""

from dataclasses import dataclass
from enum import StrEnum

from helpdesk.errors import HelpdeskError
from helpdesk.models import Agent, Ticket


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    def at_least(self, other: "Role") -> bool:
        order = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
        return order.index(self) >= order.index(other)


class NotAllowed(HelpdeskError):
    """The caller's role or groups do not allow this."""

    message_key = "error.forbidden"


@dataclass(frozen=True)
class Viewer:
    """The signed-in agent as access rules see them."""

    agent_id: str
    role: Role
    group_ids: tuple[str, ...] = ()
    all_groups: bool = False  # an API key: every group's tickets, with an agent's rights only
    quality: bool = False  # the quality right, as granted (admins hold it anyway)
    editor: bool = False  # the editor right (knowledge base), as granted (admins hold it anyway)

    @classmethod
    def of(cls, agent: Agent) -> "Viewer":
        """An agent as the access rules see them (their role and groups on record)."""
        return cls(
            agent_id=agent.id,
            role=Role(agent.role),
            group_ids=agent.group_ids,
            quality=agent.quality,
            editor=agent.editor,
        )

    @property
    def sees_everything(self) -> bool:
        return self.role is Role.ADMIN or self.all_groups

    @property
    def reviews_quality(self) -> bool:
        """Holds the quality right: granted, or an admin (never an API key)."""
        return not self.all_groups and (self.quality or self.role is Role.ADMIN)

    @property
    def edits_knowledge(self) -> bool:
        """Holds the editor right: granted, or an admin (never an API key)."""
        return not self.all_groups and (self.editor or self.role is Role.ADMIN)

    def require_editor(self) -> None:
        if not self.edits_knowledge:
            raise NotAllowed("needs the editor right")

    def require(self, role: Role) -> None:
        if not self.role.at_least(role):
            raise NotAllowed(f"needs role {role.value}")

    def require_quality(self) -> None:
        if not self.reviews_quality:
            raise NotAllowed("needs the quality right")

    def can_see(self, ticket: Ticket) -> bool:
        return (
            self.sees_everything
            or ticket.group_id is None
            or ticket.group_id in self.group_ids
            or ticket.assignee_id == self.agent_id
        )

    def require_visible(self, ticket: Ticket) -> None:
        if not self.can_see(ticket):
            raise NotAllowed("ticket of another group")

    def require_assignable(self, ticket: Ticket, assignee_id: str | None) -> None:
        """Agents take or release tickets; handing one to someone else needs a
        supervisor. An API key is no agent: it may release a ticket, never hold one."""
        if self.all_groups and assignee_id not in (None, ticket.assignee_id):
            raise NotAllowed("an API key cannot hold a ticket")
        if assignee_id in (None, self.agent_id, ticket.assignee_id):
            return
        self.require(Role.SUPERVISOR)
