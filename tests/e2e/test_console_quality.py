"""Quality reviews in the console, in Debian's Chromium against the local stack:
the demo's coordinator (Sofía, supervisora with the quality right) opens
"Calidad", scores the demo's picked review beside its conversation; the agent
reads it in "Mis evaluaciones" and replies once; the coordinator sees the reply;
an agent without the right finds no "Calidad" link and a refusal. The pages pass
axe (WCAG 2.1 A/AA) in Spanish and English."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack
from tests.e2e.test_console import AGENT, SUPERVISOR, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import LANGUAGES, WithoutCsp, axe_violations, use_language

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here

SHIPPING = "¿Tienen envíos a San Miguel?"  # the demo's solved ticket, picked for review by the seed
SCORES = {"saludo": "4", "comprension": "3", "solucion": "4", "tono": "2", "cierre": ""}


def test_a_coordinator_scores_the_agent_replies_and_the_coordinator_reads_it(browser: Any, stack: RunningStack) -> None:
    coordinator = signed_in(browser, stack, SUPERVISOR)
    coordinator.get_by_role("link", name="Calidad", exact=True).click()
    row = coordinator.locator("table.review-queue tr", has_text=SHIPPING)
    row.get_by_role("link", name="Calificar").click()
    coordinator.wait_for_selector("form.scoring")
    expect(coordinator.locator(".review-conversation")).to_contain_text("San Miguel")  # the conversation beside it

    for criterion, score in SCORES.items():
        coordinator.locator(f"fieldset[data-criterion='{criterion}'] input[value='{score}']").check()
    coordinator.get_by_label("Comentario sobre «Tono y comunicación intercultural»").fill("Más cálido al despedirte")
    coordinator.get_by_role("button", name="Guardar calificación").click()
    # (1·4 + 2·3 + 3·4 + 2·2) / (4 · 8): "cierre" is N/A
    expect(coordinator.locator(".review-total")).to_have_text("81.2 %")
    shoot(coordinator, "quality-scored")

    agent = signed_in(browser, stack, AGENT)
    agent.get_by_role("link", name="Mis evaluaciones", exact=True).click()
    review = agent.locator("article.my-review", has_text=SHIPPING)
    expect(review.locator(".review-total")).to_have_text("81.2 %")
    expect(review).to_contain_text("Más cálido al despedirte")
    review.get_by_label("Tu respuesta").fill("Gracias, lo aplico desde hoy")
    review.get_by_role("button", name="Enviar respuesta").click()
    expect(review.locator(".review-reply")).to_contain_text("Gracias, lo aplico desde hoy")
    expect(review.get_by_role("button", name="Enviar respuesta")).to_have_count(0)  # one reply per review

    coordinator.reload()
    expect(coordinator.locator(".review-reply")).to_have_text("Gracias, lo aplico desde hoy")

    expect(agent.get_by_role("link", name="Calidad", exact=True)).to_have_count(0)
    agent.goto(f"{stack.base}/#/quality")
    expect(agent.get_by_role("alert")).to_contain_text("permiso de calidad")
    assert not coordinator.errors and not agent.errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_quality_pages_pass_axe(browser: Any, stack: RunningStack, language: str) -> None:
    page = signed_in(WithoutCsp(browser), stack, SUPERVISOR)
    use_language(page, language)
    found = {}
    for route, ready in (("#/quality", "main.quality h1"), ("#/quality/scores", "main.quality form"),
                         ("#/my-reviews", "main.my-reviews h1")):  # fmt: skip
        page.goto(f"{stack.base}/{route}")
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        found[route] = axe_violations(page)
    assert not any(found.values()), found
    assert page.errors == []
