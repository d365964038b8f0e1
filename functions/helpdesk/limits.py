"""How much the help desk takes from outside, defined once.

The request rates are the API's throttling: API Gateway applies them in AWS
(``infra/template.yaml``'s stage settings name the same numbers; a test holds
them equal) and the local stack applies them itself with ``TokenBucket``.
A caller over the rate gets 429 with ``Retry-After``.

``MAX_JSON_DEPTH`` bounds the nesting of any JSON body the help desk reads from
outside (webhooks, the agent API, e-mail events): Meta's deepest payloads nest
about ten levels; a body nested thousands deep is hostile and would exhaust the
parser's recursion.
"""

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``rate_per_second`` tokens refill it, up to ``burst``."""

    rate_per_second: float
    burst: int


# The agents' API (every route of the Chalice app): the stage's default.
AGENT_API = RateLimit(rate_per_second=50, burst=100)
# Each API key (a CRM or a script), on top of the stage's limit: one busy
# integration cannot take the whole API from the agents. The agent API keeps a
# ``TokenBucket`` per key in each process (``agent_api.routing``): in AWS that
# is per warm Lambda instance, so a key's ceiling is this times the instances
# serving it, and the stage's ``AGENT_API`` limit still bounds the sum.
API_KEY = RateLimit(rate_per_second=5, burst=20)
# Meta's webhook deliveries (POST /webhooks/whatsapp): Meta batches and retries,
# so bursts after an outage are larger than an agent team's.
WHATSAPP_WEBHOOK = RateLimit(rate_per_second=100, burst=200)
# Messenger's and Instagram's deliveries (POST /webhooks/messenger, /webhooks/instagram):
# the same batching and retries as WhatsApp's, one ceiling for both products.
META_MESSAGING_WEBHOOK = RateLimit(rate_per_second=100, burst=200)
META_MESSAGING_WEBHOOK_PATHS = ("/webhooks/messenger", "/webhooks/instagram")
PROFILE_PICTURE_MAX_BYTES = 1024 * 1024  # a customer's profile picture, as Meta shares it (a few KB in practice)
# Customers' pages opened from signed links (``/api/public/...``: case status,
# survey answers): public, so a lower ceiling than the agents' API, and one a
# crawler hammering guessed tokens cannot lift (each try is a 401 page).
CUSTOMER_PAGES = RateLimit(rate_per_second=10, burst=40)
CUSTOMER_PAGES_PREFIX = "/api/public/"

MAX_JSON_DEPTH = 64


@dataclass(frozen=True)
class StreamReading:
    """How a stream function reads the table's stream (the template's event
    source says the same numbers; a test holds them equal)."""

    batch_size: int
    batching_window_seconds: int
    retries: int


# The quality sampler: small batches (each record is at most two reads and one
# conditional write), a few retries, then the batch goes to its failures queue.
QUALITY_SAMPLING = StreamReading(batch_size=25, batching_window_seconds=5, retries=5)

# The KPI rollups: each record is one transaction of up to ~50 items (a ticket's
# contribution and the day × filter rollups it moves); small batches keep a
# retried batch cheap; then the batch goes to its failures queue (the backfill
# rebuilds those days).
KPI_ROLLUPS = StreamReading(batch_size=25, batching_window_seconds=5, retries=5)


class TokenBucket:
    """One ``RateLimit`` applied: ``take`` answers 0 when a request may go, else
    the seconds until a token is back (what ``Retry-After`` says, rounded up).
    Thread-safe; ``clock`` is monotonic seconds (a test passes its own)."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.limit = limit
        self._clock = clock
        self._tokens = float(limit.burst)
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._at)
            self._tokens = min(float(self.limit.burst), self._tokens + elapsed * self.limit.rate_per_second)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0
            if self.limit.rate_per_second <= 0:
                return 3600
            return max(1, math.ceil((1 - self._tokens) / self.limit.rate_per_second))


@dataclass(frozen=True)
class SearchBudget:
    """What one search page may read (ARCHITECTURE, "Search"): postings across
    all its words and months, tickets checked against the filters and the
    agent's reach, months gone back. Past a bound the page says ``partial``."""

    postings: int = 4_000
    checked_tickets: int = 200
    months: int = 60
    page_size: int = 25


SEARCH = SearchBudget()

# Connection attempts to the WebSocket API of live updates, per client address
# and per agent (``helpdesk.live.sockets``): a console reconnects with backoff,
# so ten at once and one every two seconds is generous for one agent.
# An office behind one address reconnects all its agents at once after a blip.
LIVE_CONNECT_PER_ADDRESS = RateLimit(rate_per_second=2, burst=30)
LIVE_CONNECT_PER_AGENT = RateLimit(rate_per_second=0.5, burst=10)
# The WebSocket stage's own throttling (the template's DefaultRouteSettings).
LIVE_SOCKET = RateLimit(rate_per_second=50, burst=100)


@dataclass(frozen=True)
class WebhookLimits:
    """Outgoing webhooks: how many endpoints, how long a receiver may take to
    answer, how much of each endpoint's delivery log is kept and for how long,
    and how long an event id is remembered so it is fanned out once."""

    endpoints: int = 20
    timeout_seconds: float = 5.0
    log_entries: int = 50
    log_days: int = 7
    event_memory_days: int = 2
    longest_backoff_seconds: int = 3600


WEBHOOKS = WebhookLimits()


@dataclass(frozen=True)
class KnowledgeLimits:
    """The knowledge base: how often a process looks for a newer search index,
    how much of a query is read, how many results a search answers, how large
    an article's file (an image or a PDF an editor uploads) may be: the agent
    API takes at most 6 MB and JSON carries a file as base64, 4/3 larger."""

    index_refresh_seconds: float = 60.0
    max_query_chars: int = 500
    results: int = 10
    max_file_bytes: int = 4 * 1024 * 1024


KNOWLEDGE = KnowledgeLimits()

# The public help center (no sign-in): the stage's limit for its routes, and
# each address's own, applied by the routes (per warm instance in AWS, as the
# API keys' are). A person searches a few times a minute and votes once per
# article; a script hammering the search from one address is refused early.
HELP_CENTER = RateLimit(rate_per_second=20, burst=40)
HELP_CENTER_SEARCHES = RateLimit(rate_per_second=0.5, burst=20)  # per address: 30 a minute after a burst of 20
HELP_CENTER_VOTES = RateLimit(rate_per_second=0.1, burst=10)  # per address: 6 a minute after a burst of 10
# The web contact form: each address sends 5 forms at once, then one a minute;
# each e-mail address or WhatsApp number 3 at once, then one every 10 minutes.
HELP_CENTER_CONTACTS_PER_ADDRESS = RateLimit(rate_per_second=1 / 60, burst=5)
HELP_CENTER_CONTACTS_PER_IDENTITY = RateLimit(rate_per_second=1 / 600, burst=3)
# "Llámenme": each number we are asked to call, twice at once, then once an hour
# (nobody uses the form to have a stranger's phone rung again and again).
HELP_CENTER_CALLBACKS_PER_NUMBER = RateLimit(rate_per_second=1 / 3600, burst=2)
# Articles suggested as a person types the form's subject (a request every
# pause in typing, ~300 ms after the last key): a subject takes a handful, so
# each address asks 20 at once, then one a second (an office shares an address).
HELP_CENTER_SUGGESTIONS = RateLimit(rate_per_second=1, burst=20)

# A file that reaches a function through the API. Lambda takes at most 6 MB
# (6,291,456 bytes) per synchronous invocation, and the event carries a
# request's body as base64 (4/3 larger): 4 MiB of file is 5.6 MB in the event,
# which leaves room for a form's other fields and the event's headers. (API
# Gateway's own 10 MB payload limit is not the one that binds.) The agents'
# uploads (JSON, base64) and the contact form's attachment share it.
API_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class PhrasedAnswerLimits:
    """The assistant's answer phrased by a language model (``assistant.answers``,
    off unless a model is configured): how much of each public article the model
    reads, how long an answer may be (a WhatsApp message shows ~1,000 characters
    without "read more"), and how long a function waits for the model before it
    answers with the articles' list instead: once, no retry (the list is the
    retry), at most 7 s, within the agent API's 20 s for the web chat."""

    excerpt_chars: int = 800
    max_tokens: int = 300
    temperature: float = 0.2
    max_answer_chars: int = 900
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 5.0


PHRASED_ANSWERS = PhrasedAnswerLimits()


@dataclass(frozen=True)
class ContactFormLimits:
    """The contact form's optional attachment: one file of these types (as its
    bytes show, not as its name or label says), at most ``API_FILE_BYTES``;
    ``suggestions``: the articles shown under the subject as it is typed."""

    attachment_bytes: int = API_FILE_BYTES
    attachment_types: tuple[str, ...] = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")
    suggestions: int = 4


CONTACT_FORM = ContactFormLimits()


@dataclass(frozen=True)
class WebChatLimits:
    """The live web chat's public routes (``agent_api.web_chat``): a visitor's
    message is at most ``max_message_chars``; each address sends 20 at once
    then one every 2 s, each session 10 at once then one a second; the stage
    limit of the routes is ``WEB_CHAT`` (the template's MethodSettings)."""

    max_message_chars: int = 2000


WEB_CHAT = RateLimit(rate_per_second=20, burst=40)
WEB_CHAT_PER_ADDRESS = RateLimit(rate_per_second=0.5, burst=20)
WEB_CHAT_PER_SESSION = RateLimit(rate_per_second=1, burst=10)
WEB_CHAT_SIZES = WebChatLimits()
