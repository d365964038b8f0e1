"""(t) The help center on a slow mobile network: Debian's Chromium, with
JavaScript off (the pages need none), loads each kind of public page through
DevTools' network emulation of 3G, on a local stack started here as a user
starts it. Every page is loaded in a fresh context (an empty cache: a first
visit), and the contact form is filled and sent as a customer would, so the
figures are what a customer on 3G waits for.

The profiles are Chromium DevTools' own presets: "Slow 3G" (2,000 ms round
trip, 400 kbit/s both ways) and "Fast 3G" (562.5 ms, 1.44 Mbit/s down,
675 kbit/s up). The yardstick is the common one for mobile pages: usable in
under 5 s on 3G."""

import time
from dataclasses import dataclass
from typing import Any

from bench.load_bench import running_stack
from local.browser import CHROMIUM, CHROMIUM_ARGS

PROFILES = {  # name → (round trip ms, download bytes/s, upload bytes/s), DevTools' presets
    "slow_3g": (2000.0, 500 * 1000 / 8 * 0.8, 500 * 1000 / 8 * 0.8),
    "fast_3g": (562.5, 1.6 * 1000 * 1000 / 8 * 0.9, 750 * 1000 / 8 * 0.9),
}
PAGES = {  # what a customer opens, in the order they would
    "home": "/ayuda/",
    "article": "/ayuda/articulos/tiempos-de-entrega",
    "search": "/ayuda/buscar?q=cuanto+tarda+mi+pedido",
    "contact_form": "/ayuda/contacto",
}
TARGET_SECONDS = 5.0


@dataclass(frozen=True)
class PageLoad:
    profile: str
    page: str
    seconds: float  # navigation start → load event
    transferred_kb: float  # bytes over the wire, every resource the page asked for


def run() -> list[PageLoad]:
    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    loads: list[PageLoad] = []
    with running_stack() as target, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for profile in PROFILES:
                for name, path in PAGES.items():
                    loads.append(_load(browser, profile, name, target.base + path))
                loads.append(_send_form(browser, profile, target.base + PAGES["contact_form"]))
        finally:
            browser.close()
    return loads


def _throttled_page(browser: Any, profile: str) -> tuple[Any, Any]:
    context = browser.new_context(java_script_enabled=False, locale="es-419", viewport={"width": 390, "height": 844})
    page = context.new_page()
    latency, down, up = PROFILES[profile]
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    conditions = {"offline": False, "latency": latency, "downloadThroughput": down, "uploadThroughput": up}
    session.send("Network.emulateNetworkConditions", conditions)
    return context, page


def _transferred(page: Any) -> float:
    entries = page.evaluate(
        "() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]"
        ".map((e) => e.transferSize || e.encodedBodySize || 0)"
    )
    return round(sum(entries) / 1024, 1)


def _load(browser: Any, profile: str, name: str, url: str) -> PageLoad:
    context, page = _throttled_page(browser, profile)
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="load", timeout=120_000)
        seconds = time.perf_counter() - started
        return PageLoad(profile, name, round(seconds, 2), _transferred(page))
    finally:
        context.close()


def _send_form(browser: Any, profile: str, url: str) -> PageLoad:
    """The contact form filled and sent: the time from pressing "Enviar" to the
    page that gives the case number. The form's token needs 3 s before it is
    accepted (a bot's speed), which a person typing always spends."""
    context, page = _throttled_page(browser, profile)
    try:
        page.goto(url, wait_until="load", timeout=120_000)
        page.get_by_label("Tu nombre").fill("Marta Gómez")
        page.get_by_label("Tu correo o número de WhatsApp", exact=False).fill(f"marta.{profile}@correo.example")
        page.get_by_label("Asunto").fill("Mi pedido no llega")
        page.get_by_label("Tu mensaje").fill("Hice un pedido hace una semana y todavía no llega. ¿Me ayudan?")
        time.sleep(3.5)
        started = time.perf_counter()
        with page.expect_navigation(wait_until="load", timeout=120_000):
            page.get_by_role("button", name="Enviar", exact=True).click()
        seconds = time.perf_counter() - started
        if "Tu número de caso es" not in page.content():
            raise RuntimeError("the contact form was not accepted on 3G: " + page.title())
        return PageLoad(profile, "contact_form_sent", round(seconds, 2), _transferred(page))
    finally:
        context.close()


def lines(loads: list[PageLoad]) -> list[str]:
    out = [f"  {'profile':<10}{'page':<22}{'load (s)':>10}{'transferred':>14}"]
    for load in loads:
        flag = "" if load.seconds <= TARGET_SECONDS else "   over 5 s"
        out.append(f"  {load.profile:<10}{load.page:<22}{load.seconds:>10.2f}{load.transferred_kb:>11.1f} KB{flag}")
    return out


def figures(loads: list[PageLoad]) -> dict[str, float]:
    found = {f"helpcenter_3g.{load.profile}.{load.page}_s": load.seconds for load in loads}
    found |= {f"helpcenter_3g.{load.profile}.{load.page}_kb": load.transferred_kb for load in loads}
    return found
