"""The supervisors' dashboard in Debian's Chromium against the local stack: the
demo's supervisor opens "Reportes", sees the KPI tiles with the period before,
changes the date range and the channel (each a new read of the rollups), and the
page passes axe (WCAG 2.1 A/AA) in Spanish and English; an agent has no link."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack
from tests.e2e.test_console import AGENT, SUPERVISOR, browser, signed_in
from tests.e2e.test_console_accessibility import LANGUAGES, WithoutCsp, axe_violations, use_language

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here


def test_a_supervisor_reads_the_kpis_and_filters_them(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, SUPERVISOR)
    page.get_by_role("link", name="Reportes", exact=True).click()
    tiles = page.locator("ul.kpi-tiles li")
    expect(tiles).to_have_count(7)
    expect(tiles.first).to_contain_text("Tickets creados")
    expect(tiles.first).to_contain_text("Antes:")

    page.get_by_label("Desde").fill("2026-11-01")
    page.get_by_label("Desde").dispatch_event("change")
    # The filters reach the API together (waited for, not sampled after the page went quiet)
    with page.expect_request(
        lambda r: "/api/reports/kpis" in r.url and "from=2026-11-01" in r.url and "channel=email" in r.url
    ):
        page.get_by_label("Canal").select_option("email")
    expect(page.locator("figure.kpi-chart svg g")).not_to_have_count(0)

    agent = signed_in(browser, stack, AGENT)
    expect(agent.get_by_role("link", name="Mis tickets").first).to_be_visible()
    expect(agent.get_by_role("link", name="Reportes", exact=True)).to_have_count(0)
    assert not page.errors and not agent.errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_passes_axe(browser: Any, stack: RunningStack, language: str) -> None:
    page = signed_in(WithoutCsp(browser), stack, SUPERVISOR)
    use_language(page, language)
    page.goto(f"{stack.base}/#/reports")
    page.wait_for_selector("ul.kpi-tiles")
    page.wait_for_load_state("networkidle")
    assert not axe_violations(page)
    assert page.errors == []
