"""API keys end to end against the local stack: `atiende apikey` creates, lists
and revokes them (the key is the last line of stdout), and the console's
"Claves de API / API keys" page creates one (shown once, with a copy button),
lists it and revokes it; the page passes axe in Spanish and English."""

import secrets
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_console import ADMIN, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import LANGUAGES, WithoutCsp, axe_violations, use_language

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here


def with_key(stack: RunningStack, key: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, stack.base + path, headers={"Authorization": f"Bearer {key}"}, timeout=10, **kwargs)


def test_the_cli_creates_lists_and_revokes_a_key(stack: RunningStack) -> None:
    name = f"CRM {secrets.token_hex(3)}"
    created = stack.cli("apikey", "create", "--name", name, "--scopes", "tickets:read")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("atk_")
    assert with_key(stack, key, "GET", "/api/tickets").status_code == 200

    listed = stack.cli("apikey", "list")
    (line,) = [row for row in listed.stdout.splitlines() if name in row]
    assert "tickets:read" in line and key not in listed.stdout
    key_id = line.split()[0]

    revoked = stack.cli("apikey", "revoke", key_id)
    assert revoked.returncode == 0, revoked.stderr
    assert with_key(stack, key, "GET", "/api/tickets").status_code == 401

    refused = stack.cli("apikey", "create", "--name", "x", "--scopes", "tickets:delete")
    assert refused.returncode == 1 and "400" in refused.stderr  # an unknown scope, said by the API


def test_an_admin_creates_a_key_in_the_console_sees_it_once_and_revokes_it(browser: Any, stack: RunningStack) -> None:
    page = signed_in(browser, stack, ADMIN)
    page.goto(f"{stack.base}/#/admin/api-keys")
    page.wait_for_selector("main[data-section='api-keys'] form")
    name = f"Integración {secrets.token_hex(3)}"

    page.get_by_label("Nombre").fill(name)
    page.get_by_label("Leer tickets").check()
    page.get_by_role("button", name="Crear clave").click()

    shown = page.locator("code.api-key")
    shown.wait_for()
    key = shown.inner_text().strip()
    assert key.startswith("atk_")
    shoot(page, "admin-api-keys-created")
    assert with_key(stack, key, "GET", "/api/tickets").status_code == 200
    row = page.locator("table.api-keys tr", has_text=name)
    assert "tickets:read" in row.inner_text() and key not in page.locator("table.api-keys").inner_text()

    page.get_by_role("button", name="Ya la copié").click()
    assert page.locator("code.api-key").count() == 0  # shown once
    row.get_by_role("button", name=f"Revocar {name}").click()
    page.get_by_role("button", name="Sí, revocar").click()
    page.wait_for_selector(f"table.api-keys tr[data-revoked='true']:has-text('{name}')")
    assert with_key(stack, key, "GET", "/api/tickets").status_code == 401
    assert page.errors == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_api_keys_page_passes_axe(browser: Any, stack: RunningStack, code: str) -> None:
    stack.cli("apikey", "create", "--name", f"axe {code}", "--scopes", "contacts:read")
    page = signed_in(WithoutCsp(browser), stack, ADMIN)
    use_language(page, code)
    page.goto(f"{stack.base}/#/admin/api-keys")
    page.locator("table.api-keys tbody tr").first.wait_for()
    violations = axe_violations(page)
    if code == "en":
        shoot(page, "admin-api-keys-en")
    assert not violations, violations
    assert page.errors == []
