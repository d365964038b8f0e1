"""(p) scale by simulation: the hottest DynamoDB partition at 10,000 inbound
messages a minute with 1,000 agents connected, against DynamoDB's per-partition
limits (1,000 write units and 3,000 read units a second).

A sample runs the real code on the embedded AWS (moto, in this process):
``SAMPLE_AGENTS`` agent connections in the rooms their view gives them (half in
each demo group), then ``SAMPLE_CUSTOMERS`` customers writing
``MESSAGES_EACH`` WhatsApp messages each through the webhook and its worker,
every stream consumer run after each batch (search postings, the live fan-out,
quality, outgoing webhooks), then agents reading: each a queue page and a ticket
page. Every DynamoDB request is metered by partition (``bench.aws_meter``: the
table's ``PK=…`` and each index's ``GSI…PK=…``), units as DynamoDB bills them.

Scaling: a partition's units per message in the sample, times the target's
messages per second. A partition that every message touches (a status, a
bucket, a common word) is credited the whole rate; one customer's or one
ticket's gets the share it had in the sample (1 in ``SAMPLE_CUSTOMERS``: at the
target rate, 0.8 messages a second from one customer, a very busy one). The
fan-out's room reads scale with the connections in the room: the sample's
``SAMPLE_AGENTS`` are counted as ``AGENTS``. Agents' reads come at the console's
pace while the socket is down, the worst case (every 30 s)."""

import logging
import os
from dataclasses import dataclass
from typing import Any

TARGET_MESSAGES_PER_MINUTE = 10_000
AGENTS = 1_000
SAMPLE_AGENTS = 25
SAMPLE_CUSTOMERS = 100
MESSAGES_EACH = 3
AGENT_READ_SECONDS = 30
WRITE_LIMIT, READ_LIMIT = 1_000, 3_000


@dataclass
class Simulated:
    writes_per_second: dict[str, float]
    reads_per_second: dict[str, float]

    def hottest(self, units: dict[str, float], most: int = 5) -> list[tuple[str, float]]:
        return sorted(units.items(), key=lambda item: -item[1])[:most]

    def lines(self) -> list[str]:
        out = [
            f"(p) scale by simulation: {TARGET_MESSAGES_PER_MINUTE:,} messages a minute, {AGENTS:,} agents connected "
            f"(sample: {SAMPLE_CUSTOMERS} customers × {MESSAGES_EACH}, {SAMPLE_AGENTS} connections)",
            f"  hottest partitions, write units a second (limit {WRITE_LIMIT:,})",
        ]
        out += [f"    {name[:70]:<72}{units:>10.0f}" for name, units in self.hottest(self.writes_per_second)]
        out.append(f"  hottest partitions, read units a second (limit {READ_LIMIT:,})")
        out += [f"    {name[:70]:<72}{units:>10.0f}" for name, units in self.hottest(self.reads_per_second)]
        return out

    def figures(self) -> dict[str, float]:
        return {
            "scale.hottest_partition_wcu": round(max(self.writes_per_second.values()), 1),
            "scale.hottest_partition_rcu": round(max(self.reads_per_second.values()), 1),
        }


def run() -> Simulated:
    saved = dict(os.environ)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from bench.aws_meter import Meter
    from bench.cpu_bench import delivery
    from helpdesk import connections
    from helpdesk.settings import forget_settings, store_settings
    from helpdesk.store import HelpdeskStore
    from local import lambda_runtime
    from local.embedded_aws import EmbeddedAWS
    from local.seed import seed
    from local.stack import deploy, session_for, whatsapp_secrets

    aws = EmbeddedAWS(port=0).start()
    try:
        session = session_for(aws.url)
        deployment = deploy(session, aws.url)
        forget_settings()
        connections.forget()
        store = HelpdeskStore(store_settings())
        seed(session, deployment.user_pool_id, store)
        meter = Meter.for_table(session, deployment.table_name)
        connections.forget()
        _connect_agents(store)
        stack = deployment.stack
        (queue,) = [s for s in lambda_runtime.queue_subscriptions(stack) if s.function == "WhatsAppWorkerFunction"]
        worker = lambda_runtime.QueueWorker(session.client("sqs"), queue)
        streams = [lambda_runtime.StreamWorker(session, s) for s in lambda_runtime.stream_subscriptions(stack)]
        for stream in streams:
            stream.drain(timeout=60)  # the seed's and the connections' records, before metering
        meter.reset()
        webhook = lambda_runtime.load_handler("whatsapp_webhook.app.handler")
        secret = whatsapp_secrets()["WhatsAppAppSecret"].encode()
        context = lambda_runtime.LocalContext("WhatsAppWebhookFunction")
        for n in range(MESSAGES_EACH):
            for customer in range(SAMPLE_CUSTOMERS):
                webhook(delivery(secret, n * SAMPLE_CUSTOMERS + customer, SAMPLE_CUSTOMERS), context)
            worker.drain(timeout=600)
            for stream in streams:
                stream.drain(timeout=600)
        message_writes, message_reads = dict(meter.partition_writes), dict(meter.partition_reads)
        meter.reset()
        _agents_read(store)
        return _scaled(message_writes, message_reads, dict(meter.partition_writes), dict(meter.partition_reads))
    finally:
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)
        forget_settings()


def _connect_agents(store: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from helpdesk.access import Role, Viewer
    from helpdesk.live.model import ConnectionKind, LiveConnection
    from helpdesk.live.sockets import rooms_of

    now = datetime.now(UTC)
    groups = ("soporte-general", "facturacion")
    for n in range(SAMPLE_AGENTS):
        viewer = Viewer(agent_id=f"scale-agent-{n}", role=Role.AGENT, group_ids=(groups[n % 2],))
        store.open_connection(
            LiveConnection(
                id=f"scale-{n}",
                kind=ConnectionKind.AGENT,
                agent_id=viewer.agent_id,
                name=f"Agente {n}",
                rooms=rooms_of(viewer),
                connected_at=now,
                expires_at=now + timedelta(hours=2),
            )
        )


def _agents_read(store: Any) -> None:
    """Each sample agent: a queue page and a ticket page (the console's reads while its socket is down)."""
    from helpdesk.access import Role, Viewer
    from helpdesk.models import UNSOLVED_STATUSES
    from helpdesk.tickets.lookup import queue_page, visible_thread

    groups = ("soporte-general", "facturacion")
    for n in range(SAMPLE_AGENTS):
        viewer = Viewer(agent_id=f"scale-agent-{n}", role=Role.AGENT, group_ids=(groups[n % 2],))
        page = queue_page(store, viewer, UNSOLVED_STATUSES, limit=25)
        if page.tickets:
            visible_thread(store, viewer, page.tickets[n % len(page.tickets)].id)


def _scaled(
    writes: dict[str, float], reads: dict[str, float], agent_writes: dict[str, float], agent_reads: dict[str, float]
) -> Simulated:
    per_second = TARGET_MESSAGES_PER_MINUTE / 60
    messages = SAMPLE_CUSTOMERS * MESSAGES_EACH
    rooms = AGENTS / SAMPLE_AGENTS  # a room's Query returns its connections: it grows with them
    agent_pace = AGENTS / SAMPLE_AGENTS / AGENT_READ_SECONDS
    write_rate: dict[str, float] = {}
    read_rate: dict[str, float] = {}
    for partition, units in writes.items():
        write_rate[partition] = write_rate.get(partition, 0.0) + units / messages * per_second
    for partition, units in reads.items():
        grows = rooms if partition.startswith("PK=ROOM#") else 1.0
        read_rate[partition] = read_rate.get(partition, 0.0) + units / messages * per_second * grows
    for partition, units in agent_writes.items():
        write_rate[partition] = write_rate.get(partition, 0.0) + units * agent_pace
    for partition, units in agent_reads.items():
        read_rate[partition] = read_rate.get(partition, 0.0) + units * agent_pace
    return Simulated(write_rate, read_rate)
