"""Text from what senders' mail programs wrote, never failing: bytes in their
declared charset (or a wrong one: known aliases, wider relatives, UTF-8 with
stray bytes, detection, Latin-1 last) and headers in RFC 2047 encoded words."""

import contextlib
import email.header
import re
from email.message import EmailMessage, Message

CHARSET_ALIASES = {
    "x-unknown": "latin-1",
    "unknown-8bit": "latin-1",
    "unknown": "latin-1",
    "iso-8859-8-i": "iso-8859-8",
    "cp-850": "cp850",
    "x-user-defined": "latin-1",
    "gb2312": "gb18030",  # a superset: mails labelled GB2312 often use GBK characters
    "iso-gb2312": "gb18030",
    "x-gbk": "gb18030",
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "windows-874": "cp874",
    "iso-2022-jp": "iso2022_jp_ext",  # with the NEC extensions (①, ㈱…) Japanese mail uses
    "ansi_x3.4-1968": "ascii",
    "utf8": "utf-8",
}
# Wider relatives to try when a part does not decode in its declared charset.
FALLBACKS = {
    "iso-2022-jp": ("iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_2"),
    "us-ascii": ("windows-1252",),
    "iso-8859-1": ("windows-1252",),
}


def decode_bytes(data: bytes, declared: str) -> tuple[str, str]:
    """Text from bytes, never failing. Strictly in the declared charset (or its
    alias and wider relatives), then UTF-8; then, for the stateful ISO-2022
    family, the declared charset with replacement marks; then UTF-8 where it is
    valid with stray bytes read as Windows-1252 (mail edited by two programs);
    then a detected charset; then Latin-1. Returns (text, how)."""
    codec = CHARSET_ALIASES.get(declared, declared)
    candidates = [codec, *FALLBACKS.get(declared, ())] if declared else []
    for candidate in dict.fromkeys(candidates):
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return data.decode(candidate), candidate
    if declared.startswith("iso-2022"):  # 7-bit: would pass for UTF-8, but is not
        with contextlib.suppress(LookupError):
            return data.decode(codec, errors="replace"), f"{codec} (lenient)"
    with contextlib.suppress(UnicodeDecodeError):
        return data.decode("utf-8"), "utf-8"
    if _has_utf8_sequences(data):
        return _utf8_with_stray_bytes(data), "utf-8+windows-1252"
    with contextlib.suppress(Exception):
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ESCAPED = re.compile(r"[\udc80-\udcff]+")


def _has_utf8_sequences(data: bytes) -> bool:
    return _UTF8_MULTIBYTE.search(data) is not None


def _utf8_with_stray_bytes(data: bytes) -> str:
    text = data.decode("utf-8", errors="surrogateescape")
    return _ESCAPED.sub(
        lambda run: run.group().encode("utf-8", "surrogateescape").decode("windows-1252", "replace"), text
    )


def raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items() if isinstance(message, EmailMessage) else message.items():
        if key.lower() == name.lower():
            return str(value)
    return None


def decode_words(raw: str) -> str:
    """RFC 2047 encoded words → text, tolerant of unknown charsets."""
    try:
        chunks = email.header.decode_header(raw)
    except Exception:  # noqa: BLE001
        return raw
    text = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            text.append(decode_bytes(chunk, (charset or "").lower())[0])
        else:
            text.append(chunk)
    return "".join(text)


def clean_header(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\x00", "")).strip()
