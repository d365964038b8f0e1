"""API Gateway's part for the template's functions that are not the Chalice app
(the WhatsApp webhook): match the route, build the REST proxy event Lambda gets,
call the handler, return its response."""

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from local.lambda_runtime import LocalContext, load_handler
from local.provision import load_template

CHALICE_HANDLER = "agent_api.app.app"


@dataclass(frozen=True)
class Route:
    function: str
    handler: str


def routes() -> dict[tuple[str, str], Route]:
    found = {}
    for name, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function" or resource["Properties"]["Handler"] == CHALICE_HANDLER:
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                key = (event["Properties"]["Path"], event["Properties"]["Method"].upper())
                found[key] = Route(name, resource["Properties"]["Handler"])
    return found


def invoke(route: Route, method: str, target: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    url = urlsplit(target)
    event = {
        "resource": url.path,
        "path": url.path,
        "httpMethod": method,
        "headers": headers,
        "queryStringParameters": dict(parse_qsl(url.query)) or None,
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
        "requestContext": {"resourcePath": url.path, "httpMethod": method, "stage": "local"},
    }
    response: dict[str, Any] = load_handler(route.handler)(event, LocalContext(route.function))
    return response
