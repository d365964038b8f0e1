"""Webhook endpoints: registered, changed and deleted by administrators, each
change audited (never with the secret). An endpoint's URL is checked when it
is saved (``addresses.vet``: the host must resolve to addresses deliveries may
reach) and again before every delivery."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.clock import new_id
from helpdesk.errors import HelpdeskError
from helpdesk.limits import WEBHOOKS
from helpdesk.models import Actor
from helpdesk.validated import Validated
from helpdesk.webhooks.addresses import MAX_URL_LENGTH, Resolver, vet
from helpdesk.webhooks.events import EventName
from helpdesk.webhooks.signing import hint, new_secret

if TYPE_CHECKING:
    from helpdesk.store import HelpdeskStore


class EndpointNotFound(HelpdeskError):
    message_key = "error.webhook_not_found"


class TooManyEndpoints(HelpdeskError):
    message_key = "error.webhook_limit_reached"


class _Model(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")


Url = Annotated[str, Field(min_length=8, max_length=MAX_URL_LENGTH)]
Secret = Annotated[str, Field(min_length=16, max_length=256, pattern=r"^[\x21-\x7e]+$")]  # printable, no spaces
Events = Annotated[tuple[EventName, ...], Field(min_length=1, max_length=len(EventName))]
Description = Annotated[str, Field(max_length=200)]


def _unique(events: tuple[EventName, ...] | None) -> tuple[EventName, ...] | None:
    return tuple(dict.fromkeys(events)) if events is not None else None


class EndpointDraft(_Model):
    """A new endpoint: where, for which events, signed with which secret
    (none given: one is generated and shown once)."""

    url: Url
    events: Events
    secret: Secret | None = Field(default=None, repr=False)
    description: Description = ""
    active: bool = True

    _events = field_validator("events")(_unique)


class EndpointChanges(_Model):
    """What to change of an endpoint (what is left out stays)."""

    url: Url | None = None
    events: Events | None = None
    secret: Secret | None = Field(default=None, repr=False)
    description: Description | None = None
    active: bool | None = None

    _events = field_validator("events")(_unique)


class Endpoint(_Model):
    """An endpoint as administrators see it: its secret only by its hint."""

    id: str
    url: str
    events: tuple[EventName, ...]
    description: str = ""
    active: bool = True
    secret_hint: str
    created_at: AwareDatetime
    updated_at: AwareDatetime


class NewEndpoint(Endpoint):
    """The answer to a registration: with the secret when it was generated
    (the only time it is ever shown)."""

    secret: str | None = None


class StoredEndpoint(Endpoint):
    """An endpoint as kept: with its secret (for signing; never answered or logged)."""

    secret: str = Field(repr=False)

    def shown(self) -> Endpoint:
        return Endpoint.model_validate(self.model_dump(exclude={"secret"}))


def endpoints(store: "HelpdeskStore") -> list[Endpoint]:
    return [StoredEndpoint.model_validate(v).shown() for v in store.list_webhook_endpoints()]


def stored_endpoint(store: "HelpdeskStore", endpoint_id: str) -> StoredEndpoint:
    found = store.get_webhook_endpoint(endpoint_id)
    if found is None:
        raise EndpointNotFound(endpoint_id)
    return StoredEndpoint.model_validate(found)


def register_endpoint(
    store: "HelpdeskStore", draft: EndpointDraft, actor: Actor, at: datetime, allow_loopback: bool, resolve: Resolver
) -> NewEndpoint:
    """Register an endpoint whose URL deliveries may reach (else the address error)."""
    vet(draft.url, allow_loopback, resolve)
    if len(store.list_webhook_endpoints()) >= WEBHOOKS.endpoints:
        raise TooManyEndpoints(str(WEBHOOKS.endpoints))
    secret = draft.secret or new_secret()
    endpoint = StoredEndpoint(
        id=new_id(), url=draft.url, events=draft.events, description=draft.description, active=draft.active,
        secret_hint=hint(secret), created_at=at, updated_at=at, secret=secret,
    )  # fmt: skip
    audit = audit_entry(actor, "webhook.created", endpoint.id, None, endpoint.shown(), at)
    store.put_webhook_endpoint(endpoint.id, endpoint.model_dump(mode="json"), audit)
    shown = endpoint.shown().model_dump()
    return NewEndpoint(**shown, secret=None if draft.secret else secret)


def change_endpoint(
    store: "HelpdeskStore",
    endpoint_id: str,
    changes: EndpointChanges,
    actor: Actor,
    at: datetime,
    allow_loopback: bool,
    resolve: Resolver,
) -> Endpoint:
    before = stored_endpoint(store, endpoint_id)
    if changes.url is not None:
        vet(changes.url, allow_loopback, resolve)
    given = changes.model_dump(exclude_none=True)
    if changes.secret is not None:
        given["secret_hint"] = hint(changes.secret)
    after = before.model_copy(update={**given, "updated_at": at})
    after = StoredEndpoint.model_validate(after.model_dump())
    audit = audit_entry(actor, "webhook.changed", endpoint_id, before.shown(), after.shown(), at)
    store.put_webhook_endpoint(endpoint_id, after.model_dump(mode="json"), audit)
    return after.shown()


def delete_endpoint(store: "HelpdeskStore", endpoint_id: str, actor: Actor, at: datetime) -> None:
    before = stored_endpoint(store, endpoint_id)
    audit = audit_entry(actor, "webhook.deleted", endpoint_id, before.shown(), None, at)
    store.delete_webhook_endpoint(endpoint_id, audit)
