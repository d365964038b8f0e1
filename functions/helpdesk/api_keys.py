"""API keys: how a CRM or a script reaches the agent API without a person
signing in.

An administrator creates a named key with scopes; the key is shown once, at
creation, and only a hash of its secret part is kept. A key reads
``atk_<key id>_<secret>``: the ``atk_`` prefix tells it from a Cognito JWT
(which starts ``eyJ``), the key id (a ULID) finds its record with one GetItem,
and the secret (32 random bytes) is compared with the stored SHA-256 in
constant time. A plain SHA-256 is right here, unlike for passwords: the secret
is 256 random bits, so there is nothing to guess and no need for a slow hash.

A key's caller has exactly its scopes and an agent's reach over tickets, never
a supervisor's or an administrator's rights; revoked or expired keys are
refused at once (their record is read on every request). Creation and
revocation are audited. Use is noted on the key's ``last_used_at`` at most once
a minute (``USE_RECORDED_EVERY``), so a busy integration costs one extra write
a minute, not one per request; the audit log gets a key's first use of each
UTC day, with its route, so a busy key never crowds the administrators'
changes out of the log's month.
"""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.clock import new_id, utc_now
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, ActorKind, AuditEntry, FieldChange
from helpdesk.observability import logger
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

PREFIX = "atk_"
SECRET_BYTES = 32
USE_RECORDED_EVERY = timedelta(minutes=1)


class Scope(StrEnum):
    """What a key may do; each route of the API names the one it needs."""

    TICKETS_READ = "tickets:read"
    TICKETS_WRITE = "tickets:write"
    CONTACTS_READ = "contacts:read"
    CONTACTS_WRITE = "contacts:write"
    KB_READ = "kb:read"  # list, read and search knowledge-base articles (internal ones included, as agents)


ALL_SCOPES: frozenset[Scope] = frozenset(Scope)


class ApiKeyNotFound(HelpdeskError):
    message_key = "error.api_key_not_found"


class ExpiryInThePast(HelpdeskError):
    message_key = "error.api_key_expiry_past"


class InvalidApiKey(HelpdeskError):
    """Not a key we issued, a wrong secret, or a revoked or expired key: the caller
    learns only that it is not accepted (401)."""

    message_key = "error.unauthenticated"


class KeyThrottled(HelpdeskError):
    """A key over its own rate (``helpdesk.limits.API_KEY``): 429 with ``Retry-After``."""

    message_key = "error.throttled"

    def __init__(self, retry_after: int) -> None:
        super().__init__("API key over its rate")
        self.retry_after = retry_after


class ApiKey(Validated):
    """A key as administrators see it: never its secret."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    scopes: tuple[Scope, ...]
    prefix: str  # what the key starts with, to recognise it in a CRM's settings
    created_by: Actor
    created_at: AwareDatetime
    expires_at: AwareDatetime | None = None
    revoked_at: AwareDatetime | None = None
    last_used_at: AwareDatetime | None = None

    def usable_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or moment < self.expires_at)

    @property
    def actor(self) -> Actor:
        """Who the ticket history names for what the key changes."""
        return Actor(kind=ActorKind.API_KEY, id=self.id, name=self.name)


class ApiKeyRequest(Validated):
    """Body of ``POST /api/api-keys``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=80)]
    scopes: Annotated[tuple[Scope, ...], Field(min_length=1, max_length=len(Scope))]
    expires_at: AwareDatetime | None = None  # None: until revoked

    @field_validator("scopes")
    @classmethod
    def _distinct(cls, scopes: tuple[Scope, ...]) -> tuple[Scope, ...]:
        return tuple(sorted(set(scopes)))

    @field_validator("name")
    @classmethod
    def _trimmed(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("a key needs a name")
        return name.strip()


class IssuedKey(Validated):
    """A new key and, this once, the key itself."""

    api_key: ApiKey
    key: str


class KeyParts(Validated):
    model_config = ConfigDict(frozen=True)

    key_id: str
    secret: str


def looks_like_key(token: str) -> bool:
    """An API key rather than a JWT (tell them apart before verifying either)."""
    return token.startswith(PREFIX)


def split_key(key: str) -> KeyParts:
    """The key id and secret of ``atk_<id>_<secret>``; ``InvalidApiKey`` otherwise."""
    _, _, rest = key.partition(PREFIX)
    key_id, _, secret = rest.partition("_")
    if not key.startswith(PREFIX) or not key_id.isalnum() or len(key_id) > 40 or len(secret) < 32:
        raise InvalidApiKey("malformed key")
    return KeyParts(key_id=key_id, secret=secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def masked(key: str) -> str:
    """What logs may show of a key: its prefix and id, never its secret."""
    try:
        return f"{PREFIX}{split_key(key).key_id}_…"
    except InvalidApiKey:
        return f"{PREFIX}…"


def issue_key(store: HelpdeskStore, request: ApiKeyRequest, actor: Actor, now: datetime | None = None) -> IssuedKey:
    """A new key: the record and its hash are stored, the key is returned once."""
    now = now or utc_now()
    if request.expires_at is not None and request.expires_at <= now:
        raise ExpiryInThePast(request.expires_at.isoformat())
    key_id = new_id()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    api_key = ApiKey(
        id=key_id,
        name=request.name,
        scopes=request.scopes,
        prefix=f"{PREFIX}{key_id}",
        created_by=actor,
        created_at=now,
        expires_at=request.expires_at,
    )
    audit = audit_entry(actor, "api_key.created", key_id, None, api_key, now)
    store.put_api_key(api_key.model_dump(mode="json"), secret_hash(secret), audit)
    return IssuedKey(api_key=api_key, key=f"{PREFIX}{key_id}_{secret}")


def list_keys(store: HelpdeskStore) -> list[ApiKey]:
    """Every key, newest first (revoked ones too, marked)."""
    return [ApiKey.model_validate(record) for record in store.list_api_keys()]


def revoke_key(store: HelpdeskStore, key_id: str, actor: Actor, now: datetime | None = None) -> ApiKey:
    """Revoke a key: the next request with it gets 401. Revoking twice keeps the first time."""
    now = now or utc_now()
    before = _get(store, key_id)
    if before.revoked_at is not None:
        return before
    after = before.model_copy(update={"revoked_at": now})
    audit = audit_entry(actor, "api_key.revoked", key_id, before, after, now)
    store.put_api_key_record(after.model_dump(mode="json"), audit)
    return after


def check_key(store: HelpdeskStore, key: str, route: str, now: datetime | None = None) -> ApiKey:
    """The key behind ``key`` if it is ours, its secret matches and it is neither
    revoked nor expired; ``InvalidApiKey`` otherwise. Notes the use (at most
    once a minute per key; in the audit log, the first use of each UTC day)."""
    now = now or utc_now()
    parts = split_key(key)
    found = store.get_api_key(parts.key_id)
    if found is None:
        secret_hash(parts.secret)  # the same work either way
        raise InvalidApiKey("unknown key")
    record, stored_hash = found
    if not hmac.compare_digest(secret_hash(parts.secret), stored_hash):
        raise InvalidApiKey("wrong secret")
    api_key = ApiKey.model_validate(record)
    if not api_key.usable_at(now):
        raise InvalidApiKey("revoked or expired")
    last = api_key.last_used_at
    if last is None or now - last >= USE_RECORDED_EVERY:
        first_today = last is None or last.astimezone(UTC).date() != now.astimezone(UTC).date()
        audit = _use_entry(api_key, route, now) if first_today else None
        _note_use(store, parts.key_id, now, audit)
    return api_key


def _note_use(store: HelpdeskStore, key_id: str, now: datetime, audit: AuditEntry | None) -> None:
    """Bookkeeping, never a reason to refuse a good key: a failed write is logged
    and the next request (a minute later at most) notes the use again."""
    try:
        store.mark_api_key_used(key_id, now, now - USE_RECORDED_EVERY, audit)
    except Exception:  # noqa: BLE001 - the request goes on; the failure is logged
        logger.warning("api key use not noted", extra={"api_key_id": key_id}, exc_info=True)


def _use_entry(api_key: ApiKey, route: str, now: datetime) -> AuditEntry:
    return AuditEntry(
        id=new_id(),
        at=now,
        actor=api_key.actor,
        action="api_key.used",
        target=api_key.id,
        changes=(FieldChange(field="route", old=None, new=route),),
    )


def _get(store: HelpdeskStore, key_id: str) -> ApiKey:
    found = store.get_api_key(key_id)
    if found is None:
        raise ApiKeyNotFound(key_id)
    return ApiKey.model_validate(found[0])
