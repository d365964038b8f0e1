"""Contacts and tickets through the agent API: editing a contact, merging
duplicate contacts and tickets, and a contact's personal data exported and
erased (statistics kept, content gone, S3 versions deleted)."""

from datetime import UTC, datetime
from typing import Any

import boto3

from helpdesk.conversations.ingest import InboundMessage, IngestResult, ThreadHints, ingest
from helpdesk.files import keep_file
from helpdesk.models import Channel, Identity, IdentityKind
from helpdesk.providers.files import S3FileStore
from helpdesk.settings import mail_settings, store_settings
from helpdesk.store import HelpdeskStore
from tests.integration.conftest import ADMIN_LOGIN, AGENT_LOGIN, SUPERVISOR_LOGIN, Api, ticket_with_subject

MARIA_ORDER = "Hola, mi pedido #4821 no ha llegado y ya pasaron 5 días 😟"


def _store() -> HelpdeskStore:
    return HelpdeskStore(store_settings())


def _write(kind: IdentityKind, value: str, text: str, message_id: str, **extra: Any) -> IngestResult:
    channel = Channel.EMAIL if kind is IdentityKind.EMAIL else Channel.WHATSAPP
    inbound = InboundMessage(
        channel=channel,
        channel_message_id=message_id,
        sender=Identity(kind=kind, value=value),
        sender_name=extra.pop("name", "Cliente"),
        sent_at=datetime.now(UTC),
        text=text,
        **extra,
    )
    return ingest(inbound, _store())


def _contact(api: Api, contact_id: str, token: str | None = None) -> dict[str, Any]:
    response = api.get(f"/api/contacts/{contact_id}", token or api.token(SUPERVISOR_LOGIN))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_agent_corrects_a_contact_and_adds_a_way_to_reach_them(api: Api) -> None:
    agent = api.token(AGENT_LOGIN)
    maria_id = ticket_with_subject(api, agent, MARIA_ORDER)["contact_id"]
    changed = api.patch(
        f"/api/contacts/{maria_id}",
        agent,
        {"name": "María José López", "add_identities": [{"kind": "email", "value": " Maria.Lopez@Example.com "}]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "María José López"
    assert {"kind": "email", "value": "maria.lopez@example.com"} in changed.json()["identities"]
    # Her next e-mail lands on her, not on a new contact
    mail = _write(IdentityKind.EMAIL, "maria.lopez@example.com", "¿Me confirman el envío?", "ses-maria-1",
                  subject="Confirmación de envío")  # fmt: skip
    assert mail.ticket.contact_id == maria_id

    lucia = ticket_with_subject(api, agent, "Cambio de dirección de entrega")
    taken = api.patch(f"/api/contacts/{maria_id}", agent, {"add_identities": [
        {"kind": "email", "value": "lucia.ramirez@example.com"}]})  # fmt: skip
    assert taken.status_code == 409 and taken.json()["error"]["message_key"] == "error.identity_taken"
    only = _contact(api, lucia["contact_id"])["contact"]["identities"]
    emptied = api.patch(f"/api/contacts/{lucia['contact_id']}", agent, {"remove_identities": only})
    assert emptied.status_code == 422 and emptied.json()["error"]["message_key"] == "error.last_identity"
    entries = api.get("/api/audit", api.token(ADMIN_LOGIN)).json()["entries"]
    assert any(e["action"] == "contact.changed" and e["target"] == maria_id for e in entries)


def test_a_supervisor_merges_a_duplicate_contact_and_their_next_message_follows(api: Api) -> None:
    supervisor = api.token(SUPERVISOR_LOGIN)
    maria_id = ticket_with_subject(api, supervisor, MARIA_ORDER)["contact_id"]
    duplicate = _write(IdentityKind.WHATSAPP, "50255509999", "Soy María, escribo de otro número", "wamid.DUP-1",
                       name="María L.")  # fmt: skip
    dup_id = duplicate.ticket.contact_id
    assert dup_id != maria_id

    refused = api.send("POST", f"/api/contacts/{maria_id}/merge", api.token(AGENT_LOGIN), {"source_id": dup_id})
    assert refused.status_code == 403
    merged = api.send("POST", f"/api/contacts/{maria_id}/merge", supervisor, {"source_id": dup_id})
    assert merged.status_code == 200, merged.text
    assert {"kind": "whatsapp", "value": "50255509999"} in merged.json()["identities"]
    again = api.send("POST", f"/api/contacts/{maria_id}/merge", supervisor, {"source_id": dup_id})
    assert again.status_code == 200  # finished already: nothing more to do

    moved = api.get(f"/api/tickets/{duplicate.ticket.id}", supervisor).json()["events"][-1]
    assert [c["field"] for c in moved["changes"]] == ["contact_id"]  # said once
    history = _contact(api, maria_id)
    assert duplicate.ticket.id in {t["id"] for t in history["tickets"]}
    assert _contact(api, dup_id)["contact"]["id"] == maria_id  # the duplicate's id leads to her
    later = _write(IdentityKind.WHATSAPP, "50255509999", "¿Alguna novedad?", "wamid.DUP-2")
    assert later.ticket.contact_id == maria_id
    self_merge = api.send("POST", f"/api/contacts/{maria_id}/merge", supervisor, {"source_id": maria_id})
    assert self_merge.status_code == 422


def test_two_tickets_of_one_contact_merge_and_replies_to_the_old_one_follow(api: Api) -> None:
    agent = api.token(AGENT_LOGIN)
    rosa = "rosa.diaz@example.com"
    # (about an order: the demo's rules would give an invoice to Facturación, out of this agent's reach)
    first = _write(IdentityKind.EMAIL, rosa, "No me llegó el pedido", "ses-rosa-1",
                   subject="Pedido de noviembre", thread_key="<rosa-1@mail.example.com>", name="Rosa")  # fmt: skip
    second = _write(IdentityKind.EMAIL, rosa, "Sigo sin pedido", "ses-rosa-2",
                    subject="Otra vez el pedido", thread_key="<rosa-2@mail.example.com>", name="Rosa")  # fmt: skip
    assert first.ticket.id != second.ticket.id
    path = f"/api/tickets/{first.ticket.id}"
    merged = api.send("POST", path + "/merge", agent, {"source_id": second.ticket.id})
    assert merged.status_code == 200, merged.text

    thread = api.get(path, agent).json()
    assert [m["text"] for m in thread["messages"]] == ["No me llegó el pedido", "Sigo sin pedido"]
    assert thread["events"][-1]["changes"][0] == {
        "field": "merged_from",
        "old": None,
        "new": f"#{second.ticket.number}",
    }
    source = api.get(f"/api/tickets/{second.ticket.id}", agent).json()["ticket"]
    assert (source["status"], source["merged_into"]) == ("closed", first.ticket.id)

    hints = ThreadHints(replies_to=("<rosa-2@mail.example.com>",))
    reply = _write(IdentityKind.EMAIL, rosa, "¿Ya la enviaron?", "ses-rosa-3", subject="Re: Otra vez", thread=hints)
    assert reply.ticket.id == first.ticket.id

    other = ticket_with_subject(api, agent, MARIA_ORDER)
    refused = api.send("POST", path + "/merge", agent, {"source_id": other["id"]})
    assert refused.status_code == 422 and refused.json()["error"]["message_key"] == "error.tickets_not_mergeable"


def test_personal_data_is_exported_and_erased_keeping_statistics(api: Api) -> None:
    admin = api.token(ADMIN_LOGIN)
    bucket = mail_settings().attachments_bucket
    files = S3FileStore(boto3.client("s3", region_name=store_settings().region))
    scan = keep_file(files, bucket, "mail", b"%PDF-1.4 cedula", "cedula.pdf", "application/pdf")
    written = _write(IdentityKind.EMAIL, "pablo.rojas@example.com", "Adjunto mi cédula 1-2345-6789", "ses-pablo-1",
                     subject="Datos para la garantía", attachments=(scan,), name="Pablo Rojas")  # fmt: skip
    contact_id, ticket_id = written.ticket.contact_id, written.ticket.id
    assert api.get(f"/api/contacts/{contact_id}/export", api.token(SUPERVISOR_LOGIN)).status_code == 403

    exported = api.get(f"/api/contacts/{contact_id}/export", admin).json()
    assert exported["contact"]["name"] == "Pablo Rojas"
    (thread,) = exported["tickets"]
    assert thread["messages"][0]["text"].startswith("Adjunto mi cédula")
    assert thread["messages"][0]["attachments"][0]["key"] == scan.key

    unconfirmed = api.send("POST", f"/api/contacts/{contact_id}/erase", admin, {"confirm": "otro"})
    assert unconfirmed.status_code == 422
    assert api.get(f"/api/contacts/{contact_id}", admin).json()["contact"]["name"] == "Pablo Rojas"
    erased = api.send("POST", f"/api/contacts/{contact_id}/erase", admin, {"confirm": contact_id})
    assert erased.status_code == 200, erased.text
    assert (erased.json()["tickets"], erased.json()["messages"], erased.json()["files"]) == (1, 1, 1)
    s3 = boto3.client("s3", region_name=store_settings().region)
    assert "Versions" not in s3.list_object_versions(Bucket=bucket, Prefix=scan.key)

    after = api.get(f"/api/tickets/{ticket_id}", admin).json()
    message = after["messages"][0]
    assert (message["text"], message["attachments"], message["author"]["name"]) == ("", [], "")
    assert (after["ticket"]["subject"], after["ticket"]["status"], after["ticket"]["channel"]) == ("", "new", "email")
    assert after["contact"]["name"] == "" and after["contact"]["identities"] == []
    assert after["contact"]["erased_at"] is not None
    created = after["events"][0]
    assert {c["field"] for c in created["changes"]} >= {"status", "channel"} and created["actor"]["name"] == ""
    again = api.send("POST", f"/api/contacts/{contact_id}/erase", admin, {"confirm": contact_id}).json()
    assert again["erased_at"] == erased.json()["erased_at"]  # finishing again does not move the date
    renamed = api.patch(f"/api/contacts/{contact_id}", admin, {"tier": "gold"})
    assert renamed.status_code == 200, renamed.text  # no identities left is no reason to refuse other changes
    assert api.get("/api/search", admin, q="Pablo Rojas").json()["tickets"] == []  # the name left the index
    assert api.get("/api/search", admin, q="garantia").json()["tickets"] == []  # and so did the subject
    # The address is free again: writing anew starts a new contact
    anew = _write(IdentityKind.EMAIL, "pablo.rojas@example.com", "Hola de nuevo", "ses-pablo-2", subject="Hola")
    assert anew.ticket.contact_id != contact_id
    actions = [e["action"] for e in api.get("/api/audit", admin).json()["entries"] if e["target"] == contact_id]
    assert sorted(actions) == ["contact.changed", "contact.erased", "contact.exported"]
