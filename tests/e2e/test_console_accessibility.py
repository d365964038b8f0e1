"""The agent console's accessibility ("keyboard reachable, labelled controls,
contrast AA"): axe-core (a devDependency of frontend/, never served to the
console) checks the sign-in page, an inbox view and a ticket page against WCAG
2.1 A and AA in Spanish and in English, and an agent opens a ticket and reaches
the reply box with the keyboard alone."""

import re
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, RunningStack
from tests.e2e.test_console import AGENT, browser, console_page, open_view, signed_in

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TICKET_SUBJECT = "Cambio de dirección de entrega"
UNSOLVED_AND_SOLVED = "new,open,pending,on_hold,solved"
LANGUAGES = {"es": "Idioma", "en": "Language"}
# What axe leaves for review where the console shows a symbol (● live, 🔔):
# contrast of non-text, and a name that cannot contain an icon's "text".
UNDECIDABLE = {"color-contrast", "label-content-name-mismatch"}


class WithoutCsp:
    """The browser, whose new contexts ignore the console's Content-Security-Policy
    so that the test can add axe's script to the page (the console never loads it)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser

    def new_context(self, **options: Any) -> Any:
        return self.browser.new_context(bypass_csp=True, **options)


def axe_violations(page: Any) -> str:
    """axe's WCAG A/AA violations on the page as it is now, one readable line per
    rule and failing element; empty when there are none. What axe could not
    decide counts too ("needs review"), but for the rules in UNDECIDABLE."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: `make console` runs npm ci in frontend/")
    if not page.evaluate("typeof axe !== 'undefined'"):  # once per document: hash routes keep it
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    undecided = [rule for rule in results["incomplete"] if rule["id"] not in UNDECIDABLE]
    return "\n".join(
        f"{rule['id']} ({rule['impact']}{kind}): {rule['help']} — {node['target']}: {node['failureSummary']}"
        for found, kind in ((results["violations"], ""), (undecided, ", needs review"))
        for rule in found
        for node in rule["nodes"]
    )


def use_language(page: Any, code: str) -> None:
    if code != "es":
        page.get_by_label(LANGUAGES["es"]).select_option(code)
    page.wait_for_function("code => document.documentElement.lang === code", arg=code)


@pytest.fixture(scope="module")
def worked_ticket(stack: RunningStack) -> str:
    """A seeded e-mail ticket with a reply (its delivery ticks) and an internal note."""
    tickets = stack.api("GET", "/api/tickets", params={"status": UNSOLVED_AND_SOLVED, "limit": 100}).json()["tickets"]
    ticket_id = str(next(t["id"] for t in tickets if t["subject"] == TICKET_SUBJECT))
    reply = stack.api("POST", f"/api/tickets/{ticket_id}/replies", json={"body": "Con gusto, ya la cambiamos."})
    note = stack.api("POST", f"/api/tickets/{ticket_id}/notes", json={"body": "Avisar a bodega."})
    assert (reply.status_code, note.status_code) == (202, 201), (reply.text, note.text)
    return ticket_id


@pytest.mark.parametrize("code", LANGUAGES)
def test_sign_in_page_passes_axe(browser: Any, stack: RunningStack, code: str) -> None:
    page = console_page(WithoutCsp(browser), stack)
    page.goto(stack.base + "/")
    page.locator("main.signin form").wait_for()
    use_language(page, code)
    page.get_by_label(LANGUAGES[code]).wait_for()
    found = axe_violations(page)
    assert not found, "axe found:\n" + found


@pytest.mark.parametrize("code", LANGUAGES)
def test_inbox_passes_axe(browser: Any, stack: RunningStack, code: str) -> None:
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    use_language(page, code)
    page.wait_for_selector("nav.views")
    open_view(page, "open")
    page.locator("main.list table.tickets").wait_for()
    page.locator(".count[data-view='solved']:not(:empty)").wait_for()
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    assert page.errors == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_ticket_page_passes_axe(browser: Any, stack: RunningStack, worked_ticket: str, code: str) -> None:
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    use_language(page, code)
    page.goto(f"{stack.base}/#/tickets/{worked_ticket}")
    page.locator("li.message-outbound .ticks").first.wait_for()
    page.locator("li.message-note").first.wait_for()
    page.locator("ul.past, .side p.muted").first.wait_for()
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    assert page.errors == []


def focused(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement;
                       return {tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href') || '',
                               text: e.textContent.trim(), role: e.getAttribute('role') || ''}; }"""
        )
    )


def tab_to(page: Any, href: str, presses: int = 40) -> None:
    """Tab forward until the link to ``href`` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if focused(page)["href"] == href:
            return
    pytest.fail(f"{href} not reached in {presses} Tab presses; focus on {focused(page)}")


def test_agent_opens_a_ticket_and_replies_with_the_keyboard_only(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, AGENT)
    page.wait_for_selector("main.list[data-loaded='mine']")

    # The first Tab reaches "skip to content"; more reach the views, and Enter opens one
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Saltar al contenido", focused(page)
    tab_to(page, "#/view/open")
    page.keyboard.press("Enter")
    page.wait_for_selector("main.list[data-loaded='open']")
    assert page.url.endswith("#/view/open"), page.url

    # j/k move through the list, Enter opens the chosen ticket
    rows = page.locator("table.tickets tbody tr")
    rows.nth(2).wait_for()  # all open tickets, not the one of "my tickets" shown a moment before
    # (the selection is a ticket: a live reload may move its row, never the highlight)
    # (the stack's schedules keep changing tickets, so a row's place is not
    # fixed: each key must move the selection to another ticket, whichever)
    picked = []
    for key in ("j", "j", "k"):
        page.keyboard.press(key)
        picked.append(page.locator("tr.selected").get_attribute("data-ticket"))
    assert None not in picked and picked[0] != picked[1] != picked[2], picked
    chosen = picked[2]
    assert focused(page)["href"] == f"#/tickets/{chosen}", focused(page)
    page.keyboard.press("Enter")
    page.locator("ol.thread li.message").first.wait_for()
    assert page.url.endswith(f"#/tickets/{chosen}"), (page.url, chosen)

    # "Skip to content" moves the focus into the ticket, not away from it
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Saltar al contenido", focused(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#content') !== null"), focused(page)
    assert page.url.endswith(f"#/tickets/{chosen}"), (page.url, chosen)

    # r puts the focus in the reply box
    page.keyboard.press("r")
    assert focused(page)["id"] == "composer-body", focused(page)
    assert page.get_by_role("tab", name="Responder").get_attribute("aria-selected") == "true"
    page.keyboard.type("Gracias por escribir.")
    assert page.locator("#composer-body").input_value() == "Gracias por escribir."
    assert page.errors == []


def test_axe_script_is_not_part_of_the_console() -> None:
    """axe is for the tests: the console neither ships nor loads it."""
    frontend = ROOT / "frontend"
    served = [frontend / "index.html", *sorted(path for path in (frontend / "app").rglob("*") if path.is_file())]
    assert not [path.name for path in served if re.search(r"\baxe\b", path.read_text(encoding="utf-8"), re.I)]
    assert not list((frontend / "vendor").glob("axe*"))
