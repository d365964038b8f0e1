"""Files through the agent API: previews (bytes) and download links of what
customers sent, uploads attached to replies, and the e-mail that carries them."""

import base64
import email
from datetime import UTC, datetime
from email import policy
from typing import Any

import boto3
import requests

from helpdesk.channels.email.outbound import deliver_email
from helpdesk.channels.outbound import OutboundRequest
from helpdesk.conversations.ingest import InboundMessage, IngestResult, ingest
from helpdesk.files import keep_file
from helpdesk.models import Channel, Identity, IdentityKind
from helpdesk.providers.files import S3FileStore
from helpdesk.settings import mail_settings, store_settings
from helpdesk.store import HelpdeskStore
from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _files() -> S3FileStore:
    return S3FileStore(boto3.client("s3", region_name=store_settings().region))


def _mail_with_files(sender: str, subject: str) -> IngestResult:
    bucket = mail_settings().attachments_bucket
    photo = keep_file(_files(), bucket, "mail", PNG, "foto.png", "image/png")
    raw = keep_file(_files(), bucket, "raw", b"From: x\r\n\r\nhola", "original.eml", "message/rfc822")
    inbound = InboundMessage(
        channel=Channel.EMAIL,
        channel_message_id=f"ses-{subject}",
        sender=Identity(kind=IdentityKind.EMAIL, value=sender),
        sent_at=datetime.now(UTC),
        subject=subject,
        text="Les mando la foto del paquete.",
        attachments=(photo,),
        original=raw,
    )
    return ingest(inbound, HelpdeskStore(store_settings()))


def _bytes(api: Api, token: str, path: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/octet-stream"}
    return requests.get(api.base + path, headers=headers, timeout=10)


def test_agents_preview_and_download_what_customers_sent(api: Api) -> None:
    written = _mail_with_files("ines.soto@example.com", "Paquete dañado")
    agent = api.token(AGENT_LOGIN)
    path = f"/api/tickets/{written.ticket.id}/messages/{written.message.id}/attachments"

    preview = _bytes(api, agent, f"{path}/0")
    assert preview.status_code == 200 and preview.content == PNG
    assert preview.headers["Content-Type"] == "application/octet-stream"
    assert _bytes(api, agent, f"{path}/original").content == b"From: x\r\n\r\nhola"

    link = api.get(f"{path}/0/link", agent).json()
    downloaded = requests.get(link["url"], timeout=10)
    assert downloaded.content == PNG and "foto.png" in downloaded.headers["Content-Disposition"]
    assert link["filename"] == "foto.png"
    assert _bytes(api, agent, f"{path}/1").status_code == 404
    assert _bytes(api, agent, f"{path}/x").status_code == 404


def test_an_agent_attaches_an_upload_to_an_email_reply(api: Api) -> None:
    written = _mail_with_files("tito.mora@example.com", "Garantía pendiente")  # not an invoice
    ticket_id = written.ticket.id
    agent = api.token(AGENT_LOGIN)
    pdf = b"%PDF-1.4 factura 1234"
    upload = {"filename": "factura.pdf", "content_type": "text/plain", "data": base64.b64encode(pdf).decode()}
    uploaded = api.send("POST", f"/api/tickets/{ticket_id}/attachments", agent, upload)
    assert uploaded.status_code == 201, uploaded.text
    stored = uploaded.json()
    assert stored["key"].startswith(f"outbound/{ticket_id}/") and stored["content_type"] == "application/pdf"

    draft = {"body": "Adjunto la factura.", "attachments": [{"key": stored["key"], "filename": "factura.pdf"}]}
    reply = api.send("POST", f"/api/tickets/{ticket_id}/replies", agent, draft)
    assert reply.status_code == 202, reply.text
    message = reply.json()
    assert [(a["filename"], a["size"], a["content_type"]) for a in message["attachments"]] == [
        ("factura.pdf", len(pdf), "application/pdf")
    ]

    class Outbox:
        raw = b""

        def send(self, raw: bytes, sender: str, recipients: tuple[str, ...]) -> str:
            Outbox.raw = raw
            return "ses-out-1"

    request = OutboundRequest(ticket_id=ticket_id, message_id=message["id"], sent_at=message["sent_at"])
    store = HelpdeskStore(store_settings())
    deliver_email(request, store, Outbox(), mail_settings(), final_attempt=True, files=_files())
    sent = email.message_from_bytes(Outbox.raw, policy=policy.default)
    (part,) = list(sent.iter_attachments())
    assert (part.get_filename(), part.get_content_type(), part.get_content()) == ("factura.pdf", "application/pdf", pdf)


def test_replies_only_carry_this_tickets_uploads_within_the_limits(api: Api) -> None:
    first = _mail_with_files("uno@example.com", "Primero")
    second = _mail_with_files("dos@example.com", "Segundo")
    agent = api.token(AGENT_LOGIN)
    data = base64.b64encode(b"%PDF-1.4").decode()
    other = api.send("POST", f"/api/tickets/{second.ticket.id}/attachments", agent,
                     {"filename": "b.pdf", "data": data}).json()  # fmt: skip
    borrowed = {"body": "x", "attachments": [{"key": other["key"], "filename": "b.pdf"}]}
    refused = api.send("POST", f"/api/tickets/{first.ticket.id}/replies", agent, borrowed)
    assert refused.status_code == 404 and refused.json()["error"]["message_key"] == "error.attachment_not_found"

    big = base64.b64encode(b"\x00" * (4 * 1024 * 1024 + 1)).decode()
    too_big = api.send("POST", f"/api/tickets/{first.ticket.id}/attachments", agent, {"filename": "g.bin", "data": big})
    assert too_big.status_code == 413
    not_base64 = api.send("POST", f"/api/tickets/{first.ticket.id}/attachments", agent,
                          {"filename": "n.bin", "data": "%%%"})  # fmt: skip
    assert not_base64.status_code == 400


def test_another_groups_agent_gets_no_file(api: Api) -> None:
    written = _mail_with_files("lena.paz@example.com", "Cobro doble")
    admin = api.token(ADMIN_LOGIN)
    ticket: dict[str, Any] = api.get(f"/api/tickets/{written.ticket.id}", admin).json()["ticket"]
    api.patch(f"/api/tickets/{ticket['id']}", admin, {"version": ticket["version"], "group_id": "facturacion"})
    path = f"/api/tickets/{written.ticket.id}/messages/{written.message.id}/attachments/0"
    assert _bytes(api, api.token(AGENT_LOGIN), path).status_code == 403
