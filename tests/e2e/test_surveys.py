"""A satisfaction survey end to end on the local stack: an administrator sets a
policy, a mailed ticket is solved, the survey sender (fired by the stack's
schedule) mails one-click links; the customer answers in Chromium with
JavaScript off, adds a comment on the thank-you page, the agent sees the
answer and comment on the ticket, and works the follow-up the poor answer
opened to its outcome; the customer's "sigue igual" then opens another,
found by its reason."""

import email
import re
import uuid
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import AGENT, browser, signed_in
from tests.e2e.test_console_files import find_ticket, open_ticket
from tests.e2e.test_email_channel import outbox, send

pytestmark = pytest.mark.e2e
__all__ = ["browser"]
ADMIN = "admin@atiende.localhost"
LINK = re.compile(r"^ +(\d+)\b[^\n]*?: (https?://\S+/api/public/surveys/\S+?)\r?$", re.MULTILINE)


def _survey_mail(stack: RunningStack, customer: str) -> str | None:
    for entry in outbox(stack):
        if customer in entry["raw"] and "/api/public/surveys/" in entry["raw"]:
            body = email.message_from_string(entry["raw"], policy=policy.default).get_body(("plain",))
            return str(body.get_content()) if body is not None else None
    stack.move_clock_to(stack.now() + timedelta(minutes=1))  # the sender reads up to a minute ago
    return None


def test_an_email_survey_is_answered_without_javascript_and_shows_on_the_ticket(
    browser: Any, stack: RunningStack
) -> None:
    # Given a policy that surveys right after solving, with no quiet hours
    setup = stack.api("GET", "/api/survey-policies", as_agent=ADMIN).json()
    now_policy = {"id": "inmediata", "name": "Inmediata", "delay_hours": 0, "quiet_from": "00:00:00",
                  "quiet_until": "00:00:00", "once_per_days": 0}  # fmt: skip
    saved = stack.api("PUT", "/api/survey-policies", as_agent=ADMIN,
                      json={"version": setup["version"], "policies": [now_policy]})  # fmt: skip
    assert saved.status_code == 200, saved.text
    # and a customer's mail, answered and solved by an agent
    tag = uuid.uuid4().hex[:6]
    customer, subject = f"pablo.{tag}@cliente.example", f"Cambio de plan {tag}"
    message = EmailMessage(policy=policy.SMTP)
    message["From"], message["To"], message["Subject"] = (
        f"Pablo Ruiz <{customer}>",
        "soporte@atiende.localhost",
        subject,
    )
    message.set_content("Quiero pasar al plan anual.")
    send(stack, message)
    ticket = eventually(lambda: find_ticket(stack, subject, status="new,open"))
    reply = {"body": f"Listo, ya estás en el plan anual. {tag}", "status": "solved"}
    stack.api("POST", f"/api/tickets/{ticket['id']}/replies", json=reply).raise_for_status()

    # When the survey sender runs: one mail with one-click links 5 to 1
    text = eventually(lambda: _survey_mail(stack, customer), seconds=60)
    links = dict(LINK.findall(text))
    assert sorted(links) == ["1", "2", "3", "4", "5"]

    # Then the customer clicks "2" with JavaScript off, and adds a comment
    context = browser.new_context(java_script_enabled=False, locale="es-GT")
    page = context.new_page()
    page.goto(links["2"])
    expect(page.locator("h1")).to_have_text("¡Gracias por tu respuesta!")
    expect(page.locator("body")).to_contain_text("⭐⭐ Insatisfecho")
    expect(page.locator("body")).to_contain_text("revisará tu caso")
    page.get_by_label("¿Quieres contarnos algo más? (opcional)").fill(f"Tardaron dos días {tag}")
    page.get_by_role("button", name="Enviar comentario").click()
    expect(page.locator("body")).to_contain_text("Recibimos tu comentario")
    # a link changed by a character is refused with a page that says so
    answer = page.goto(links["5"][:-1] + ("A" if links["5"][-1] != "A" else "B"))
    assert answer is not None and answer.status == 401
    expect(page.locator("body")).to_contain_text("Este enlace no es válido")
    context.close()

    # And the agent sees the answer and the comment on the ticket
    survey = stack.api("GET", f"/api/tickets/{ticket['id']}/survey").json()["survey"]
    assert (survey["csat"], survey["comment"]) == (2, f"Tardaron dos días {tag}")
    console = signed_in(browser, stack, AGENT)
    open_ticket(console, stack, ticket["id"])
    section = console.locator("section.survey")
    expect(section).to_contain_text("CSAT 2/5")
    expect(section).to_contain_text(f"Tardaron dos días {tag}")

    # And the poor answer waits in the follow-up queue: the agent takes it and closes it with the outcome
    console.goto(f"{stack.base}/#/follow-ups")
    entry = console.locator("li.follow-up", has_text=subject)
    expect(entry).to_contain_text("Encuesta con mala calificación")
    entry.get_by_role("button", name="Tomar").click()
    console.locator("nav.views").get_by_role("link", name="En curso").click()
    entry = console.locator("li.follow-up", has_text=subject)
    expect(entry).to_contain_text("Lo trabaja")
    entry.get_by_label("Qué pasó con el cliente").fill(f"Lo llamé y quedó conforme {tag}")
    entry.get_by_role("button", name="Cerrar con este resultado").click()
    console.locator("nav.views").get_by_role("link", name="Cerrados").click()
    expect(console.locator("li.follow-up", has_text=subject)).to_contain_text(f"Lo llamé y quedó conforme {tag}")

    # When the customer then writes that it is not solved: another entry, found by its reason
    _not_solved_is_followed_up(console, stack, ticket, customer, tag)
    assert console.errors == []


def _not_solved_is_followed_up(
    console: Any, stack: RunningStack, ticket: dict[str, Any], customer: str, tag: str
) -> None:
    """The customer answers the solved ticket "sigue igual": it reopens and the
    queue shows a ``not_solved`` entry quoting them (and not under another reason)."""
    subject = ticket["subject"]
    again = EmailMessage(policy=policy.SMTP)
    again["From"], again["To"] = f"Pablo Ruiz <{customer}>", "soporte@atiende.localhost"
    again["Subject"] = f"Re: {subject} [#{ticket['number']}]"
    again.set_content(f"Sigue igual, no me cambiaron el plan {tag}")
    send(stack, again)
    eventually(lambda: find_ticket(stack, subject, status="open"))
    console.locator("nav.views").get_by_role("link", name="Pendientes").click()
    console.get_by_label("Motivo").select_option("not_solved")
    expect(console.locator("li.follow-up", has_text=subject)).to_contain_text(
        f"Dice que no se resolvió · El cliente escribió: «Sigue igual, no me cambiaron el plan {tag}»"
    )
    console.get_by_label("Motivo").select_option("poor_survey")
    expect(console.locator("li.follow-up", has_text=subject)).to_have_count(0)
