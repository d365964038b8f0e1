"""Running the help desk: the team (agents, groups), what tickets carry (ticket
fields, macros, WhatsApp templates), the channels (support addresses and
WhatsApp numbers), SLA setup, and what administrators look back on (the audit
log, what the channels set aside, dead letters)."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from chalice import Response
from pydantic import AwareDatetime, ConfigDict, Field

from agent_api import answers
from agent_api.routing import Area, Caller, json_answer, require_same
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.admin.dead_letters import DeadLetters, Redriven, dead_letter_view, redrive
from helpdesk.channels.email.intake import SetAsideMail, read_set_aside, take_in_set_aside
from helpdesk.channels.setup import ChannelSetup, current_channels, save_channels
from helpdesk.channels.whatsapp.templates import TemplateCatalog, save_template_catalog, template_catalog
from helpdesk.clock import utc_now
from helpdesk.models import Agent, Group, SetAside
from helpdesk.rules.ruleset import RuleSet, current_rules, save_rules
from helpdesk.rules.trial import RuleTrial, TrialResult, try_rule
from helpdesk.settings import mail_settings
from helpdesk.sla.calendars import Holiday, holidays_in
from helpdesk.sla.policies import SlaSetup
from helpdesk.sla.preview import PreviewRequest, SlaPreview, preview
from helpdesk.sla.setup import current_setup, save_sla_setup
from helpdesk.team.agents import AgentChanges, AgentInvite, GroupNotFound, change_agent, invite_agent, save_group
from helpdesk.team.sign_in import SignInPolicy, save_sign_in_policy, sign_in_policy
from helpdesk.tickets.fields import TicketFieldSetup, save_ticket_field_setup, ticket_field_setup
from helpdesk.tickets.macros import Macro, MacroNotFound, delete_macro, list_macros, save_macro
from helpdesk.validated import Validated

area = Area("admin")

# --- the team --------------------------------------------------------------------------


@area.route("/api/agents", answer=answers.Team)
def agents(caller: Caller) -> Response:
    """The team, by name: who a ticket can be assigned to or a note can mention."""
    return json_answer({"agents": [a.model_dump(mode="json") for a in connections.store().list_agents()]})


@area.route("/api/agents", methods=("POST",), role=Role.ADMIN, answer=Agent, status=201, body=AgentInvite)
def invite(caller: Caller, body: AgentInvite) -> Response:
    """Invite an agent (administrators): Cognito e-mails them a temporary password."""
    return json_answer(invite_agent(connections.store(), connections.directory(), body, caller.actor), status=201)


@area.route("/api/agents/{agent_id}", methods=("PATCH",), role=Role.ADMIN, answer=Agent, body=AgentChanges)
def change_an_agent(caller: Caller, agent_id: str, body: AgentChanges) -> Response:
    """Change an agent's name, role or groups, or deactivate them (administrators);
    the last active administrator cannot be demoted or deactivated."""
    return json_answer(change_agent(connections.store(), connections.directory(), agent_id, body, caller.actor))


@area.route("/api/sign-in-policy", role=Role.ADMIN, answer=SignInPolicy)
def get_sign_in_policy(caller: Caller) -> Response:
    """How agents stay signed in (administrators): the idle time before the console
    signs them out, and whether administrators and supervisors must use MFA."""
    return json_answer(sign_in_policy(connections.store()))


@area.route("/api/sign-in-policy", methods=("PUT",), role=Role.ADMIN, answer=SignInPolicy, body=SignInPolicy)
def put_sign_in_policy(caller: Caller, body: SignInPolicy) -> Response:
    """Replace the sign-in policy (administrators); consoles apply it when they next
    load. Requiring MFA takes an administrator who has it on (else 409)."""
    now = utc_now()
    directory = connections.directory()
    saved = save_sign_in_policy(connections.store(), body, caller.actor, caller.principal.email, directory, now)
    connections.mfa_gate().saved(saved, now)
    return json_answer(saved)


@area.route("/api/groups", answer=answers.Groups)
def groups(caller: Caller) -> Response:
    """The groups, by name, with their supervisor and assignment settings."""
    return json_answer(answers.Groups(groups=connections.store().list_groups()))


@area.route("/api/groups/{group_id}", methods=("PUT",), role=Role.ADMIN, answer=Group, body=Group)
def put_group(caller: Caller, group_id: str, body: Group) -> Response:
    """Create or change a group (administrators)."""
    require_same(group_id, body.id, GroupNotFound)
    return json_answer(save_group(connections.store(), body, caller.actor))


# --- what tickets carry ------------------------------------------------------------------


@area.route("/api/ticket-fields", answer=TicketFieldSetup)
def ticket_fields(caller: Caller) -> Response:
    """The team's tags and custom field definitions."""
    return json_answer(ticket_field_setup(connections.store()))


@area.route("/api/ticket-fields", methods=("PUT",), role=Role.ADMIN, answer=TicketFieldSetup, body=TicketFieldSetup)
def put_ticket_fields(caller: Caller, body: TicketFieldSetup) -> Response:
    """Replace the tags and custom field definitions (administrators)."""
    return json_answer(save_ticket_field_setup(connections.store(), body, caller.actor, utc_now()))


@area.route("/api/whatsapp-templates", answer=TemplateCatalog)
def whatsapp_templates(caller: Caller) -> Response:
    """The WhatsApp templates Meta approved: what the reply box offers outside the 24-hour window."""
    return json_answer(template_catalog(connections.store()))


@area.route("/api/whatsapp-templates", methods=("PUT",), role=Role.ADMIN, answer=TemplateCatalog, body=TemplateCatalog)
def put_whatsapp_templates(caller: Caller, body: TemplateCatalog) -> Response:
    """Replace the list of approved WhatsApp templates (administrators)."""
    return json_answer(save_template_catalog(connections.store(), body, caller.actor, utc_now()))


@area.route("/api/macros", answer=answers.Macros)
def macros(caller: Caller) -> Response:
    """The team's macros, by name."""
    return json_answer(answers.Macros(macros=list_macros(connections.store())))


@area.route("/api/macros/{macro_id}", methods=("PUT",), role=Role.ADMIN, answer=Macro, body=Macro)
def put_macro(caller: Caller, macro_id: str, body: Macro) -> Response:
    """Create or replace a macro (administrators); unknown placeholders are refused."""
    require_same(macro_id, body.id, MacroNotFound)
    return json_answer(save_macro(connections.store(), body, caller.actor))


@area.route("/api/macros/{macro_id}", methods=("DELETE",), role=Role.ADMIN, answer=answers.Deleted)
def remove_macro(caller: Caller, macro_id: str) -> Response:
    """Delete a macro (administrators)."""
    delete_macro(connections.store(), macro_id, caller.actor)
    return json_answer(answers.Deleted(deleted=macro_id))


# --- channels ------------------------------------------------------------------------------


@area.route("/api/channels", role=Role.SUPERVISOR, answer=ChannelSetup)
def channels(caller: Caller) -> Response:
    """The support addresses and WhatsApp numbers the desk answers, each with its
    display name, default group and language, and the setup's version."""
    return json_answer(current_channels(connections.store()))


@area.route("/api/channels", methods=("PUT",), role=Role.ADMIN, answer=ChannelSetup, body=ChannelSetup)
def replace_channels(caller: Caller, body: ChannelSetup) -> Response:
    """Replace the channel setup (administrators), sending the ``version`` it was
    read at: if someone saved since, 409 ``error.stale_setting`` and nothing
    changes. Default groups must exist (else 422). New tickets follow it at once."""
    return json_answer(save_channels(connections.store(), body, caller.actor, utc_now()))


# --- routing and automation rules ----------------------------------------------------------


@area.route("/api/rules", role=Role.SUPERVISOR, answer=RuleSet)
def rules(caller: Caller) -> Response:
    """The routing and automation rules, in the order they run."""
    return json_answer(current_rules(connections.store()))


@area.route("/api/rules", methods=("PUT",), role=Role.ADMIN, answer=RuleSet, body=RuleSet)
def replace_rules(caller: Caller, body: RuleSet) -> Response:
    """Replace the rules (administrators); the next event follows them."""
    return json_answer(save_rules(connections.store(), body, caller.actor, utc_now()))


@area.route("/api/rules/test", methods=("POST",), role=Role.SUPERVISOR, answer=TrialResult, body=RuleTrial)
def test_rule(caller: Caller, body: RuleTrial) -> Response:
    """What one rule (saved or not) would do to the latest 500 tickets; changes nothing."""
    return json_answer(try_rule(connections.store(), body.rule))


# --- SLA setup ---------------------------------------------------------------------------


@area.route("/api/sla-setup", role=Role.SUPERVISOR, answer=SlaSetup)
def sla_setup(caller: Caller) -> Response:
    """The SLA calendars, policies (first match applies) and escalation contacts."""
    return json_answer(current_setup(connections.store()))


@area.route("/api/sla-setup", methods=("PUT",), role=Role.ADMIN, answer=SlaSetup, body=SlaSetup)
def replace_sla_setup(caller: Caller, body: SlaSetup) -> Response:
    """Replace the SLA setup (administrators). Tickets pick up a changed
    policy the next time they change; running timers keep their due times."""
    return json_answer(save_sla_setup(connections.store(), body, caller.actor, utc_now()))


@area.route("/api/sla-setup/preview", methods=("POST",), role=Role.SUPERVISOR, answer=SlaPreview, body=PreviewRequest)
def sla_preview(caller: Caller, body: PreviewRequest) -> Response:
    """What a setup (saved or not) promises a ticket with these conditions created
    at ``at`` (default now): the policy that applies and when its first response
    and resolution fall due, in the calendar's time zone. Nothing is saved."""
    return json_answer(preview(body.setup, body.ticket, body.at or utc_now()))


class HolidayParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    year: Annotated[int, Field(ge=2000, le=2100)]
    language: Literal["es", "en"] = "es"


class Holidays(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str
    year: int
    holidays: tuple[Holiday, ...]


@area.route("/api/holidays", role=Role.SUPERVISOR, answer=Holidays, query=HolidayParams)
def public_holidays(caller: Caller, query: HolidayParams) -> Response:
    """A country's public holidays in a year, as SLA calendars close on them."""
    found = holidays_in(query.country, query.year, query.language)
    return json_answer(Holidays(country=query.country, year=query.year, holidays=found))


# --- looking back ------------------------------------------------------------------------

Month = Annotated[str, Field(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")]  # YYYY-MM; year 0 is no month


def _month_start(month: str | None) -> datetime:
    """The month asked for (``YYYY-MM``), or this one."""
    return datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC) if month else utc_now()


class AuditParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    month: Month | None = None


@area.route("/api/audit", role=Role.ADMIN, answer=answers.AuditMonth, query=AuditParams)
def audit(caller: Caller, query: AuditParams) -> Response:
    """One month of the audit log, newest first (administrators)."""
    month = _month_start(query.month)
    return json_answer(answers.AuditMonth(month=f"{month:%Y-%m}", entries=connections.store().audit_log(month)))


class SetAsideParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    month: Month | None = None


@area.route("/api/set-aside", answer=answers.SetAsideMonth, query=SetAsideParams)
def set_aside(caller: Caller, query: SetAsideParams) -> Response:
    """Inbound that became no ticket message (quarantined, unreadable, auto-replies
    answering nothing, unmatched bounces), newest first, for one month."""
    month = _month_start(query.month)
    entries = connections.store().set_aside_in_month(month)
    return json_answer({"month": f"{month:%Y-%m}", "entries": [e.model_dump(mode="json") for e in entries]})


class SetAsideEntryParams(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    received_at: AwareDatetime


@area.route("/api/set-aside/{entry_id}", answer=SetAsideMail, query=SetAsideEntryParams)
def set_aside_mail(caller: Caller, entry_id: str, query: SetAsideEntryParams) -> Response:
    """One set-aside mail to read before deciding: its text and sanitized HTML
    (only the text when it carries a virus)."""
    return json_answer(read_set_aside(query.received_at, entry_id, connections.store(), connections.files()))


class TakeIn(Validated):
    model_config = ConfigDict(extra="forbid", frozen=True)

    received_at: AwareDatetime  # as the set-aside list gives it: with the id, where the entry is kept


@area.route("/api/set-aside/{entry_id}/ticket", methods=("POST",), answer=SetAside, body=TakeIn)
def take_in(caller: Caller, entry_id: str, body: TakeIn) -> Response:
    """Make a mail set aside as spam, as an auto-reply or as unreadable a ticket,
    through the same intake, once (again: the same ticket). Mail with a virus,
    or with no sender, cannot be taken in (422)."""
    entry = take_in_set_aside(body.received_at, entry_id, connections.store(), connections.files(), mail_settings())
    return json_answer(entry)


@area.route("/api/dead-letters/{queue}/redrive", methods=("POST",), role=Role.SUPERVISOR, answer=Redriven, status=200)
def redrive_dead_letters(caller: Caller, queue: str) -> Response:
    """Send a dead-letter queue's messages (up to 500 a time) back to the queue
    they came from, once the cause is fixed (supervisors and admins; audited)."""
    return json_answer(redrive(connections.dead_letters(), connections.store(), queue, caller.actor, utc_now()))


@area.route("/api/dead-letters", role=Role.SUPERVISOR, answer=DeadLetters)
def dead_letters(caller: Caller) -> Response:
    """What the queues gave up on (mail that kept failing, replies, WhatsApp
    updates), with a sample of each, for supervisors and admins to follow up
    (the samples hold customers' messages: not for every agent)."""
    return json_answer(dead_letter_view(connections.dead_letters()))
