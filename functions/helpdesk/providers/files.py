"""Files kept for tickets (attachments, raw mail) in S3.

Keys never come from what a sender called a file: every stored file gets a key
made of a date and a ULID; the sender's name is kept only as a label.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from helpdesk.clock import new_id, utc_now
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


def file_key(kind: str, moment: datetime | None = None) -> str:
    moment = moment or utc_now()
    return f"{kind}/{moment:%Y/%m/%d}/{new_id()}"


@dataclass(frozen=True)
class StoredFile:
    """What S3 says about a stored file (never what a client claims)."""

    size: int
    content_type: str
    sha256: str


class FileStore(Protocol):
    def put(self, bucket: str, kind: str, content: bytes, filename: str, declared_type: str) -> Attachment: ...

    def describe(self, bucket: str, key: str) -> StoredFile | None: ...

    def link(self, bucket: str, key: str, filename: str, seconds: int) -> str: ...

    def get(self, bucket: str, key: str) -> bytes: ...

    def erase(self, bucket: str, key: str) -> int: ...


class S3FileStore:
    """FileStore on S3 (moto's in the local stack)."""

    def __init__(self, client: Any) -> None:
        self._s3 = client

    def put(self, bucket: str, kind: str, content: bytes, filename: str, declared_type: str) -> Attachment:
        key = file_key(kind)
        content_type = sniff_content_type(content, declared_type)
        digest = hashlib.sha256(content).hexdigest()
        self._s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
            Metadata={"sha256": digest, "declared-type": declared_type[:100]},
        )
        return Attachment(
            bucket=bucket,
            key=key,
            filename=filename,
            content_type=content_type,
            declared_type=declared_type or None,
            size=len(content),
            sha256=digest,
        )

    def get(self, bucket: str, key: str) -> bytes:
        return bytes(self._s3.get_object(Bucket=bucket, Key=key)["Body"].read())

    def erase(self, bucket: str, key: str) -> int:
        """Delete a file with every version the bucket keeps of it; how many
        versions went (erasure on request: versioning must not keep a copy)."""
        listed = self._s3.list_object_versions(Bucket=bucket, Prefix=key)
        versions = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in (*listed.get("Versions", ()), *listed.get("DeleteMarkers", ()))
            if v["Key"] == key
        ]
        if versions:
            self._s3.delete_objects(Bucket=bucket, Delete={"Objects": versions, "Quiet": True})
        return len(versions)

    def describe(self, bucket: str, key: str) -> StoredFile | None:
        try:
            head = self._s3.head_object(Bucket=bucket, Key=key)
        except self._s3.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        metadata = head.get("Metadata", {})
        return StoredFile(
            size=int(head["ContentLength"]),
            content_type=head.get("ContentType") or "application/octet-stream",
            sha256=metadata.get("sha256", ""),
        )

    def link(self, bucket: str, key: str, filename: str, seconds: int) -> str:
        """A short-lived download address that saves the file under its label."""
        disposition = f"attachment; filename*=UTF-8''{quote(filename or key.rsplit('/', 1)[-1])}"
        return str(
            self._s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket, "Key": key, "ResponseContentDisposition": disposition},
                ExpiresIn=seconds,
            )
        )
