"""Outgoing webhooks (administrators): the endpoints the help desk POSTs ticket
and message events to, a test ping, and each endpoint's delivery log. The
secret signing an endpoint's deliveries is shown once, when it is generated."""

from chalice import Response
from pydantic import ConfigDict

from agent_api import answers
from agent_api.routing import Area, Caller, json_answer
from helpdesk import connections
from helpdesk.access import Role
from helpdesk.clock import utc_now
from helpdesk.settings import webhook_settings
from helpdesk.validated import Validated
from helpdesk.webhooks.delivery import Attempt, delivery_log, ping
from helpdesk.webhooks.endpoints import (
    Endpoint,
    EndpointChanges,
    EndpointDraft,
    NewEndpoint,
    change_endpoint,
    delete_endpoint,
    endpoints,
    register_endpoint,
)

area = Area("webhooks")


class _Answer(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Endpoints(_Answer):
    endpoints: list[Endpoint]


class DeliveryLog(_Answer):
    endpoint_id: str
    attempts: list[Attempt]


@area.route("/api/webhooks", role=Role.ADMIN, answer=Endpoints)
def list_webhooks(caller: Caller) -> Response:
    """The webhook endpoints, with the events each receives (secrets only by their hint)."""
    return json_answer(Endpoints(endpoints=endpoints(connections.store())))


@area.route("/api/webhooks", methods=("POST",), role=Role.ADMIN, answer=NewEndpoint, status=201, body=EndpointDraft)
def add_webhook(caller: Caller, body: EndpointDraft) -> Response:
    """Register an endpoint (HTTPS, on a public address). Without a secret one
    is generated and answered this once; a given secret is never answered."""
    added = register_endpoint(connections.store(), body, caller.actor, utc_now(), webhook_settings().allow_loopback,
                              connections.webhook_http().resolve)  # fmt: skip
    return json_answer(added, status=201)


@area.route("/api/webhooks/{endpoint_id}", methods=("PATCH",), role=Role.ADMIN, answer=Endpoint, body=EndpointChanges)
def change_webhook(caller: Caller, endpoint_id: str, body: EndpointChanges) -> Response:
    """Change an endpoint's URL, events, secret, description or pause it."""
    changed = change_endpoint(connections.store(), endpoint_id, body, caller.actor, utc_now(),
                              webhook_settings().allow_loopback, connections.webhook_http().resolve)  # fmt: skip
    return json_answer(changed)


@area.route("/api/webhooks/{endpoint_id}", methods=("DELETE",), role=Role.ADMIN, answer=answers.Deleted)
def remove_webhook(caller: Caller, endpoint_id: str) -> Response:
    """Delete an endpoint; deliveries still queued for it are dropped."""
    delete_endpoint(connections.store(), endpoint_id, caller.actor, utc_now())
    return json_answer(answers.Deleted(deleted=endpoint_id))


@area.route("/api/webhooks/{endpoint_id}/ping", methods=("POST",), role=Role.ADMIN, answer=Attempt)
def ping_webhook(caller: Caller, endpoint_id: str) -> Response:
    """Send a signed ``ping`` event now and answer how it went (also in the log)."""
    sent = ping(connections.store(), connections.webhook_http(), endpoint_id, webhook_settings().allow_loopback,
                utc_now())  # fmt: skip
    return json_answer(sent)


@area.route("/api/webhooks/{endpoint_id}/deliveries", role=Role.ADMIN, answer=DeliveryLog)
def webhook_deliveries(caller: Caller, endpoint_id: str) -> Response:
    """The endpoint's latest delivery attempts, newest first: status code, duration, error."""
    return json_answer(DeliveryLog(endpoint_id=endpoint_id, attempts=delivery_log(connections.store(), endpoint_id)))
