"""The agent API's OpenAPI 3.1 document, built from the same pydantic models
the routes parse and answer with: what each route takes (query, body), what
it answers, and who may call it: agents with their Cognito ID token (bearer
JWT), and API keys with the scope the route names (``x-atiende-scope``)."""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from agent_api.answers import ErrorAnswer, FileBytes, HtmlPage

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class RouteDoc:
    path: str
    method: str
    summary: str
    role: str | None  # None: public
    answer: type[BaseModel]
    status: int = 200
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    scope: str | None = None  # the scope an API key needs; None: agents only
    errors: tuple[str, ...] = ()  # message keys of the errors the route names (``agent_api.errors``)
    # How the body is sent: JSON, or a browser's form (urlencoded, multipart) for the public pages' forms.
    body_types: tuple[str, ...] = ("application/json",)
    # A multipart form's file input: its field name and the file types it takes.
    upload: tuple[str, tuple[str, ...]] | None = None


API_KEY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "Atiende API key (atk_<id>_<secret>)",
    "description": "An API key an administrator created (Administración → Claves de API), sent as "
    "`Authorization: Bearer atk_…`. It reaches only the operations whose `x-atiende-scope` it holds "
    "(tickets:read, tickets:write, contacts:read, contacts:write, kb:read); others answer 403. "
    "Revoked or expired keys answer 401; each key has its own rate limit (429 with Retry-After).",
}


def document(routes: list[RouteDoc], title: str, version: str) -> dict[str, Any]:
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorAnswer, "serialization")]
    for route in routes:
        modes.append((route.answer, "serialization"))
        for model in (route.query, route.body):
            if model is not None:
                modes.append((model, "validation"))
    keys, schemas = models_json_schema(list(dict.fromkeys(modes)), ref_template=REF)
    components = schemas.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        operation: dict[str, Any] = {
            "operationId": f"{route.method.lower()}{route.path.replace('/', '_').replace('{', '').replace('}', '')}",
            "summary": route.summary.split("\n")[0],
            "description": route.summary,
            "parameters": _path_parameters(route.path) + _query_parameters(route.query, keys, components),
            "responses": {
                str(route.status): _answer_content(route.answer, keys),
                "default": {"description": "an error", **_content(keys[(ErrorAnswer, "serialization")])},
            },
        }
        operation["responses"][str(route.status)]["description"] = "done"
        operation["responses"] |= _named_errors(route.errors, keys)
        if route.body is not None:
            operation["requestBody"] = _request_body(route, keys[(route.body, "validation")], components)
        if route.role is not None:
            operation["security"] = [{"cognito": []}]
            operation["x-atiende-role"] = route.role
        if route.role == "agent" and route.scope is not None:  # keys never reach a supervisor's routes
            operation["security"].append({"apiKey": [route.scope]})
            operation["x-atiende-scope"] = route.scope
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "Cognito ID token (JWT)"},
                "apiKey": API_KEY_SCHEME,
            },
        },
    }


def _named_errors(message_keys: tuple[str, ...], keys: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    """Each status a route names, with the errors behind it (English text and key;
    every answer carries the Spanish and English text)."""
    from agent_api.errors import MESSAGES

    by_status: dict[str, list[str]] = {}
    for key in message_keys:
        status = MESSAGES[key][0]
        by_status.setdefault(str(status), []).append(key)
    return {
        status: {
            "description": " / ".join(MESSAGES[key][2] for key in named),
            "x-atiende-message-keys": named,
            **_content(keys[(ErrorAnswer, "serialization")]),
        }
        for status, named in sorted(by_status.items())
    }


def _answer_content(answer: type[BaseModel], keys: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    if answer is FileBytes:
        return {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    if answer is HtmlPage:
        return {"content": {"text/html": {"schema": {"type": "string"}}}}
    return _content(keys[(answer, "serialization")])


def _request_body(route: RouteDoc, schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The body in each way the route takes it; a multipart form's file input
    joins the model's fields (a binary string, with the types it takes)."""
    content: dict[str, Any] = {}
    for media_type in route.body_types:
        content[media_type] = {"schema": schema}
        if media_type == "multipart/form-data" and route.upload is not None:
            field, types = route.upload
            fields = components[schema["$ref"].rsplit("/", 1)[1]]
            upload = {"type": "string", "contentMediaType": "application/octet-stream",
                      "description": f"optional file: {', '.join(types)}"}  # fmt: skip
            content[media_type] = {
                "schema": {**fields, "properties": {**fields["properties"], field: upload}},
                "encoding": {field: {"contentType": ", ".join(types)}},
            }
    return {"required": True, "content": content}


def _content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 128}}
        for name in names
    ]


def _query_parameters(
    model: type[BaseModel] | None, keys: dict[Any, dict[str, Any]], components: dict[str, Any]
) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema_of_model = components[keys[(model, "validation")]["$ref"].rsplit("/", 1)[1]]
    properties = schema_of_model["properties"]
    required = set(schema_of_model.get("required", []))
    parameters = []
    for name, schema in properties.items():
        parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
        if schema.get("type") == "array":
            parameter |= {"style": "form", "explode": False}  # status=open,pending
        parameters.append(parameter)
    return parameters
