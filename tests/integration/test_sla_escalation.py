"""SLAs end to end in moto: a ticket's timers go into the due-minute index, the
checker records warnings and breaches once (overlapping and missed runs
included), and a breach runs the real escalation state machine from
infra/statemachines/ (moto executes it): notify the assignee, reassign to the
supervisor, wait for the acknowledgment or time out into the next tier, and
stop as soon as the ticket is answered."""

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_string
from email import policy as email_policy
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

from helpdesk.conversations.ingest import ingest
from helpdesk.models import Actor, ActorKind, Agent, Channel, Group, Priority, SlaMetric, SlaTimer, TicketStatus
from helpdesk.providers.ses import SesMailer
from helpdesk.providers.sqs import SqsOutboundQueue
from helpdesk.providers.step_functions import StepFunctionsFlows
from helpdesk.settings import EscalationSettings, MailSettings, NoticeSettings, StoreSettings
from helpdesk.sla.checker import CHECKPOINT, check_slas
from helpdesk.sla.escalation import (
    EscalationStep,
    NotAcknowledgeable,
    Step,
    acknowledge,
    carry_out,
    start_breach_escalation,
)
from helpdesk.sla.escalation import start_handoff as start_handoff_flow
from helpdesk.sla.policies import PolicyConditions, SlaPolicy, SlaSetup, SlaTarget
from helpdesk.store import HelpdeskStore, due_bucket
from helpdesk.team.notices import AgentNotices
from helpdesk.tickets.changes import TicketChanges, update_ticket
from helpdesk.tickets.replies import ReplyDraft, reply_to_ticket
from local.atomic_moto import serialize_in_process_requests
from local.provision import create_state_machines, table_definition
from tests.conftest import REGION, TABLE, inbound

SUPPORT = "soporte@atiende.example"
ASSIGNEE = Agent(id="agent-1", email="andres@atiende.example", name="Andrés Pérez", role="agent")
SUPERVISOR = Agent(id="sup-1", email="sofia@atiende.example", name="Sofía Castillo", role="supervisor")
NEXT_TIER = "gerencia@atiende.example"
ONE_MINUTE = SlaPolicy(
    id="chat",
    name="Un minuto",
    conditions=PolicyConditions(channels=(Channel.WHATSAPP,)),
    targets=(
        SlaTarget(metric=SlaMetric.FIRST_RESPONSE, minutes=1, business_hours=False),
        SlaTarget(metric=SlaMetric.RESOLUTION, minutes=60, business_hours=False),
    ),
)
SETUP = SlaSetup(policies=(ONE_MINUTE,), escalation_contacts=(NEXT_TIER,))


@dataclass
class RecordingEvents:
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        self.published.append((detail_type, detail))


@dataclass
class SlaDesk:
    store: HelpdeskStore
    settings: EscalationSettings
    flows: StepFunctionsFlows
    notices: AgentNotices
    sfn: Any
    sqs: Any
    mail: MailSettings
    events: RecordingEvents = field(default_factory=RecordingEvents)
    started: list[str] = field(default_factory=list)

    def wait(self, assignee: int | None = None, acknowledgment: int | None = None) -> None:
        """Longer waits for a test that must act inside one: a loaded machine
        (CI runs two workers on two cores) can take seconds between a step and
        the test's answer to it, and a flow that timed out already refuses it."""
        changes = {"assignee_wait_seconds": assignee, "acknowledgment_wait_seconds": acknowledgment}
        self.settings = self.settings.model_copy(update={k: v for k, v in changes.items() if v is not None})

    def escalate(self, ticket_id: str, timer: SlaTimer) -> bool:
        started = start_breach_escalation(self.flows, self.settings, ticket_id, timer)
        if started:
            self.started.append(ticket_id)
        return started

    def check(self, now: datetime) -> Any:
        return check_slas(self.store, now, self.events, self.escalate)

    def steps(self, until: Any, seconds: float = 20) -> list[str]:
        """Carry out the escalation queue's steps (as the escalation function
        would) until ``until()`` is true; returns the actions seen."""
        seen: list[str] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            received = self.sqs.receive_message(QueueUrl=self.settings.steps_queue_url, MaxNumberOfMessages=10)
            for message in received.get("Messages", []):
                step = EscalationStep.model_validate_json(message["Body"])
                carry_out(step, self.store, self.notices)
                seen.append(step.action.value)
                self.sqs.delete_message(QueueUrl=self.settings.steps_queue_url, ReceiptHandle=message["ReceiptHandle"])
            time.sleep(0.1)
        return seen

    def execution(self, ticket_id: str) -> dict[str, Any]:
        executions = self.sfn.list_executions(stateMachineArn=self.settings.breach_flow_arn)["executions"]
        (found,) = [e for e in executions if e["name"].startswith(ticket_id)]
        return dict(self.sfn.describe_execution(executionArn=found["executionArn"]))

    def final_state(self, ticket_id: str) -> str:
        arn = self.execution(ticket_id)["executionArn"]
        history = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
        return entered[-1]


def sent_notices() -> list[tuple[str, str, tuple[str, ...]]]:
    """(notice kind, subject, recipients) of every mail moto's SES sent."""
    found = []
    for sent in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages:
        if isinstance(sent, RawMessage):
            raw = sent.raw_data if isinstance(sent.raw_data, str) else sent.raw_data.decode()
            headers = message_from_string(raw, policy=email_policy.default)
            recipients = tuple(dict.fromkeys(sent.destinations))  # moto lists header and envelope both
            found.append((str(headers["X-Atiende-Notice"]), str(headers["Subject"]), recipients))
    return found


@pytest.fixture
def desk(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlaDesk]:
    serialize_in_process_requests()
    HelpdeskStore.forget_sla_setup()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        session = boto3.Session(region_name=REGION)
        session.client("dynamodb").create_table(TableName=TABLE, **table_definition())
        sqs = session.client("sqs")
        # A queue of its own per test: an execution a test leaves running can
        # never drop a step into the next test's queue.
        steps_url = sqs.create_queue(QueueName=f"escalation-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        outbound_url = sqs.create_queue(QueueName="outbound")["QueueUrl"]
        ses = session.client("ses")
        ses.verify_domain_identity(Domain="atiende.example")
        arns = create_state_machines(session, "test")
        settings = EscalationSettings.model_validate(
            {
                "ESCALATION_STATE_MACHINE_ARN": arns["BreachEscalationFlow"],
                "HANDOFF_STATE_MACHINE_ARN": arns["BotHandoffFlow"],
                "ESCALATION_QUEUE_URL": steps_url,
                "TABLE_NAME": TABLE,
                "ESCALATION_ASSIGNEE_WAIT_SECONDS": "3",
                "ESCALATION_ACKNOWLEDGMENT_SECONDS": "4",
            }
        )
        store = HelpdeskStore(StoreSettings.from_environment())
        store.put_sla_setup_document(SETUP.model_dump(mode="json"), datetime.now(UTC))
        for agent in (ASSIGNEE, SUPERVISOR):
            store.put_agent(agent)
        store.put_group(Group(id="soporte", name="Soporte", supervisor_id=SUPERVISOR.id))
        mail = MailSettings.model_validate(
            {"SUPPORT_ADDRESS": SUPPORT, "RAW_MAIL_BUCKET": "raw", "ATTACHMENTS_BUCKET": "files"}
        )
        monkeypatch.setattr("helpdesk.tickets.replies.utc_now", lambda: datetime.now(UTC))
        yield SlaDesk(
            store=store,
            settings=settings,
            flows=StepFunctionsFlows(session.client("stepfunctions")),
            notices=AgentNotices(SesMailer(ses), NoticeSettings.model_validate({"SUPPORT_ADDRESS": SUPPORT})),
            sfn=session.client("stepfunctions"),
            sqs=sqs,
            mail=mail,
        )
        _ = outbound_url
        _stop_executions(session.client("stepfunctions"), arns.values())
    HelpdeskStore.forget_sla_setup()


def _stop_executions(sfn: Any, state_machines: Any) -> None:
    """Executions run on threads: stop what a test left running, so it cannot
    reach into the next test's moto."""
    for arn in state_machines:
        for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
            with contextlib.suppress(Exception):  # moto cannot stop one that is just starting
                sfn.stop_execution(executionArn=execution["executionArn"])


def assigned_ticket(desk: SlaDesk, sender: str) -> str:
    """A WhatsApp ticket in the support group, assigned to the agent."""
    ticket = ingest(inbound(sender=sender, text="¿Me ayudan con mi factura?"), desk.store).ticket
    actor = Actor(kind=ActorKind.AGENT, id=ASSIGNEE.id, name=ASSIGNEE.name)
    changes = TicketChanges(group_id="soporte", assignee_id=ASSIGNEE.id, status=TicketStatus.OPEN)
    update_ticket(desk.store, ticket.id, changes, ticket.version, actor)
    return ticket.id


def test_a_running_timer_puts_the_ticket_in_the_bucket_of_its_next_check(desk: SlaDesk) -> None:
    ticket = ingest(inbound(sender="50255500001"), desk.store).ticket
    assert ticket.sla is not None
    first = ticket.sla.timer(SlaMetric.FIRST_RESPONSE)
    assert first is not None and first.warn_at is not None
    # Warning at 80% of a minute: 48 s after the ticket opened
    assert first.warn_at == ticket.created_at + timedelta(seconds=48)
    assert [t.id for t in desk.store.tickets_due_in(first.warn_at)] == [ticket.id]

    # Once answered, the next check is the resolution warning, 48 minutes on
    agent = Actor(kind=ActorKind.AGENT, id=ASSIGNEE.id, name=ASSIGNEE.name)
    reply_to_ticket(desk.store, SqsOutboundQueue(desk.sqs, desk.sqs.get_queue_url(QueueName="outbound")["QueueUrl"]),
                    ticket.id, ReplyDraft(body="Con gusto"), agent, desk.mail)  # fmt: skip
    assert desk.store.tickets_due_in(first.warn_at) == []
    answered = desk.store.get_ticket(ticket.id)
    assert answered is not None and answered.sla is not None
    assert answered.sla.next_check == ticket.created_at + timedelta(minutes=48)
    assert [t.id for t in desk.store.tickets_due_in(answered.sla.next_check)] == [ticket.id]


def test_checker_records_warning_then_breach_once_even_when_runs_overlap(desk: SlaDesk) -> None:
    ticket = ingest(inbound(sender="50255500002"), desk.store).ticket
    opened = ticket.created_at

    warned = desk.check(opened + timedelta(seconds=50))
    assert (warned.warnings, warned.breaches) == (1, 0)
    # Two runs at the same moment (an overlap): the breach is recorded once,
    # and its escalation starts once.
    first = desk.check(opened + timedelta(seconds=70))
    second = desk.check(opened + timedelta(seconds=70))
    assert (first.breaches, second.breaches) == (1, 0)
    assert desk.started == [ticket.id]

    thread = desk.store.get_thread(ticket.id)
    assert thread is not None
    kinds = [e.kind.value for e in thread.events]
    assert kinds.count("sla_warning") == 1 and kinds.count("sla_breach") == 1
    timer = thread.ticket.sla.timer(SlaMetric.FIRST_RESPONSE)  # type: ignore[union-attr]
    assert timer is not None and timer.state == "breached"
    assert [d for d, _ in desk.events.published] == ["SlaWarning", "SlaBreached"]


def test_checker_catches_up_after_missed_runs_from_its_checkpoint(desk: SlaDesk) -> None:
    ticket = ingest(inbound(sender="50255500003"), desk.store).ticket
    minute = ticket.created_at.replace(second=0, microsecond=0)
    desk.check(ticket.created_at)  # a run right after the ticket opened: nothing due
    assert desk.store.checkpoint(CHECKPOINT) == minute - timedelta(minutes=1)

    # The schedule stops for 30 minutes; the next run reads every minute missed
    report = desk.check(minute + timedelta(minutes=30, seconds=10))
    assert report.minutes == 31 and report.breaches == 1
    assert desk.store.checkpoint(CHECKPOINT) == minute + timedelta(minutes=29)
    # The next run reads the minute it may not have finished, and its own
    assert desk.check(minute + timedelta(minutes=31, seconds=10)).minutes == 2


def test_overdue_timers_land_in_a_bucket_the_checker_still_reads(desk: SlaDesk) -> None:
    ticket = ingest(inbound(sender="50255500004"), desk.store).ticket
    now = ticket.created_at
    desk.check(now + timedelta(minutes=5))  # breached; checkpoint moves on
    # Reopening a solved ticket starts resolution again: due in the future, in a
    # bucket at or after the write, never behind the checkpoint.
    agent = Actor(kind=ActorKind.AGENT, id=ASSIGNEE.id, name=ASSIGNEE.name)
    current = desk.store.get_ticket(ticket.id)
    assert current is not None and current.sla is not None
    check = current.sla.next_check
    assert check is not None
    updated = update_ticket(desk.store, ticket.id, TicketChanges(priority=Priority.HIGH), current.version, agent)
    assert updated.sla is not None and updated.sla.next_check == check
    assert desk.store.tickets_due_in(max(check, updated.updated_at))[0].id == ticket.id
    assert due_bucket(max(check, updated.updated_at)) >= due_bucket(updated.updated_at)


@pytest.mark.slow  # real threads or real state-machine waits
def test_breach_escalates_to_the_supervisor_who_acknowledges(desk: SlaDesk) -> None:
    desk.wait(acknowledgment=120)  # the acknowledgment ends the wait at once
    ticket_id = assigned_ticket(desk, "50255500005")
    opened = desk.store.get_ticket(ticket_id).created_at  # type: ignore[union-attr]
    desk.check(opened + timedelta(minutes=2))

    seen = desk.steps(until=lambda: any(k == "breach_supervisor" for k, _, _ in sent_notices()))
    assert seen == ["notify_assignee", "reassign_to_supervisor", "notify_supervisor"]
    ticket = desk.store.get_ticket(ticket_id)
    assert ticket is not None and (ticket.assignee_id, ticket.priority) == (SUPERVISOR.id, Priority.HIGH)
    notices = sent_notices()
    assert ("breach_assignee", f"SLA vencido: ticket #{ticket.number}", (ASSIGNEE.email,)) in notices
    assert any(kind == "breach_supervisor" and to == (SUPERVISOR.email,) for kind, _, to in notices)

    (breach,) = _breach_ids(desk, ticket_id)
    supervisor = Actor(kind=ActorKind.AGENT, id=SUPERVISOR.id, name=SUPERVISOR.name)
    acknowledge(desk.store, desk.flows, ticket_id, breach, supervisor)
    with pytest.raises(NotAcknowledgeable):  # twice: nothing waits any more
        acknowledge(desk.store, desk.flows, ticket_id, breach, supervisor)
    _wait_for(lambda: desk.execution(ticket_id)["status"] == "SUCCEEDED")
    assert desk.final_state(ticket_id) == "Acknowledged"
    history = desk.store.get_thread(ticket_id).events  # type: ignore[union-attr]
    assert [e.kind.value for e in history].count("escalated") == 2  # reassigned, acknowledged


def test_a_reassignment_delivered_again_raises_the_priority_once_per_breach(desk: SlaDesk) -> None:
    ticket_id = assigned_ticket(desk, "50255500015")
    first, second = (
        EscalationStep(action=Step.REASSIGN_TO_SUPERVISOR, ticket_id=ticket_id, breach_id=breach)
        for breach in ("first-response-1", "resolution-1")
    )
    # The queue hands the first breach's step over twice (or Lambda retries it
    # after its write went through unanswered)
    carry_out(first, desk.store, desk.notices)
    carry_out(first, desk.store, desk.notices)
    ticket = desk.store.get_ticket(ticket_id)
    assert ticket is not None and (ticket.assignee_id, ticket.priority) == (SUPERVISOR.id, Priority.HIGH)
    # A second breach raises it again, once
    carry_out(second, desk.store, desk.notices)
    carry_out(second, desk.store, desk.notices)
    assert desk.store.get_ticket(ticket_id).priority is Priority.URGENT  # type: ignore[union-attr]
    history = desk.store.get_thread(ticket_id).events  # type: ignore[union-attr]
    assert [e.kind.value for e in history].count("escalated") == 2


@pytest.mark.slow  # real threads or real state-machine waits
def test_nobody_acknowledging_reaches_the_next_tier(desk: SlaDesk) -> None:
    ticket_id = assigned_ticket(desk, "50255500006")
    opened = desk.store.get_ticket(ticket_id).created_at  # type: ignore[union-attr]
    desk.check(opened + timedelta(minutes=2))
    seen = desk.steps(until=lambda: any(k == "breach_next_tier" for k, _, _ in sent_notices()))
    assert seen[-1] == "notify_next_tier"
    assert any(kind == "breach_next_tier" and to == (NEXT_TIER,) for kind, _, to in sent_notices())
    _wait_for(lambda: desk.execution(ticket_id)["status"] == "SUCCEEDED")
    assert desk.final_state(ticket_id) == "EscalatedToNextTier"


@pytest.mark.slow  # real threads or real state-machine waits
def test_answering_the_ticket_stops_the_escalation(desk: SlaDesk) -> None:
    desk.wait(assignee=12)  # the test answers inside it; the flow reads the breach when it ends
    ticket_id = assigned_ticket(desk, "50255500007")
    opened = desk.store.get_ticket(ticket_id).created_at  # type: ignore[union-attr]
    desk.check(opened + timedelta(minutes=2))
    assert desk.steps(until=lambda: bool(sent_notices())) == ["notify_assignee"]

    # The assignee answers within their wait
    agent = Actor(kind=ActorKind.AGENT, id=ASSIGNEE.id, name=ASSIGNEE.name)
    outbound = SqsOutboundQueue(desk.sqs, desk.sqs.get_queue_url(QueueName="outbound")["QueueUrl"])
    reply_to_ticket(desk.store, outbound, ticket_id, ReplyDraft(body="Ya lo reviso"), agent, desk.mail)
    (breach,) = _breach_ids(desk, ticket_id)
    assert desk.store.get_breach(ticket_id, breach).state == "answered"  # type: ignore[union-attr]

    _wait_for(lambda: desk.execution(ticket_id)["status"] == "SUCCEEDED")
    assert desk.final_state(ticket_id) == "Answered"
    assert desk.steps(until=lambda: False, seconds=0.5) == []  # no reassignment was asked for
    ticket = desk.store.get_ticket(ticket_id)
    assert ticket is not None and ticket.assignee_id == ASSIGNEE.id and ticket.priority is Priority.NORMAL


@pytest.mark.slow  # real threads or real state-machine waits
def test_bot_handoff_routes_to_people_and_escalates_when_nobody_takes_it(desk: SlaDesk) -> None:
    ticket = ingest(inbound(sender="50255500008", text="Quiero hablar con una persona"), desk.store).ticket
    assert start_handoff_flow(desk.flows, desk.settings, ticket, "soporte")
    executions = lambda: desk.sfn.list_executions(stateMachineArn=desk.settings.handoff_flow_arn)["executions"]  # noqa: E731
    start_handoff_flow(desk.flows, desk.settings, ticket, "soporte")  # again (a delivery again): the same flow
    assert len(executions()) == 1
    seen = desk.steps(until=lambda: any(k == "handoff_unclaimed" for k, _, _ in sent_notices()))
    assert seen == ["hand_over", "handoff_unclaimed"]
    _wait_for(lambda: executions()[0]["status"] == "SUCCEEDED")
    routed = desk.store.get_ticket(ticket.id)
    assert routed is not None and (routed.group_id, routed.status) == ("soporte", TicketStatus.OPEN)
    kinds = [kind for kind, _, _ in sent_notices()]
    assert kinds == ["handoff", "handoff_unclaimed"]


@pytest.mark.slow  # real threads or real state-machine waits
def test_bot_handoff_ends_quietly_when_an_agent_takes_the_ticket(desk: SlaDesk) -> None:
    desk.wait(assignee=12)  # the agent takes it inside the team's time
    ticket = ingest(inbound(sender="50255500009", text="Quiero hablar con una persona"), desk.store).ticket
    assert start_handoff_flow(desk.flows, desk.settings, ticket, "soporte")
    assert desk.steps(until=lambda: bool(sent_notices())) == ["hand_over"]
    current = desk.store.get_ticket(ticket.id)
    assert current is not None
    agent = Actor(kind=ActorKind.AGENT, id=ASSIGNEE.id, name=ASSIGNEE.name)
    update_ticket(desk.store, ticket.id, TicketChanges(assignee_id=ASSIGNEE.id), current.version, agent)
    executions = lambda: desk.sfn.list_executions(stateMachineArn=desk.settings.handoff_flow_arn)["executions"]  # noqa: E731
    assert desk.steps(until=lambda: executions()[0]["status"] == "SUCCEEDED") == []
    assert [kind for kind, _, _ in sent_notices()] == ["handoff"]


def _breach_ids(desk: SlaDesk, ticket_id: str) -> list[str]:
    items = boto3.client("dynamodb", region_name=REGION).query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :breach)",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{ticket_id}"}, ":breach": {"S": "BREACH#"}},
    )["Items"]
    return [item["id"]["S"] for item in items]


def _wait_for(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail("condition not met in time")
