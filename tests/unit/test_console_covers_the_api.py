"""No setting is reachable only by hand: every operation of the agent API's
OpenAPI document is called by the console (``frontend/app``), or is listed
below as API-only with the reason, or as not yet in the console with what is
missing (a list that only shrinks)."""

import re
from pathlib import Path

from agent_api.app import openapi_document

CONSOLE = Path(__file__).resolve().parents[2] / "frontend" / "app"

# Operations people never click: for machines, with the reason.
API_ONLY = {
    ("GET", "/health"): "load balancers and uptime checks, no agent",
    ("GET", "/api/contacts"): 'a CRM\'s "open in Atiende" by e-mail or phone (API keys); agents search instead',
    ("GET", "/api/public/status/{token}"): "customers open it from the signed link in their mail; no agent",
    ("GET", "/api/public/surveys/{token}"): "customers answer a survey from its mail's one-click links; no agent",
    ("POST", "/api/public/surveys/{token}"): "the customer's comment form after a survey answer; no agent",
    ("GET", "/ayuda/buscar"): "the public help center's search page (customers' browsers, not agents)",
    ("GET", "/help/search"): "the public help center's search page, in English",
    ("GET", "/ayuda/contacto"): "the public contact form (customers' browsers)",
    ("GET", "/help/contact"): "the public contact form, in English",
    ("POST", "/public/contact"): "the contact form's page posts it",
    ("POST", "/public/chat/messages"): "the web chat widget on customers' sites posts visitors' messages",
    ("POST", "/public/chat/transcript"): "the web chat widget reloads its visitor's conversation",
    ("POST", "/public/kb/votes"): 'the help center\'s article pages post it ("¿Te fue útil?")',
    ("GET", "/public/kb/suggestions"): "the contact form's script, as a person types the subject",
    (
        "POST",
        "/api/kb/import",
    ): "`atiende kb import DIR`: a folder of Markdown files; editors write one article at a time",
}

# Operations the console does not call yet, with what is missing (issue 27).
NOT_YET_IN_CONSOLE: dict[tuple[str, str], str] = {}

_CALL = re.compile(r"request(Bytes)?\(\s*(?:'([A-Z]+)',\s*)?(?=[`'])")
_HELPER = re.compile(r"const (\w+) = \([^)]*\) =>\s*`([^`]+)`")


def _shape(path: str) -> str:
    """A path with every parameter as ``{}`` and no query string."""
    path = re.sub(r"\$\{[^}]*\}", "{}", path)
    path = re.sub(r"\{[^}]*\}", "{}", path)
    return path.split("?")[0]


def _literal(text: str, start: int) -> str:
    """The string literal at ``start`` ('…' or a template `…` whose ${…} may hold
    nested templates), as written."""
    if text[start] == "'":
        return text[start + 1 : text.index("'", start + 1)]
    written, at = [], start + 1
    while text[at] != "`":
        if text.startswith("${", at):
            depth, end = 1, at + 2
            while depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            written.append(text[at:end])
            at = end
        else:
            written.append(text[at])
            at += 1
    return "".join(written)


def console_calls() -> set[tuple[str, str]]:
    """(method, path shape) of every API call in the console's modules."""
    sources = {path: path.read_text() for path in CONSOLE.rglob("*.js")}
    helpers = {name: template for text in sources.values() for name, template in _HELPER.findall(text)}
    calls = set()
    for text in sources.values():
        for found in _CALL.finditer(text):
            is_bytes, method, path = found.group(1), found.group(2), _literal(text, found.end())
            for name, template in helpers.items():
                path = re.sub(r"\$\{" + name + r"\([^)]*\)\}", template, path)
            path = re.sub(r"\$\{[^{}]*\?.*\}$", "", path)  # an optional query string
            calls.add(("GET" if is_bytes else method, _shape(path)))
        for name in re.findall(r"requestBytes\((\w+)\(", text):  # a path made by a helper
            calls.add(("GET", _shape(helpers[name])))
    return calls


def documented() -> set[tuple[str, str]]:
    return {(m.upper(), _shape(p)) for p, ops in openapi_document()["paths"].items() for m in ops}


def test_every_operation_is_in_the_console_or_listed_with_its_reason() -> None:
    listed = {(m, _shape(p)) for m, p in (*API_ONLY, *NOT_YET_IN_CONSOLE)}
    unreachable = documented() - console_calls() - listed
    assert not unreachable, f"operations only reachable by hand: {sorted(unreachable)}"


def test_the_lists_hold_no_operation_the_console_calls_or_the_document_lacks() -> None:
    for listing in (API_ONLY, NOT_YET_IN_CONSOLE):
        shapes = {(m, _shape(p)) for m, p in listing}
        assert not shapes & console_calls(), "the console calls it now: take it off the list"
        assert shapes <= documented(), f"not in the document: {sorted(shapes - documented())}"
    assert all(API_ONLY.values()) and all(NOT_YET_IN_CONSOLE.values())


def test_the_console_calls_only_documented_operations() -> None:
    assert console_calls() <= documented(), sorted(console_calls() - documented())
