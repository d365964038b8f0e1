"""(m) What Atiende costs a month on its own AWS account: each operation's
requests, DynamoDB units and Lambda invocations as measured on a local stack
(``bench.cost_operations``), times a team's monthly volumes, times us-east-1
list prices.

Assumptions, all stated in the output: a ticket is a first message, one
follow-up and one agent reply, then solved and surveyed (CSAT a day later, on
its channel: the default survey policy); half arrive by WhatsApp, half by
e-mail; a WhatsApp reply brings three status webhooks (sent, delivered, read).
Agents keep the console open 7 hours a working day (22 a month). A Lambda
invocation is billed LAMBDA_MS at its function's memory until our own CPU per
event is measured (issue 22, part 3). The stack is deployed with its parameters'
defaults: a resource under a Condition (a WAF, an Amazon Connect instance, an
alarm e-mail) is left out, and so is X-Ray unless ``Tracing`` is Active (what it
would add is printed). Free tiers are left out; Meta's WhatsApp conversation
charges are Meta's, not AWS's, and are left out too."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.cost_operations import Operation
from local.provision import load_template

# us-east-1 list prices in US$ as last read from AWS's price pages (DynamoDB's
# on-demand prices as halved in November 2024). Check them before quoting.
PRICES_READ = "2025-06"
PRICE = {
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second_arm": 0.0000133334,
    "rest_api_request": 3.50 / 1e6,
    "http_api_request": 1.00 / 1e6,
    "websocket_message": 1.00 / 1e6,
    "websocket_connection_minute": 0.25 / 1e6,
    "dynamodb_write_unit": 0.625 / 1e6,
    "dynamodb_read_unit": 0.125 / 1e6,
    "sqs_request": 0.40 / 1e6,
    "sqs_fifo_request": 0.50 / 1e6,
    "ses_send": 0.10 / 1000,
    "ses_receive": 0.10 / 1000 + 0.09 / 1000,  # the mail, plus its one 256 KB chunk
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "step_functions_transition": 0.025 / 1000,
    "cloudwatch_alarm_month": 0.10,  # a standard alarm's metric (each metric of a math expression)
    "cloudwatch_metric_month": 0.30,
    "cloudwatch_dashboard_month": 3.00,
    "kms_key_month": 1.00,  # a customer managed key (rotation adds US$1 at each of its first two)
    "xray_trace": 5.00 / 1e6,  # recorded
    "cloudfront_https_request": 0.01 / 10_000,  # North America and Europe
    "log_gb": 0.50,
}
LAMBDA_MS = 100
LOG_BYTES_PER_INVOCATION = 1200  # START/END/REPORT lines and one structured line
# Lambda's pollers long-poll each SQS event source while it is idle (five at
# first, a receive every 20 s each): requests paid whatever the traffic.
IDLE_POLLS_PER_QUEUE_MONTH = 5 * 3 * 60 * 24 * 30
DAYS, WORKING_DAYS = 30, 22
# Lambda's X-Ray sampling (not configurable for a function): the first request
# each second and 5 % of the others. Spread evenly over the month here, which
# samples the most: bursts sample less.
XRAY_RESERVOIR_PER_SECOND, XRAY_RATE = 1.0, 0.05


# Live updates by push (issue 22): with its socket up a console asks its view again
# every 60 s as a safety net, reports presence over the socket every 15 s while a
# ticket is open (half the time) and pings every 45 s; each change of a ticket
# reaches its group's consoles, its assignee's and those that have it open: half
# a small team, a group's worth (at most GROUP_CONSOLES) in a big one.
SAFETY_POLL_SECONDS = 60
SOCKET_MESSAGES_PER_HOUR = 3600 / 15 / 2 + 3600 / 45
CHANGES_PER_TICKET = 6  # created, a follow-up, a reply, its delivery ticks, solved
SHARE_OF_TEAM_REACHED = 0.5
GROUP_CONSOLES = 15


@dataclass(frozen=True)
class Team:
    name: str
    tickets_per_day: int
    agents: int
    hours_per_day: float = 7.0

    @property
    def agent_hours(self) -> float:
        return self.agents * self.hours_per_day * WORKING_DAYS

    def socket_costs(self) -> float:
        """US$ a month of the WebSocket API: connection minutes, the consoles'
        messages (presence, pings) and the events pushed to them."""
        reached = min(max(1.0, self.agents * SHARE_OF_TEAM_REACHED), GROUP_CONSOLES)
        pushed = self.tickets_per_day * DAYS * CHANGES_PER_TICKET * reached
        messages = self.agent_hours * SOCKET_MESSAGES_PER_HOUR + pushed
        minutes = self.agent_hours * 60
        return messages * PRICE["websocket_message"] + minutes * PRICE["websocket_connection_minute"]

    def volumes(self, push: bool = True) -> Counter[str]:
        """How many of each operation a month (``push``: live updates over the socket)."""
        tickets = self.tickets_per_day * DAYS
        agent_hours = self.agent_hours
        polls = agent_hours * 3600 / (SAFETY_POLL_SECONDS if push else 2)
        # Over the socket a presence report is a message, not a REST request: its
        # table and Lambda work is the same (the API Gateway part is told apart).
        beats = agent_hours * (SOCKET_MESSAGES_PER_HOUR if push else 3600 / 5 / 2)
        return Counter(
            {
                "whatsapp_new": tickets // 2,
                "whatsapp_follow_up": tickets // 2,
                "reply_whatsapp": tickets // 2,
                "whatsapp_status": 3 * (tickets // 2),
                "email_new": tickets - tickets // 2,
                "email_follow_up": tickets - tickets // 2,
                "reply_email": tickets - tickets // 2,
                "solve": tickets,
                "changes_poll": int(polls),  # polling: every 2 s with the console open
                "presence_beat": int(beats),  # polling: every 5 s, a ticket open half the time
                "sla_check": 60 * 24 * DAYS,
                "assigner_run": 60 * 24 * DAYS,
                "survey_run": 60 * 24 * DAYS,
                # A CSAT survey for each solved ticket, on its channel (the default policy; a
                # contact is surveyed at most once a week, taken here as one ticket a week at most).
                "survey_plan": tickets // 2,  # each plans one mail and one WhatsApp ticket
                "survey_sent": tickets // 2,  # and sends their two surveys
            }
        )


REFERENCE = Team("reference (500 tickets/day, 12 agents)", 500, 12)
TEAMS = (REFERENCE, Team("×10", 5_000, 120), Team("×100", 50_000, 1_200))


def function_memory() -> dict[str, int]:
    template = load_template()
    default = int(template["Globals"]["Function"].get("MemorySize", 128))
    return {
        name: int(resource["Properties"].get("MemorySize", default))
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def deployed_resources() -> list[dict[str, Any]]:
    """The template's resources a deployment with the parameters' defaults creates:
    every Condition of the template holds only for a parameter set away from its default."""
    return [r for r in load_template()["Resources"].values() if "Condition" not in r]


def alarm_metrics(alarm: dict[str, Any]) -> int:
    """What CloudWatch bills an alarm for: its metric, or each metric its math reads."""
    queries = alarm["Properties"].get("Metrics")
    return sum(1 for q in queries if "MetricStat" in q) if queries else 1


def tracing_active() -> bool:
    return bool(load_template()["Parameters"]["Tracing"]["Default"] == "Active")


def fixed_monthly() -> dict[str, float]:
    """What the account pays whatever the traffic: alarms, custom metrics, the
    dashboard, the alarm topic's key, idle pollers."""
    resources = deployed_resources()
    queues = {name: r for name, r in load_template()["Resources"].items() if r["Type"] == "AWS::SQS::Queue"}
    idle_polls = sum(
        IDLE_POLLS_PER_QUEUE_MONTH
        * PRICE["sqs_fifo_request" if queues[_queue_of(e)]["Properties"].get("FifoQueue") else "sqs_request"]
        for r in resources
        if r["Type"] == "AWS::Serverless::Function"
        for e in r["Properties"].get("Events", {}).values()
        if e["Type"] == "SQS" and _enabled(e["Properties"].get("Enabled", True))
    )
    of_type = Counter(r["Type"] for r in resources)
    alarms = sum(alarm_metrics(r) for r in resources if r["Type"] == "AWS::CloudWatch::Alarm")
    return {
        "CloudWatch alarms": alarms * PRICE["cloudwatch_alarm_month"],
        "CloudWatch custom metrics": metric_months() * PRICE["cloudwatch_metric_month"],
        "CloudWatch dashboard": of_type["AWS::CloudWatch::Dashboard"] * PRICE["cloudwatch_dashboard_month"],
        "KMS key": of_type["AWS::KMS::Key"] * PRICE["kms_key_month"],
        "SQS idle polling": idle_polls,
    }


def _enabled(value: Any) -> bool:
    """An event source's ``Enabled`` under the parameters' defaults (no Condition holds)."""
    if isinstance(value, dict) and "Fn::If" in value:
        return bool(value["Fn::If"][2])
    return bool(value)


def _queue_of(event: dict[str, Any]) -> str:
    """The logical name of an SQS event source's queue (``!GetAtt Queue.Arn``)."""
    queue = event["Properties"]["Queue"]
    return str(queue["Fn::GetAtt"][0] if isinstance(queue["Fn::GetAtt"], list) else queue["Fn::GetAtt"].split(".")[0])


def xray_traces(invocations: Counter[str]) -> float:
    """Traces X-Ray records in a month with tracing Active: each function's own
    (an API request's trace starts at API Gateway, sampled by the same rule)."""
    seconds = DAYS * 24 * 3600
    traced = 0.0
    for n in invocations.values():
        rate = n / seconds
        traced += seconds * (
            min(rate, XRAY_RESERVOIR_PER_SECOND) + XRAY_RATE * max(rate - XRAY_RESERVOIR_PER_SECOND, 0)
        )
    return traced


# CloudWatch bills a custom metric by the hour, for the hours it receives data
# (US$0.30 a month is 730 of them), and ``count`` sends nothing for a zero. The
# share of a month's hours each metric gets data in: messages, tickets and
# assignments every hour (customers write at all hours); SLA warnings, breaches
# and escalations in working hours (assumed 8 of 24); failures in none of a
# healthy month's (each costs only the hours it fires). Per-channel metrics carry
# the channel in their name: one metric per channel.
def metric_months() -> float:
    from helpdesk.models import Channel
    from helpdesk.observability import BusinessMetric as M

    channels = len((Channel.EMAIL, Channel.WHATSAPP))
    hourly = {M.MESSAGES_IN: channels, M.MESSAGES_OUT: channels}
    working_hours = {M.SLA_WARNINGS: 1, M.SLA_BREACHES: 1, M.ESCALATIONS_STARTED: 1}
    return sum(hourly.values()) + sum(working_hours.values()) * 8 / 24


def operation_cost(operation: Operation, memory: dict[str, int]) -> dict[str, float]:
    """One operation's cost by service."""
    invocations = sum(operation.invocations.values())
    gb_seconds = sum(n * memory.get(f, 512) / 1024 * LAMBDA_MS / 1000 for f, n in operation.invocations.items())
    sqs = sum(n for k, n in operation.requests.items() if k.startswith("sqs."))
    s3 = operation.requests
    cost = {
        "Lambda": invocations * PRICE["lambda_request"] + gb_seconds * PRICE["lambda_gb_second_arm"],
        "API Gateway": operation.api_requests * PRICE["rest_api_request"],
        "CloudFront": operation.api_requests * PRICE["cloudfront_https_request"],  # the API's one origin
        "DynamoDB": operation.write_units * PRICE["dynamodb_write_unit"]
        + operation.read_units * PRICE["dynamodb_read_unit"],
        "SQS": sqs * PRICE["sqs_request"],
        "SES": s3["ses.SendRawEmail"] * PRICE["ses_send"]
        + (PRICE["ses_receive"] + PRICE["s3_put"] if operation.name.startswith("email_") else 0.0),
        "S3": (s3["s3.GetObject"] + s3["s3.HeadObject"]) * PRICE["s3_get"] + s3["s3.PutObject"] * PRICE["s3_put"],
        "CloudWatch Logs": invocations * LOG_BYTES_PER_INVOCATION / 1e9 * PRICE["log_gb"],
    }
    return cost


@dataclass(frozen=True)
class MonthlyCost:
    team: Team
    by_service: dict[str, float]
    by_operation: dict[str, float]
    xray_if_active: float = 0.0  # what tracing Active would add (``Tracing`` parameter)

    @property
    def total(self) -> float:
        return sum(self.by_service.values())


def monthly(team: Team, operations: dict[str, Operation], push: bool = True) -> MonthlyCost:
    memory = function_memory()
    by_service: dict[str, float] = {}
    by_operation: dict[str, float] = {}
    invocations: Counter[str] = Counter()
    for name, count in team.volumes(push).items():
        for function, n in operations[name].invocations.items():
            invocations[function] += n * count
        one = operation_cost(operations[name], memory)
        if push and name == "presence_beat":
            one["API Gateway"] = one["CloudFront"] = 0.0  # a socket message, counted in socket_costs
        for service, dollars in one.items():
            by_service[service] = by_service.get(service, 0.0) + dollars * count
        by_operation[name] = sum(one.values()) * count
    for service, dollars in fixed_monthly().items():
        by_service[service] = by_service.get(service, 0.0) + dollars
    if push:
        by_service["API Gateway WebSocket"] = team.socket_costs()
    xray = xray_traces(invocations) * PRICE["xray_trace"]
    if tracing_active():
        by_service["X-Ray"] = xray
    return MonthlyCost(team, by_service, by_operation, xray)


def lines(costs: list[MonthlyCost], operations: dict[str, Operation], polling: MonthlyCost) -> list[str]:
    out = [
        f"(m) monthly AWS cost, us-east-1 list prices read {PRICES_READ} (Lambda billed {LAMBDA_MS} ms a call),",
        f"    live updates by push (the reference team with the console polling instead: {polling.total:.2f})",
    ]
    services = sorted({s for c in costs for s in c.by_service}, key=lambda s: -costs[0].by_service.get(s, 0))
    out.append(f"  {'US$ a month':<28}" + "".join(f"{c.team.name.split(' (')[0]:>14}" for c in costs))
    for service in services:
        out.append(f"  {service:<28}" + "".join(f"{c.by_service.get(service, 0):>14.2f}" for c in costs))
    out.append(f"  {'total':<28}" + "".join(f"{c.total:>14.2f}" for c in costs))
    if not tracing_active():
        out.append(f"  {'X-Ray with Tracing=Active':<28}" + "".join(f"{c.xray_if_active:>13.2f}+" for c in costs))
    reference = costs[0]
    out.append(
        "  reference team by operation: "
        + ", ".join(
            f"{name} {dollars:.2f}" for name, dollars in sorted(reference.by_operation.items(), key=lambda i: -i[1])
        )
    )
    out.append("  per operation (requests, DynamoDB write/read units, Lambda invocations):")
    for name, op in operations.items():
        aws = sum(op.requests.values())
        out.append(
            f"    {name:<20}{aws:>4} AWS requests {op.write_units:>6.1f} WRU {op.read_units:>6.1f} RRU "
            f"{sum(op.invocations.values()):>3} invocations, {op.api_requests} via API Gateway"
        )
    return out
