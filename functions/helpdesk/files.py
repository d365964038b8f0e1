"""Files kept for tickets (attachments, raw mail): the ``FileStore`` port, and
what the help desk decides about a file before it is stored.

Keys never come from what a sender called a file: every stored file gets a key
made of a date and a ULID; the sender's name is kept only as a label. The type
recorded is the one the bytes show (a wrong label does not make an executable
a PDF), and a SHA-256 travels with the file.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from helpdesk.clock import new_id, utc_now
from helpdesk.errors import HelpdeskError
from helpdesk.models import Attachment

# Magic numbers of the file types agents meet most, to see past a wrong label.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"RIFF", "audio/wav"),
    (b"OggS", "audio/ogg"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"BEGIN:VCALENDAR", "text/calendar"),
)


def sniff_content_type(content: bytes, declared: str) -> str:
    """The type the bytes say they are; the declared one when they don't say."""
    head = content[:32]
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip" and declared.startswith("application/vnd.openxmlformats"):
                return declared  # .docx/.xlsx are zip files
            if content_type == "audio/wav" and head[8:12] == b"WEBP":
                return "image/webp"
            return content_type
    if head[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4A ", b"ftypqt  "):
        return "video/mp4" if b"M4A" not in head else "audio/mp4"
    return declared or "application/octet-stream"


class NotBase64(HelpdeskError):
    message_key = "error.invalid_request"


def uploaded_bytes(data: str, filename: str) -> bytes:
    """The bytes of a file an agent's JSON body carries as base64 (400 when it is not base64)."""
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NotBase64(filename) from exc


def file_label(filename: str) -> str:
    """What a sender called a file, kept only as a label: no path separators, no runs of spaces."""
    return " ".join(filename.replace("/", "_").replace("\\", "_").split())


def file_key(kind: str, moment: datetime | None = None) -> str:
    moment = moment or utc_now()
    return f"{kind}/{moment:%Y/%m/%d}/{new_id()}"


@dataclass(frozen=True)
class StoredFile:
    """What the file store says about a stored file (never what a client claims)."""

    size: int
    content_type: str
    sha256: str


class FileStore(Protocol):
    def put(self, bucket: str, key: str, content: bytes, content_type: str, sha256: str, declared_type: str) -> None:
        """Keep ``content`` under ``key`` with its type and checksum."""

    def describe(self, bucket: str, key: str) -> StoredFile | None: ...

    def link(self, bucket: str, key: str, filename: str, seconds: int) -> str: ...

    def get(self, bucket: str, key: str) -> bytes: ...

    def erase(self, bucket: str, key: str) -> int: ...


def keep_file(
    files: FileStore, bucket: str, kind: str, content: bytes, filename: str, declared_type: str
) -> Attachment:
    """Store a file a customer sent or an agent uploaded under a fresh key of
    ``kind``; the Attachment that names it (``filename`` only as a label)."""
    key = file_key(kind)
    content_type = sniff_content_type(content, declared_type)
    digest = hashlib.sha256(content).hexdigest()
    files.put(bucket, key, content, content_type, digest, declared_type)
    return Attachment(
        bucket=bucket,
        key=key,
        filename=filename,
        content_type=content_type,
        declared_type=declared_type or None,
        size=len(content),
        sha256=digest,
    )
