"""Amazon S3: the FileStore of files kept for tickets (attachments, raw mail).
What a file's key and type are is decided in ``helpdesk.files``; this only
keeps, describes, links and erases bytes."""

from typing import Any
from urllib.parse import quote

from helpdesk.files import StoredFile


class S3FileStore:
    """FileStore on S3 (moto's in the local stack)."""

    def __init__(self, client: Any) -> None:
        self._s3 = client

    def put(self, bucket: str, key: str, content: bytes, content_type: str, sha256: str, declared_type: str) -> None:
        self._s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
            Metadata={"sha256": sha256, "declared-type": declared_type[:100]},
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
