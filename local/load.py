"""``atiende load``: a bounded run of mixed traffic against a running local stack.

Customers write while agents work: WhatsApp customers post signed webhooks to
``/webhooks/whatsapp`` (signed as the sandbox signs Meta's deliveries), e-mail
customers hand mail to the SMTP inbox (each follow-up a reply to their previous
mail), and the demo agents poll ``/api/changes`` and their queue and reply
through the agent API, as the console does. A watcher signed in as the demo
administrator reads changed tickets until every message sent is on a ticket
(the backlog's drain). Then every customer's tickets are read back through the
agent API: each message sent must be on exactly one ticket, in the order the
customer sent it.

Each message carries a marker (``[carga-<run>-<customer>-<n>]``) and each run
its own customers (numbers and addresses derived from the run), so runs against
the same stack never mix. Agent API calls are paced under the stack's own limit
(``helpdesk.limits.AGENT_API``), webhooks under ``WHATSAPP_WEBHOOK``: a 429 is an
error like any other answer that is not 2xx.
"""

import random
import re
import smtplib
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from typing import Any, Protocol

import requests

from helpdesk import limits
from local.load_report import Check, LoadReport, spread
from local.seed import AGENTS
from local.stack import DEFAULT_EMAIL, DEMO_PASSWORD, SANDBOX_DISPLAY_NUMBER, support_address, whatsapp_secrets
from local.whatsapp_sandbox import SIGNATURE_HEADER, signature, webhook_body

DEFAULT_SECONDS = 180
DEFAULT_CUSTOMERS = 200
MAIL_EVERY = 4  # one customer in four writes by e-mail, the others on WhatsApp
# A customer writes again after 45 to 135 s: 200 customers offer about 2 messages/s, more than
# the local stack (one process, moto) files on a shared 2-core machine (README, "load run").
PAUSE_SECONDS = 90.0
SAME_CUSTOMER_GAP_SECONDS = 1.5  # never two messages of one customer in the same second
WHATSAPP_SENDERS = 12  # threads posting webhooks (each customer always on the same one)
MAIL_SENDERS = 4
POLL_SECONDS = 2.0  # the console's /api/changes rhythm
WATCH_SECONDS = 1.0  # the watcher's: the drain is measured to about a second
REPLY_EVERY_POLLS = 2  # an agent answers one of the run's tickets every other poll
QUEUE_EVERY_POLLS = 5  # and reloads their queue every fifth
DRAIN_LIMIT_SECONDS = 600
PACE_SHARE = 0.8  # of the stack's limits: the run never meets its own throttling
REQUEST_SECONDS = 30
PROGRESS_SECONDS = 10
MARKER = re.compile(r"\[carga-(\d+)-(\d+)-(\d+)\]")
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Target:
    """Where the running stack answers, and what signing its webhook takes."""

    base: str
    smtp_port: int
    app_secret: str
    phone_number_id: str
    support: str

    @classmethod
    def local(cls, base: str, smtp_port: int) -> "Target":
        secrets = whatsapp_secrets()  # the environment's, as `atiende run` reads them
        return cls(
            base.rstrip("/"),
            smtp_port,
            secrets["WhatsAppAppSecret"],
            secrets["WhatsAppPhoneNumberId"],
            support_address(),
        )


@dataclass(frozen=True)
class Customer:
    number: int
    run: int

    @property
    def by_mail(self) -> bool:
        return self.number % MAIL_EVERY == MAIL_EVERY - 1

    @property
    def address(self) -> str:
        """Their e-mail address or WhatsApp number (what search finds them by)."""
        if self.by_mail:
            return f"cliente{self.number:04d}.r{self.run:03d}@correo.example.com"
        return f"5025{self.run:03d}{self.number:04d}"

    @property
    def name(self) -> str:
        return f"Cliente {self.number} (carga {self.run})"

    def marker(self, sequence: int) -> str:
        return f"[carga-{self.run}-{self.number}-{sequence}]"


@dataclass(frozen=True)
class Planned:
    """One message a customer sends ``at`` seconds into the run."""

    at: float
    customer: Customer
    sequence: int


def plan(customers: int, seconds: float, run: int, seed: int = 21) -> list[Planned]:
    """Every message of the run, in time order: each customer first writes within
    ``PAUSE_SECONDS`` of the start, then again every half to one and a half of it."""
    chooser = random.Random(seed)  # noqa: S311 - a traffic pattern, not a secret
    planned = []
    for number in range(customers):
        # a short run still has everyone write once
        customer, at, sequence = Customer(number, run), chooser.uniform(0, min(PAUSE_SECONDS, seconds)), 0
        while at < seconds:
            planned.append(Planned(at, customer, sequence))
            at += max(SAME_CUSTOMER_GAP_SECONDS, PAUSE_SECONDS * chooser.uniform(0.5, 1.5))
            sequence += 1
    return sorted(planned, key=lambda p: p.at)


class Pace:
    """At most ``per_second`` starts, spread evenly, shared by threads."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1 / per_second
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        time.sleep(max(0.0, start - now))


@dataclass
class Tally:
    """What the run saw, filled in by every thread."""

    webhook_seconds: list[float] = field(default_factory=list)
    smtp_seconds: list[float] = field(default_factory=list)
    sent: dict[str, tuple[int, float]] = field(default_factory=dict)  # marker → (customer, when it was accepted)
    last_sent: float = 0.0  # monotonic
    errors: list[str] = field(default_factory=list)
    agent_requests: int = 0
    replies: int = 0
    seen: set[str] = field(default_factory=set)  # markers the watcher found on a ticket
    contacts: dict[str, int] = field(default_factory=dict)  # contact id → customer number (this run's)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def accepted(self, customer: Customer, sequence: int, took: float, into: list[float]) -> None:
        with self.lock:
            into.append(took)
            self.last_sent = time.monotonic()
            self.sent[customer.marker(sequence)] = (customer.number, self.last_sent)

    def waiting_customers(self) -> set[int]:
        """Customers with a message accepted that no ticket shows yet."""
        with self.lock:
            return {number for marker, (number, _) in self.sent.items() if marker not in self.seen}


class Reading(Protocol):
    def call(self, method: str, path: str, **kwargs: Any) -> Any: ...


class Desk:
    """The agent API as one agent uses it: signed in, paced under the stack's limit."""

    def __init__(self, base: str, email: str, pace: Pace, tally: Tally) -> None:
        self.base, self.pace, self.tally = base, pace, tally
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {self._signed_in(email)}"

    def _signed_in(self, email: str) -> str:
        """An ID token, from Cognito's public API as the console's sign-in gets it."""
        cognito = self.http.get(f"{self.base}/api/console-config", timeout=REQUEST_SECONDS).json()["cognito"]
        answer = self.http.post(
            cognito["endpoint"],
            json={
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": cognito["client_id"],
                "AuthParameters": {"USERNAME": email, "PASSWORD": DEMO_PASSWORD},
            },
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
            },
            timeout=REQUEST_SECONDS,
        )
        answer.raise_for_status()
        return str(answer.json()["AuthenticationResult"]["IdToken"])

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The answer's JSON, or None after recording an error."""
        self.pace.wait()
        with self.tally.lock:
            self.tally.agent_requests += 1
        try:
            answer = self.http.request(method, self.base + path, timeout=REQUEST_SECONDS, **kwargs)
        except requests.RequestException as failed:
            self.tally.error(f"{method} {path}: {type(failed).__name__}")
            return None
        if not answer.ok:
            self.tally.error(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
            return None
        return answer.json()


def _stack_clock_offset(base: str) -> timedelta:
    """The stack's clock minus this machine's (a stack may run at ATIENDE_NOW)."""
    answer = requests.get(f"{base}/health", timeout=REQUEST_SECONDS)
    return parsedate_to_datetime(answer.headers["Date"]) - datetime.now(UTC)


def _text(customer: Customer, sequence: int) -> str:
    return (
        f"Hola, soy el cliente {customer.number}. Mensaje {sequence + 1} sobre mi pedido. {customer.marker(sequence)}"
    )


class WhatsAppCustomers:
    def __init__(self, target: Target, tally: Tally, clock_offset: timedelta) -> None:
        self.target, self.tally, self.clock_offset = target, tally, clock_offset
        self.pace = Pace(limits.WHATSAPP_WEBHOOK.rate_per_second * PACE_SHARE)

    def send(self, http: requests.Session, message: Planned) -> None:
        customer, sequence = message.customer, message.sequence
        sent_at = datetime.now(UTC) + self.clock_offset
        text = {
            "from": customer.address,
            "id": f"wamid.CARGA{customer.run}.{customer.number}.{sequence}",
            "timestamp": str(int(sent_at.timestamp())),
            "type": "text",
            "text": {"body": _text(customer, sequence)},
        }
        value = {"contacts": [{"profile": {"name": customer.name}, "wa_id": customer.address}], "messages": [text]}
        body = webhook_body(value, SANDBOX_DISPLAY_NUMBER.lstrip("+"), self.target.phone_number_id)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(self.target.app_secret, body)}
        self.pace.wait()
        started = time.perf_counter()
        try:
            answer = http.post(f"{self.target.base}/webhooks/whatsapp", data=body, headers=headers, timeout=30)
        except requests.RequestException as failed:
            self.tally.error(f"webhook {customer.marker(sequence)}: {type(failed).__name__}")
            return
        took = time.perf_counter() - started
        if answer.status_code != 200:
            self.tally.error(f"webhook {customer.marker(sequence)}: {answer.status_code} {answer.text[:200]}")
            return
        self.tally.accepted(customer, sequence, took, self.tally.webhook_seconds)


class MailCustomers:
    def __init__(self, target: Target, tally: Tally, clock_offset: timedelta) -> None:
        self.target, self.tally, self.clock_offset = target, tally, clock_offset
        self.previous: dict[int, tuple[str, str]] = {}  # customer → (Message-ID, subject) of their last mail

    def send(self, http: requests.Session, message: Planned) -> None:
        customer, sequence = message.customer, message.sequence
        mail = EmailMessage()
        mail["From"] = f"{customer.name} <{customer.address}>"
        mail["To"] = self.target.support
        mail["Date"] = format_datetime(datetime.now(UTC) + self.clock_offset)
        mail["Message-ID"] = make_msgid("carga", "correo.example.com")
        subject = f"Consulta sobre mi pedido {customer.number}"
        if customer.number in self.previous:  # a follow-up answers their own previous mail
            earlier, subject = self.previous[customer.number]
            mail["In-Reply-To"] = earlier
            mail["References"] = earlier
            subject = f"Re: {subject.removeprefix('Re: ')}"
        mail["Subject"] = subject
        mail.set_content(_text(customer, sequence) + "\n\nSaludos,\n" + customer.name + "\n")
        started = time.perf_counter()
        try:
            with smtplib.SMTP(HOST, self.target.smtp_port, timeout=30) as smtp:
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as failed:
            self.tally.error(f"SMTP {customer.marker(sequence)}: {type(failed).__name__} {failed}")
            return
        took = time.perf_counter() - started
        self.previous[customer.number] = (mail["Message-ID"], subject)
        self.tally.accepted(customer, sequence, took, self.tally.smtp_seconds)


def _send_in_turn(planned: list[Planned], started: float, send: Callable[[requests.Session, Planned], None]) -> None:
    """One sender's share, each message at its time (or at once when late)."""
    http = requests.Session()
    for message in planned:
        time.sleep(max(0.0, started + message.at - time.monotonic()))
        send(http, message)


def _senders(
    planned: list[Planned], started: float, whatsapp: WhatsAppCustomers, mail: MailCustomers
) -> Iterator[threading.Thread]:
    shares: dict[tuple[bool, int], list[Planned]] = defaultdict(list)
    for message in planned:
        customer = message.customer
        senders = MAIL_SENDERS if customer.by_mail else WHATSAPP_SENDERS
        shares[(customer.by_mail, customer.number % senders)].append(message)
    for (by_mail, _), share in shares.items():
        send = mail.send if by_mail else whatsapp.send
        yield threading.Thread(target=_send_in_turn, args=(share, started, send), daemon=True)


# agents


def _ours(tally: Tally, ticket: dict[str, Any]) -> bool:
    with tally.lock:
        return ticket["contact_id"] in tally.contacts


def _agent_works(desk: Desk, tally: Tally, sent_all: threading.Event) -> None:
    """Poll as the console does; now and then answer one of the run's tickets."""
    since: str | None = None
    polls = 0
    while not sent_all.wait(POLL_SECONDS):
        polls += 1
        changes = desk.call("GET", "/api/changes", params={"since": since} if since else None)
        if changes is None:
            continue
        since = changes["until"]
        if polls % QUEUE_EVERY_POLLS == 0:
            desk.call("GET", "/api/tickets", params={"limit": 25})
        waiting = [t for t in changes["tickets"] if _ours(tally, t) and t["status"] in ("new", "open")]
        if waiting and polls % REPLY_EVERY_POLLS == 0 and desk.call("GET", f"/api/tickets/{waiting[0]['id']}"):
            body = {"body": "Gracias por escribirnos, ya revisamos su pedido. / Thanks, we are on it."}
            if desk.call("POST", f"/api/tickets/{waiting[0]['id']}/replies", json=body) is not None:
                with tally.lock:
                    tally.replies += 1


def _markers(message: dict[str, Any], run: int) -> list[tuple[str, int, int]]:
    """(marker, customer, sequence) of this run in a customer's message."""
    if message["kind"] != "inbound":
        return []
    found = (MARKER.fullmatch(m.group(0)) for m in MARKER.finditer(message.get("text") or ""))
    return [(m.group(0), int(m.group(2)), int(m.group(3))) for m in found if m and int(m.group(1)) == run]


def _watch(desk: Desk, tally: Tally, run: int, sent_all: threading.Event) -> float | None:
    """Read changed tickets of the run's customers until every message accepted
    is on one: the moment (monotonic) the last was seen, or None when the
    backlog has not drained ``DRAIN_LIMIT_SECONDS`` after the last message."""
    since: str | None = None
    foreign: set[str] = set()  # contacts of other tickets (the demo's, earlier runs')
    while True:
        changes = desk.call("GET", "/api/changes", params={"since": since} if since else None)
        for ticket in changes["tickets"] if changes else ():
            waiting = tally.waiting_customers()
            with tally.lock:
                customer = tally.contacts.get(ticket["contact_id"])
            if ticket["contact_id"] in foreign or (customer is not None and customer not in waiting):
                continue
            thread = desk.call("GET", f"/api/tickets/{ticket['id']}")
            found = [marker for message in (thread or {}).get("messages", []) for marker in _markers(message, run)]
            with tally.lock:
                if thread is not None and not found:
                    foreign.add(ticket["contact_id"])
                for marker, number, _ in found:
                    tally.contacts[ticket["contact_id"]] = number
                    tally.seen.add(marker)
        since = changes["until"] if changes else since
        if sent_all.is_set():
            with tally.lock:
                if set(tally.sent) <= tally.seen:
                    return time.monotonic()
                if time.monotonic() > tally.last_sent + DRAIN_LIMIT_SECONDS:
                    return None
        time.sleep(WATCH_SECONDS if sent_all.is_set() else POLL_SECONDS)


# the read-back


def check(desk: Reading, run: int, customers: list[Customer], sent: set[str]) -> Check:
    """Every customer's tickets, read back: where each marker of the run is."""
    places: dict[str, list[str]] = defaultdict(list)  # marker → tickets it is on
    out_of_order: set[int] = set()
    tickets: set[str] = set()
    for customer in customers:
        found = desk.call("GET", "/api/search", params={"q": customer.address})
        ordered: list[tuple[str, int, int]] = []  # (sent_at, position, sequence) of the customer's messages
        for ticket in (found or {}).get("tickets", []):
            if ticket["id"] in tickets:
                continue
            tickets.add(ticket["id"])
            thread = desk.call("GET", f"/api/tickets/{ticket['id']}")
            if thread is None:
                continue
            sequences = []
            for message in thread["messages"]:
                for marker, number, sequence in _markers(message, run):
                    places[marker].append(ticket["id"])
                    if number == customer.number:
                        ordered.append((message["sent_at"], len(ordered), sequence))
                        sequences.append(sequence)
            if sequences != sorted(sequences):
                out_of_order.add(customer.number)
        in_time = [sequence for _, _, sequence in sorted(ordered)]
        if in_time != sorted(in_time):
            out_of_order.add(customer.number)
    once = sum(1 for m in sent if len(places.get(m, [])) == 1)
    return Check(
        sent=len(sent),
        found_once=once,
        missing=tuple(sorted(m for m in sent if m not in places)),
        repeated=tuple(sorted(m for m, where in places.items() if len(where) > 1 or m not in sent)),
        out_of_order=tuple(sorted(out_of_order)),
        tickets=len(tickets),
    )


def _tell_progress(tally: Tally, started: float, say: Callable[[str], None], done: threading.Event) -> None:
    while not done.wait(PROGRESS_SECONDS):
        with tally.lock:
            sent, seen, errors = len(tally.sent), len(tally.seen & set(tally.sent)), len(tally.errors)
        say(f"  {time.monotonic() - started:5.0f} s  enviados / sent {sent}, en tickets / on tickets {seen}, "
            f"errores / errors {errors}")  # fmt: skip


def run_load(
    target: Target,
    seconds: float = DEFAULT_SECONDS,
    customers: int = DEFAULT_CUSTOMERS,
    say: Callable[[str], None] | None = None,
) -> LoadReport:
    """The run, start to report; ``say`` hears how it goes every few seconds."""
    run = random.SystemRandom().randrange(1000)
    tally = Tally()
    clock_offset = _stack_clock_offset(target.base)
    agent_pace = Pace(limits.AGENT_API.rate_per_second * PACE_SHARE)
    watcher = Desk(target.base, DEFAULT_EMAIL, agent_pace, tally)
    agents = [Desk(target.base, agent.email, agent_pace, tally) for agent in AGENTS]
    planned = plan(customers, seconds, run)
    whatsapp, mail = WhatsAppCustomers(target, tally, clock_offset), MailCustomers(target, tally, clock_offset)
    sent_all, read_back_done = threading.Event(), threading.Event()
    drained_at: list[float | None] = []
    watch = threading.Thread(target=lambda: drained_at.append(_watch(watcher, tally, run, sent_all)), daemon=True)
    working = [threading.Thread(target=_agent_works, args=(desk, tally, sent_all), daemon=True) for desk in agents]
    started = time.monotonic()
    senders = list(_senders(planned, started, whatsapp, mail))
    for thread in [watch, *working, *senders]:
        thread.start()
    if say is not None:
        threading.Thread(target=_tell_progress, args=(tally, started, say, read_back_done), daemon=True).start()
    for thread in senders:
        thread.join()
    sent_all.set()
    if say is not None:  # the drain may be long: what sending measured comes first
        with tally.lock:
            sent, took = len(tally.sent), (tally.last_sent or started) - started
            answers = f"webhook {spread(tuple(tally.webhook_seconds))}; SMTP {spread(tuple(tally.smtp_seconds))}"
        say(f"  envío terminado / sending done: {sent} en / in {took:.0f} s; {answers}")
    for thread in [watch, *working]:
        thread.join()
    drained = drained_at[0] if drained_at else None
    everyone = sorted({p.customer for p in planned}, key=lambda c: c.number)
    if say is not None:
        say("  leyendo cada ticket / reading every ticket back…")
    read_back = check(watcher, run, everyone, set(tally.sent))
    read_back_done.set()
    by_mail = [number for number, _ in tally.sent.values() if Customer(number, run).by_mail]
    return LoadReport(
        seconds=seconds,
        customers=customers,
        whatsapp_sent=len(tally.sent) - len(by_mail),
        mail_sent=len(by_mail),
        sending_seconds=(tally.last_sent or started) - started,
        webhook_seconds=tuple(tally.webhook_seconds),
        smtp_seconds=tuple(tally.smtp_seconds),
        agent_requests=tally.agent_requests,
        replies=tally.replies,
        drain_seconds=None if drained is None else max(0.0, drained - tally.last_sent),
        errors=tuple(tally.errors),
        check=read_back,
    )
