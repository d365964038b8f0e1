"""Raw e-mail (RFC 5322 / MIME) into a ``ParsedMail``, whatever the sender's client did.

Built on the standard library's ``email`` package with ``policy.default``, and
defensive at every step: a header that does not parse falls back to its raw,
RFC 2047-decoded text; a part in an unknown or wrong charset is decoded by a chain
of guesses (declared charset, its known aliases, UTF-8, detection, Latin-1); a body
uuencoded inside a text part becomes an attachment; ``message/rfc822`` parts are
attachments, not body. A mail that cannot be parsed at all still yields a
``ParsedMail`` with ``readable=False``: the caller keeps the raw bytes and shows a
note, never loses the mail.
"""

import binascii
import contextlib
import email
import email.header
import email.utils
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message

from helpdesk.channels.email.decoding import CHARSET_ALIASES, clean_header, decode_bytes, decode_words, raw_header
from helpdesk.channels.email.html_text import html_to_text

AUTO_SUBMITTED_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}
OUT_OF_OFFICE_SUBJECT = re.compile(
    r"(out of (the )?office|auto(matic)?[ -]?(reply|response|antwort)|abwesenheit|"
    r"fuera de la oficina|respuesta autom[aá]tica|ausente|vacaciones|on vacation|r[eé]ponse automatique)",
    re.IGNORECASE,
)
UUENCODE_BLOCK = re.compile(r"^begin [0-7]{3,4} (?P<name>[^\r\n]+)\r?\n(?P<body>.*?)^end\s*$", re.MULTILINE | re.DOTALL)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
LOOSE_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
_SURROGATES = re.compile(r"[\udc80-\udcff]")


@dataclass(frozen=True)
class Address:
    name: str
    email: str


@dataclass(frozen=True)
class MailAttachment:
    filename: str  # the sender's name for it, for display only
    declared_type: str
    content: bytes = field(repr=False)
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True)
class DeliveryReport:
    """What a bounce (multipart/report; report-type=delivery-status) tells."""

    original_message_id: str | None
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # e.g. 5.1.1
    diagnostic: str
    recipients: tuple[str, ...]

    @property
    def failed(self) -> bool:
        return self.action == "failed" or self.status.startswith("5")


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str = ""
    sender: Address | None = None
    reply_to: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    delivered_to: tuple[str, ...] = ()
    date: datetime | None = None
    text: str = ""
    html: str | None = None
    attachments: tuple[MailAttachment, ...] = ()
    auto_reply: bool = False
    delivery_report: DeliveryReport | None = None
    problems: tuple[str, ...] = ()
    readable: bool = True

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers, most relevant first."""
        return tuple(dict.fromkeys((*self.in_reply_to, *reversed(self.references))))


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse ``raw``; never raises for any input."""
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # noqa: BLE001 - a mail must never be lost to a parser error
        return ParsedMail(problems=(f"unparseable: {type(exc).__name__}",), readable=False)
    reader = _Reader()
    try:
        return reader.read(message)
    except Exception as exc:  # noqa: BLE001
        return ParsedMail(
            subject=reader.header_text(message, "subject"),
            problems=(*reader.problems, f"unreadable: {type(exc).__name__}"),
            readable=False,
        )


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[MailAttachment] = []
        self.report: DeliveryReport | None = None

    # headers

    def header_text(self, message: Message, name: str) -> str:
        """A header's decoded text, or its raw RFC 2047-decoded form when the
        structured parser cannot read it."""
        try:
            value = message.get(name)
            text = clean_header(str(value)) if value is not None else ""
            if "\ufffd" not in text and not _SURROGATES.search(text):
                return text
        except Exception:  # noqa: BLE001 - malformed header
            self.problems.append(f"header {name} malformed")
        return self.raw_header_text(message, name)

    def raw_header_text(self, message: Message, name: str) -> str:
        """Our own decoding of a header: charset aliases (GB2312 as GB18030…),
        and raw 8-bit bytes read in the charset the body declares."""
        raw = raw_header(message, name)
        if not raw:
            return ""
        if _SURROGATES.search(raw):
            data = raw.encode("ascii", "surrogateescape")
            raw = decode_bytes(data, _body_charset(message))[0]
        return clean_header(decode_words(raw))

    def addresses(self, message: Message, name: str) -> tuple[Address, ...]:
        found: list[Address] = []
        try:
            header = message.get(name)
            groups = getattr(header, "addresses", None) if header is not None else None
            if groups is not None:
                for address in groups:
                    name_ok = "\ufffd" not in address.display_name and not _SURROGATES.search(address.display_name)
                    if address.addr_spec and "@" in address.addr_spec and name_ok:
                        found.append(Address(address.display_name or "", address.addr_spec.strip().lower()))
                if found:
                    return tuple(found)
        except Exception:  # noqa: BLE001
            self.problems.append(f"header {name} malformed")
        raw = self.raw_header_text(message, name)
        for display, addr in email.utils.getaddresses([raw]):
            if "@" in addr:
                found.append(Address(display.strip(), addr.strip().strip(".").lower()))
        if not found and (match := LOOSE_ADDRESS.search(raw)):
            found.append(Address("", match.group().strip(".").lower()))
        return tuple(found)

    def message_ids(self, message: Message, name: str) -> tuple[str, ...]:
        raw = raw_header(message, name) or ""
        return tuple(dict.fromkeys(MESSAGE_ID.findall(raw)))

    def date(self, message: Message) -> datetime | None:
        raw = raw_header(message, "date")
        if not raw:
            return None
        try:
            parsed = email.utils.parsedate_to_datetime(raw.strip())
        except (TypeError, ValueError, IndexError):
            self.problems.append("date malformed")
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    # body

    def read(self, message: Message) -> ParsedMail:
        self.walk(message, depth=0)
        text = "\n\n".join(t for t in self.texts if t.strip())
        html = "\n".join(self.htmls) if self.htmls else None
        if not text.strip() and html:
            text = html_to_text(html)
        text, uuencoded = _extract_uuencoded(text)
        self.attachments.extend(uuencoded)
        subject = self.header_text(message, "subject")
        senders = self.addresses(message, "from") or self.addresses(message, "sender")
        reply_to = self.addresses(message, "reply-to")
        return ParsedMail(
            message_id=next(iter(self.message_ids(message, "message-id")), None),
            in_reply_to=self.message_ids(message, "in-reply-to"),
            references=self.message_ids(message, "references"),
            subject=subject,
            sender=senders[0] if senders else None,
            reply_to=reply_to[0] if reply_to else None,
            to=self.addresses(message, "to"),
            cc=self.addresses(message, "cc"),
            delivered_to=tuple(a.email for a in self.addresses(message, "delivered-to")),
            date=self.date(message),
            text=text.strip("\n"),
            html=html,
            attachments=tuple(self.attachments),
            auto_reply=self.is_auto_reply(message, subject),
            delivery_report=self.report,
            problems=tuple(self.problems),
        )

    def walk(self, part: Message, depth: int) -> None:
        if depth > 20:
            self.problems.append("nesting too deep")
            return
        content_type = _content_type(part)
        if part.is_multipart():
            children = _children(part)
            if content_type == "multipart/alternative":
                self.alternative(children, depth)
                return
            if content_type == "multipart/report":
                self.delivery_report(children)
            for child in children:
                self.walk(child, depth + 1)
            return
        if content_type in ("message/rfc822", "message/global"):
            self.attach(part, "message/rfc822", default_name="mensaje-adjunto.eml")
            return
        if content_type in ("message/delivery-status", "text/rfc822-headers", "message/rfc822-headers"):
            return  # read by delivery_report
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            body = self.decoded_text(part)
            (self.htmls if content_type == "text/html" else self.texts).append(body)
            return
        self.attach(part, content_type)

    def alternative(self, children: list[Message], depth: int) -> None:
        """Keep the richest HTML and the plain text of an alternative; nested
        structures (related, mixed) inside it are walked."""
        plain = [c for c in children if _content_type(c) == "text/plain"]
        others = [c for c in children if _content_type(c) != "text/plain"]
        for child in others:
            self.walk(child, depth + 1)
        if plain:
            self.texts.append(self.decoded_text(plain[-1]))

    def attach(self, part: Message, content_type: str, default_name: str = "") -> None:
        content = _payload_bytes(part)
        if content is None:
            self.problems.append(f"attachment {content_type} unreadable")
            return
        content_id = (part.get("content-id") or "").strip().strip("<>") or None
        disposition = (part.get_content_disposition() or "").lower()
        self.attachments.append(
            MailAttachment(
                filename=_filename(part) or default_name,
                declared_type=content_type,
                content=content,
                content_id=content_id,
                inline=disposition == "inline" or (content_id is not None and disposition != "attachment"),
            )
        )

    def decoded_text(self, part: Message) -> str:
        data = _payload_bytes(part) or b""
        declared = (part.get_content_charset() or "").lower()
        text, used = decode_bytes(data, declared)
        if declared and used != CHARSET_ALIASES.get(declared, declared):
            self.problems.append(f"charset {declared or 'undeclared'} decoded as {used}")
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")

    def delivery_report(self, children: list[Message]) -> None:
        status = next((c for c in children if _content_type(c) == "message/delivery-status"), None)
        original = next(
            (
                c
                for c in children
                if _content_type(c) in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")
            ),
            None,
        )
        fields: dict[str, str] = {}
        recipients: list[str] = []
        if status is not None:
            for block in _status_blocks(status):
                for key, value in block.items():
                    fields.setdefault(key, value)
                if "final-recipient" in block:
                    recipients.append(block["final-recipient"].split(";")[-1].strip().lower())
        original_id = None
        if original is not None:
            headers = _original_headers(original)
            found = MESSAGE_ID.findall(headers.get("message-id", ""))
            original_id = found[0] if found else None
        self.report = DeliveryReport(
            original_message_id=original_id,
            action=fields.get("action", "").lower(),
            status=fields.get("status", ""),
            diagnostic=fields.get("diagnostic-code", "")[:500],
            recipients=tuple(recipients),
        )

    def is_auto_reply(self, message: Message, subject: str) -> bool:
        def header(name: str) -> str:
            return (raw_header(message, name) or "").strip().lower()

        auto_submitted = header("auto-submitted")
        if auto_submitted and auto_submitted != "no":
            return True
        if header("x-autoreply") or header("x-autorespond") or header("x-autoresponse"):
            return True
        if header("precedence") in AUTO_SUBMITTED_PRECEDENCE:
            return True
        if header("list-unsubscribe") or header("list-id"):
            return True
        if header("x-auto-response-suppress") in ("all", "oof", "autoreply"):
            return True
        return bool(OUT_OF_OFFICE_SUBJECT.search(subject))


def _body_charset(message: Message) -> str:
    """The first charset the message's parts declare (raw 8-bit headers are
    usually in it)."""
    for part in message.walk():
        with contextlib.suppress(Exception):
            charset = part.get_content_charset()
            if charset:
                return charset.lower()
    return ""


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - broken RFC 2231 parameters
        name = None
    if name is None:
        try:
            name = part.get_param("name", header="content-type")  # type: ignore[assignment]
        except Exception:  # noqa: BLE001
            name = None
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    return clean_header(decode_words(str(name))) if name else ""


def _payload_bytes(part: Message) -> bytes | None:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if isinstance(payload, bytes):
        return payload
    if isinstance(part.get_payload(), list):  # message/rfc822: the embedded mail itself
        for candidate in (*_children(part)[:1], part):
            with contextlib.suppress(Exception):
                return candidate.as_bytes()
        return None
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else None


def _extract_uuencoded(text: str) -> tuple[str, list[MailAttachment]]:
    found: list[MailAttachment] = []

    def decode(match: re.Match[str]) -> str:
        data = bytearray()
        for line in match.group("body").splitlines():
            if not line.strip() or line.strip() == "`":
                continue
            try:
                data.extend(binascii.a2b_uu(line))
            except binascii.Error:
                # Some encoders write lines a little longer than their length byte says.
                with contextlib.suppress(binascii.Error, IndexError):
                    length = (((ord(line[0]) - 32) & 63) * 4 + 2) // 3
                    data.extend(binascii.a2b_uu(line[: length + 1]))
        found.append(MailAttachment(match.group("name").strip(), "application/octet-stream", bytes(data)))
        return ""

    return UUENCODE_BLOCK.sub(decode, text), found


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def _status_blocks(part: Message) -> list[dict[str, str]]:
    if isinstance(part.get_payload(), list):
        return [{k.lower(): str(v).strip() for k, v in block.items()} for block in _children(part)]
    blocks: list[dict[str, str]] = []
    raw = _payload_bytes(part) or b""
    for chunk in re.split(r"\r?\n\r?\n", raw.decode("utf-8", "replace")):
        fields: dict[str, str] = {}
        for line in re.sub(r"\r?\n[ \t]+", " ", chunk).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def _original_headers(part: Message) -> dict[str, str]:
    inner = _children(part)
    if inner:
        first = inner[0]
        return {k.lower(): str(v) for k, v in (first.raw_items() if isinstance(first, EmailMessage) else first.items())}
    raw = (_payload_bytes(part) or b"").decode("utf-8", "replace")
    headers: dict[str, str] = {}
    for line in re.sub(r"\r?\n[ \t]+", " ", raw.split("\n\n")[0]).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            headers.setdefault(key.strip().lower(), value.strip())
    return headers
