"""The phone on the local stack, as `atiende phone call` plays Amazon Connect:
a call whose events arrive shuffled and repeated makes one phone message; a
missed call with a voicemail carries the recording and the transcript; a
"llámenme" from the help center becomes an agent's task; the console shows
calls with their icon, direction and duration, in Spanish and English, and an
agent logs a call by hand."""

import json
import re
from datetime import timedelta
from typing import Any

import requests
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, browser, signed_in

__all__ = ["browser"]


def call(stack: RunningStack, number: str, *options: str) -> dict[str, Any]:
    done = stack.cli("phone", "call", "--from", number, *options)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def phone_messages(stack: RunningStack, ticket_id: str) -> list[dict[str, Any]]:
    thread = stack.api("GET", f"/api/tickets/{ticket_id}", as_agent=ADMIN).json()
    return [m for m in thread["messages"] if m["channel"] == "phone"]


def test_a_call_whose_events_arrive_out_of_order_makes_one_phone_message(stack: RunningStack) -> None:
    result = call(stack, "+50255553001", "--duration", "180", "--out-of-order")
    [ticket_id] = result["ticket_ids"]
    [message] = [m for m in phone_messages(stack, ticket_id) if m["call"]["call_id"] == result["contact_id"]]
    assert message["call"]["events"] == [
        "INITIATED", "CONNECTED_TO_SYSTEM", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED", "COMPLETED",
    ]  # fmt: skip
    assert message["call"]["duration_seconds"] == 180 and message["call"]["missed"] is False
    assert message["call"]["number"] == "+50255553001"
    # the flow met the caller again on their next call: name unknown, their open ticket known
    again = call(stack, "+50255553001", "--duration", "30")
    ticket = stack.api("GET", f"/api/tickets/{ticket_id}", as_agent=ADMIN).json()["ticket"]
    assert again["flow"]["found"] == "true" and again["flow"]["ticket_number"] == str(ticket["number"])
    assert again["ticket_ids"] == [ticket_id] and len(phone_messages(stack, ticket_id)) == 2


def test_a_missed_call_with_voicemail_carries_recording_and_transcript(stack: RunningStack) -> None:
    text = "Hola, soy Ernesto, llamo por mi pedido, por favor devuélvanme la llamada."
    result = call(stack, "+50255553002", "--duration", "40", "--voicemail", text)
    [ticket_id] = result["ticket_ids"]

    def voicemail() -> dict[str, Any] | None:
        found = [m for m in phone_messages(stack, ticket_id) if m["call"]["voicemail"]]
        return found[0] if found else None

    message = eventually(voicemail)  # the voicemail queue's worker takes the bucket's notification
    assert message["text"] == text and message["call"]["missed"] is True
    [audio] = message["attachments"]
    assert audio["content_type"] == "audio/x-wav" or audio["content_type"].startswith("audio/")


def test_a_callback_request_becomes_an_agents_task(stack: RunningStack) -> None:
    page = requests.get(stack.base + "/ayuda/contacto", timeout=10)
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token and 'name="callback_number"' in page.text
    stack.move_clock_to(stack.now() + timedelta(seconds=5))  # people take seconds to fill a form
    fields = {"name": "Doña Marta", "reach": "marta.lopez@example.com", "subject": "Quiero que me llamen",
              "message": "No me gusta escribir, llámenme por favor.", "locale": "es", "token": token.group(1),
              "website": "", "callback": "on", "callback_number": "+502 5555 3003",
              "callback_time": "hoy después de las 5"}  # fmt: skip
    sent = requests.post(stack.base + "/public/contact", data=fields, timeout=10)
    assert sent.status_code == 200 and "Recibimos tu mensaje" in sent.text

    def task() -> dict[str, Any] | None:
        queue = stack.api("GET", "/api/follow-ups", as_agent=ADMIN, params={"state": "open"}).json()["follow_ups"]
        return next((f for f in queue if f["reason"] == "callback" and f["subject"] == "Quiero que me llamen"), None)

    assert eventually(task)["detail"] == "+50255553003 · hoy después de las 5"


def test_the_console_shows_calls_and_logs_one_by_hand(browser: Any, stack: RunningStack) -> None:
    result = call(stack, "+50255553004", "--duration", "185")
    [ticket_id] = result["ticket_ids"]
    page = signed_in(browser, stack, ADMIN)
    page.goto(f"{stack.base}/#/tickets/{ticket_id}")
    details = page.locator(f"[data-call='{result['contact_id']}']")
    expect(details).to_contain_text("Llamada entrante")
    expect(details.locator(".call-duration")).to_have_text("3:05")
    page.locator("details.call-log summary").click()
    form = page.locator("form.call-log-form")
    form.get_by_label("Dirección").select_option("outbound")
    form.get_by_label("Minutos").fill("2")
    form.get_by_label("Segundos").fill("30")
    form.get_by_label("Notas de la llamada").fill("Le confirmé la entrega para mañana.")
    form.get_by_role("button", name="Guardar llamada").click()
    logged = page.locator("li.message", has_text="Le confirmé la entrega para mañana.")
    expect(logged.locator(".call-title")).to_contain_text("Llamada saliente")
    expect(logged.locator(".call-duration")).to_have_text("2:30")
    page.evaluate("localStorage.setItem('atiende.language', 'en')")
    page.reload()
    expect(page.locator(f"[data-call='{result['contact_id']}']")).to_contain_text("Inbound call")
    assert not page.errors
