"""Text and JSON from outside the help desk, made safe in one place.

**JSON nesting.** ``load_json`` refuses a document nested deeper than
``limits.MAX_JSON_DEPTH`` before parsing it (Python's parser recurses once per
level: 5,000 nested arrays raise ``RecursionError``, which is not a
``ValueError`` and escaped every handler). ``NestedTooDeep`` is a ``ValueError``,
so callers that keep malformed input aside keep this too.

**Control characters.** NUL, terminal escapes (ESC, CSI) and the other C0/C1
control characters and DEL have no place in a help desk's text: they corrupt
terminals reading logs, break e-mail headers and hide text. ``\\n`` and ``\\t``
are text. The rule, field by field:

- what an **agent** types (replies, notes, subjects, names, tags, any text of an
  API body) is **refused**: the API answers 400 ``error.control_characters``
  and the agent fixes it (``refuse_control_characters``);
- what a **customer** sends (mail subjects and bodies, WhatsApp text, profile
  and display names) is **stripped**: a customer's message is never refused
  for it (``without_control_characters``, applied by ``InboundMessage``). One-line
  fields (subjects, names) also lose ``\\n`` and ``\\t`` (``one_line``).
"""

import json
import re
from typing import Any

from helpdesk.errors import HelpdeskError
from helpdesk.limits import MAX_JSON_DEPTH

# C0 except \t (09) and \n (0A), DEL, C1.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n]+")
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class NestedTooDeep(ValueError):
    """A JSON document nested deeper than the help desk reads."""


class ControlCharacters(HelpdeskError):
    """Text with NUL, terminal escapes or other control characters."""

    message_key = "error.control_characters"

    def __init__(self, field: str) -> None:
        super().__init__(f"control characters in {field}")
        self.field = field


def nesting_depth(document: bytes | str) -> int:
    """How deep a JSON document's arrays and objects nest (brackets inside strings
    do not count), without parsing it."""
    raw = document.encode("utf-8", "surrogatepass") if isinstance(document, str) else document
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b'""', raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def refuse_deep_json(document: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> None:
    """``NestedTooDeep`` if ``document`` nests deeper than ``max_depth``."""
    if nesting_depth(document) > max_depth:
        raise NestedTooDeep(f"JSON nested deeper than {max_depth} levels")


def load_json(document: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` for input from outside: ``NestedTooDeep`` past ``max_depth``."""
    refuse_deep_json(document, max_depth)
    return json.loads(document)


def refuse_hostile_json(document: bytes | str) -> None:
    """An agent's JSON body before any model reads it: ``NestedTooDeep`` or
    ``ControlCharacters``; a body that is not JSON at all is left to the model's
    own validation (which says where)."""
    refuse_deep_json(document)
    try:
        parsed = json.loads(document)
    except ValueError:
        return
    refuse_control_characters(parsed)


def without_control_characters(text: str) -> str:
    """A customer's text with control characters removed (``\\n`` and ``\\t`` kept);
    ``\\r\\n`` becomes ``\\n``."""
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n"))


def one_line(text: str) -> str:
    """A customer's one-line text (a subject, a name): no control characters, and
    line breaks and tabs become one space."""
    return _LINE_BREAKS.sub(" ", without_control_characters(text)).strip()


def refuse_control_characters(value: Any, field: str = "") -> None:
    """Raise ``ControlCharacters`` if any text in ``value`` (a string, or the
    strings and keys of nested dicts, lists and tuples) holds one."""
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            raise ControlCharacters(field or "text")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_control_characters(key, field)
            refuse_control_characters(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_control_characters(item, f"{field}.{index}" if field else str(index))
