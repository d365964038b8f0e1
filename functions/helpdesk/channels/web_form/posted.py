"""A posted form as the browser sent it: ``application/x-www-form-urlencoded``
(no file) or ``multipart/form-data`` (the contact form, with its optional
attachment), read with the standard library only.

A multipart body is read as MIME is: the request's ``Content-Type`` (with its
boundary) heads a synthetic message that ``email``'s parser splits into parts.
Text fields are UTF-8 (the pages declare it); a field named twice keeps its
first value; a file part is kept as bytes with the name and type the browser
gave, which are labels only (``helpdesk.files`` decides what the bytes are).
"""

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import parse_qs

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class PostedFile:
    """A file a person chose in the form (``filename`` and ``declared_type``: the browser's words)."""

    field: str
    filename: str
    declared_type: str
    content: bytes


@dataclass(frozen=True)
class PostedForm:
    fields: dict[str, str]
    files: tuple[PostedFile, ...] = ()


def read_form(content_type: str, body: bytes) -> PostedForm:
    """The fields (and files) of a posted form; an unreadable body has none."""
    if content_type.split(";", 1)[0].strip().lower() == MULTIPART:
        return _multipart(content_type, body)
    text = body.decode("utf-8", "replace")
    return PostedForm({k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items() if v})


def _multipart(content_type: str, body: bytes) -> PostedForm:
    head = f"Content-Type: {' '.join(content_type.split())}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return PostedForm({})
    fields: dict[str, str] = {}
    files: list[PostedFile] = []
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage) or part.get_content_disposition() != "form-data":
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            if content or filename:  # a file input left empty sends an empty part with filename=""
                declared = part.get_content_type() if part["content-type"] else ""
                files.append(PostedFile(_text(name), _text(filename), declared, content))
        elif _text(name) not in fields:
            fields[_text(name)] = content.decode("utf-8", "replace")
    return PostedForm(fields, tuple(files))


def _text(header_value: str) -> str:
    """A name from a part's header: browsers write UTF-8 there, which the parser
    keeps as escaped bytes."""
    return header_value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
