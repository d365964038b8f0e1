"""The local stand-in for SES receiving: an SMTP server on 127.0.0.1 that accepts
mail for the support address (and its plus addresses), stores the raw MIME in the
raw-mail bucket as SES's S3 action would (with SES's verdict headers on top), and
lets the bucket's notification carry it on to the inbound queue and function."""

import secrets
import string
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from helpdesk.settings import RAW_MAIL_PREFIX

SES_HEADERS = b"X-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n"


def ses_message_id() -> str:
    """An id shaped like SES's (lower-case letters and digits)."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


class SupportInbox:
    def __init__(self, s3: Any, bucket: str, support_address: str) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.local, self.domain = support_address.lower().rsplit("@", 1)
        self.stored: list[str] = []

    def accepts(self, address: str) -> bool:
        local, _, domain = address.lower().rpartition("@")
        return domain == self.domain and (local == self.local or local.startswith(self.local + "+"))

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if not self.accepts(address):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        key = RAW_MAIL_PREFIX + ses_message_id()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=SES_HEADERS + raw)
        self.stored.append(key)
        return "250 Message accepted for delivery"


def start_inbox(s3: Any, bucket: str, support_address: str, host: str, port: int) -> Controller:
    controller = Controller(
        SupportInbox(s3, bucket, support_address), hostname=host, port=port, data_size_limit=40 * 1024 * 1024
    )
    controller.start()
    return controller
