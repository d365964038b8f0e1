"""The console's administration pages (#/admin/<section>, administrators only)
in Debian's Chromium against the local stack: an admin invites, changes and
deactivates an agent, creates and edits a group, defines tags and custom
fields that an agent then fills in on a ticket, manages macros and rules and
reads the audit log; anyone else sees no link and a refusal. Each admin section
passes axe (WCAG 2.1 A/AA) in Spanish and English. The desk's setup (SLA,
channels, templates, set-aside and failed messages) is in
test_console_admin_setup.py.

The stack is shared by the whole session, so every test invents its own
e-mails, ids and names and never changes the demo agents."""

import secrets
import smtplib
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningStack, eventually
from tests.e2e.test_console import ADMIN, AGENT, SUPERVISOR, browser, shoot, signed_in
from tests.e2e.test_console_accessibility import LANGUAGES, WithoutCsp, axe_violations, use_language

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the module-scoped Chromium fixture, found by pytest here


def unique() -> str:
    return secrets.token_hex(4)


def open_admin(page: Any, section: str, name: str) -> None:
    """From anywhere, the header's "Administración" link, then a section of its menu."""
    page.get_by_role("link", name="Administración", exact=True).click()
    page.locator("nav[aria-label='Administración']").get_by_role("link", name=name, exact=True).click()
    page.wait_for_selector(f"main[data-section='{section}'] form")


def outcome(page: Any) -> Any:
    return page.locator(".outcome [role=status]")


def refusal(page: Any) -> Any:
    return page.locator(".outcome [role=alert]")


def agent_named(stack: RunningStack, email: str) -> dict[str, Any]:
    agents = stack.api("GET", "/api/agents", as_agent=ADMIN).json()["agents"]
    return dict(next(a for a in agents if a["email"] == email))


def test_admin_invites_changes_and_deactivates_an_agent(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    email, name = f"valeria.{tag}@atiende.localhost", f"Valeria Núñez {tag}"
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "agents", "Agentes")
    page.locator("table.agents tbody tr").first.wait_for()

    invite = page.locator("form[aria-labelledby='invite-title']")
    invite.get_by_label("Correo").fill(email)
    invite.get_by_label("Nombre").fill(name)
    invite.get_by_label("Rol").select_option("agent")
    invite.get_by_label("Facturación").check()
    invite.get_by_role("button", name="Invitar").click()
    expect(outcome(page)).to_have_text(f"Invitación enviada a {email}.")
    row = page.locator(f"tr[data-email='{email}']")
    expect(row.get_by_role("rowheader")).to_have_text(name)
    expect(row.get_by_label(f"Rol de {name}")).to_have_value("agent")
    expect(row.get_by_label("Facturación")).to_be_checked()
    expect(row.get_by_label("Soporte general")).not_to_be_checked()
    expect(row).to_contain_text("Activo")
    expect(invite.get_by_label("Correo")).to_have_value("")  # the form is ready for the next one
    assert {k: agent_named(stack, email)[k] for k in ("name", "role", "group_ids", "active")} == {
        "name": name, "role": "agent", "group_ids": ["facturacion"], "active": True,
    }  # fmt: skip

    # The same e-mail again: the server's refusal, in the agent's language
    invite.get_by_label("Correo").fill(email)
    invite.get_by_label("Nombre").fill(name)
    invite.get_by_role("button", name="Invitar").click()
    expect(refusal(page)).to_have_text("Ya existe un agente con ese correo.")

    # Role and groups change from the row, at once
    row.get_by_label(f"Rol de {name}").select_option("supervisor")
    expect(outcome(page)).to_have_text(f"Cambios guardados: {name}.")
    assert agent_named(stack, email)["role"] == "supervisor"
    row.get_by_label("Soporte general").check()
    eventually(lambda: agent_named(stack, email)["group_ids"] == ["facturacion", "soporte-general"], 10)
    expect(row.get_by_label("Soporte general")).to_be_checked()

    # Deactivated: shown as such, and reactivation is one click away
    row.get_by_role("button", name=f"Desactivar {name}").click()
    expect(outcome(page)).to_have_text(f"{name} ya no puede iniciar sesión.")
    expect(row).to_have_class("inactive")
    expect(row).to_contain_text("Desactivado")
    expect(row.get_by_role("button", name=f"Reactivar {name}")).to_be_visible()
    assert agent_named(stack, email)["active"] is False
    shoot(page, "admin-agents")

    # The last active administrator cannot demote themself: the refusal shows and the row keeps the role
    admins = [a for a in stack.api("GET", "/api/agents").json()["agents"] if a["role"] == "admin" and a["active"]]
    if len(admins) == 1:
        me = page.locator(f"tr[data-email='{ADMIN}']")
        me.get_by_label("Rol de Adriana Morales").select_option("agent")
        expect(refusal(page)).to_have_text("Debe quedar al menos un administrador activo.")
        expect(me.get_by_label("Rol de Adriana Morales")).to_have_value("admin")
        assert agent_named(stack, ADMIN)["role"] == "admin"
    assert page.errors == []


def test_admin_creates_and_edits_a_group(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    group_id, name = f"ventas-{tag}", f"Ventas {tag}"
    supervisor_id = stack.api("GET", "/api/me", as_agent=SUPERVISOR).json()["agent_id"]
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "groups", "Grupos")
    page.locator("table.groups tbody tr").first.wait_for()

    form = page.locator("form[aria-labelledby='group-form-title']")
    form.get_by_label("Identificador").fill(group_id)
    form.get_by_label("Nombre").fill(name)
    form.get_by_label("Supervisor(a)").select_option(label="Sofía Castillo")
    form.get_by_label("Reparto rotativo").check()
    form.get_by_label("Máximo de tickets abiertos por agente").fill("5")
    form.get_by_role("button", name="Guardar grupo").click()
    expect(outcome(page)).to_have_text(f"Grupo guardado: {name}.")
    row = page.locator(f"tr[data-group='{group_id}']")
    expect(row).to_contain_text("Sofía Castillo")
    expect(row.locator("td").nth(2)).to_have_text("Sí")
    expect(row.locator("td").nth(3)).to_have_text("5")
    groups = {g["id"]: g for g in stack.api("GET", "/api/groups").json()["groups"]}
    assert groups[group_id] == {
        "id": group_id, "name": name, "supervisor_id": supervisor_id,
        "assignment": {"round_robin": True, "max_open_per_agent": 5},
    }  # fmt: skip

    # An existing id is not overwritten by "new group"
    form.get_by_label("Identificador").fill(group_id)
    form.get_by_label("Nombre").fill("Otro nombre")
    form.get_by_role("button", name="Guardar grupo").click()
    expect(refusal(page)).to_contain_text("Ya existe un grupo con ese identificador")

    # Edit: the form takes the group (its id fixed), the focus goes to its name
    row.get_by_role("button", name=f"Editar {name}").click()
    expect(form.get_by_role("heading")).to_have_text(f"Editar el grupo {name}")
    expect(form.get_by_label("Identificador")).to_have_value(group_id)
    expect(form.get_by_label("Identificador")).to_have_attribute("readonly", "")
    expect(form.get_by_label("Nombre")).to_be_focused()
    form.get_by_label("Nombre").fill(f"{name} Centroamérica")
    form.get_by_label("Reparto rotativo").uncheck()
    shoot(page, "admin-groups")
    form.get_by_role("button", name="Guardar grupo").click()
    expect(outcome(page)).to_have_text(f"Grupo guardado: {name} Centroamérica.")
    expect(form.get_by_role("heading")).to_have_text("Nuevo grupo")
    groups = {g["id"]: g for g in stack.api("GET", "/api/groups").json()["groups"]}
    assert groups[group_id]["name"] == f"{name} Centroamérica"
    assert groups[group_id]["assignment"] == {"round_robin": False, "max_open_per_agent": 5}

    # The new group is one an agent can be put in
    page.locator("nav[aria-label='Administración']").get_by_role("link", name="Agentes").click()
    expect(page.locator("table.agents tbody tr").first.get_by_label(f"{name} Centroamérica")).to_be_visible()
    assert page.errors == []


def add_custom_field(page: Any, key: str, label_es: str, label_en: str, kind: str, options: str = "") -> None:
    page.get_by_role("button", name="Agregar campo").click()
    row = page.locator("table.custom-fields tbody tr").last
    expect(row.locator("input[name=key]")).to_be_focused()
    row.locator("input[name=key]").fill(key)
    row.get_by_label(f"Nombre en español ({key})").fill(label_es)
    row.get_by_label(f"Nombre en inglés ({key})").fill(label_en)
    row.get_by_label(f"Tipo ({key})").select_option(kind)
    if options:
        row.get_by_label(f"Opciones (separadas por coma) ({key})").fill(options)


def wait_for_saved_change(page: Any, act: Callable[[], None]) -> None:
    """Do ``act`` on the ticket page and wait until the ticket is read again
    (its history has one more entry), so the next change has its new version."""
    events = page.locator("ol.events li")
    before = events.count()
    act()
    expect(events).to_have_count(before + 1)
    expect(page.locator(".fields p[role=status]")).to_have_text("Cambios guardados.")


def new_whatsapp_ticket(stack: RunningStack, text: str) -> dict[str, Any]:
    phone = f"+5037{secrets.randbelow(10**7):07d}"
    assert stack.cli("wa", "send", "--from", phone, "--name", "Rocío Méndez", text).returncode == 0

    def created() -> dict[str, Any] | None:
        tickets = stack.api("GET", "/api/tickets", params={"limit": 100}).json()["tickets"]
        return next((t for t in tickets if t["subject"] == text), None)

    return eventually(created, 15)


def admin_defines_a_tag_and_fields(browser: Any, stack: RunningStack, tag: str) -> None:
    """The team tag mayorista-<tag> and three custom fields: canal_<tag> (a
    dropdown), factura_<tag> (a checkbox) and unidades_<tag> (a number)."""
    team_tag, channel, invoice, units = f"mayorista-{tag}", f"canal_{tag}", f"factura_{tag}", f"unidades_{tag}"
    admin = signed_in(browser, stack, ADMIN)
    open_admin(admin, "fields", "Campos de ticket")
    admin.get_by_label("Nueva etiqueta").fill(team_tag)
    admin.get_by_role("button", name="Agregar etiqueta").click()
    expect(admin.locator(".tag-list .tag", has_text=team_tag)).to_be_visible()
    expect(admin.get_by_label("Nueva etiqueta")).to_have_value("")
    add_custom_field(
        admin, channel, f"Canal de venta {tag}", f"Sales channel {tag}", "dropdown", "Tienda, En línea, Teléfono"
    )
    add_custom_field(admin, invoice, f"Requiere factura {tag}", f"Needs an invoice {tag}", "checkbox")
    add_custom_field(admin, units, f"Unidades {tag}", f"Units {tag}", "number")
    expect(admin.get_by_text("Hay cambios sin guardar.")).to_be_visible()
    shoot(admin, "admin-fields")
    admin.get_by_role("button", name="Guardar etiquetas y campos").click()
    expect(outcome(admin)).to_have_text("Etiquetas y campos guardados.")
    expect(admin.get_by_text("Hay cambios sin guardar.")).to_have_count(0)
    expect(admin.locator(f"tr[data-key='{channel}'] code")).to_have_text(channel)  # saved: the key is fixed now
    setup = stack.api("GET", "/api/ticket-fields").json()
    assert team_tag in setup["tags"]
    fields = {f["key"]: f for f in setup["custom_fields"]}
    assert fields[channel] == {
        "key": channel, "label_es": f"Canal de venta {tag}", "label_en": f"Sales channel {tag}", "kind": "dropdown",
        "options": ["Tienda", "En línea", "Teléfono"], "active": True, "sensitive": False,
    }  # fmt: skip
    assert (fields[invoice]["kind"], fields[units]["kind"], fields[units]["options"]) == ("checkbox", "number", [])
    assert admin.errors == []


def test_custom_fields_and_tags_defined_by_the_admin_are_filled_in_on_a_ticket(
    browser: Any, stack: RunningStack
) -> None:
    tag = unique()
    team_tag, channel, invoice, units = f"mayorista-{tag}", f"canal_{tag}", f"factura_{tag}", f"unidades_{tag}"
    admin_defines_a_tag_and_fields(browser, stack, tag)

    # An agent (signed in after the change) fills them in on a ticket
    ticket = new_whatsapp_ticket(stack, f"Quiero comprar al por mayor ({tag})")
    page = signed_in(WithoutCsp(browser), stack, AGENT)
    page.goto(f"{stack.base}/#/tickets/{ticket['id']}")
    page.locator("ol.thread li.message").first.wait_for()
    expect(page.locator(f"datalist#team-tags option[value='{team_tag}']")).to_have_count(1)
    wait_for_saved_change(page, lambda: page.get_by_label(f"Canal de venta {tag}").select_option("En línea"))
    wait_for_saved_change(page, lambda: page.get_by_label(f"Requiere factura {tag}").check())

    def units_typed() -> None:
        page.get_by_label(f"Unidades {tag}").fill("12")
        page.get_by_label(f"Unidades {tag}").press("Enter")

    wait_for_saved_change(page, units_typed)

    def tagged() -> None:
        page.get_by_label("Nueva etiqueta").fill(team_tag)
        page.get_by_role("button", name="Agregar etiqueta").click()

    wait_for_saved_change(page, tagged)
    expect(page.locator(".meta .tag", has_text=team_tag)).to_be_visible()

    saved = stack.api("GET", f"/api/tickets/{ticket['id']}").json()["ticket"]
    assert {k: saved["custom_fields"].get(k) for k in (channel, invoice, units)} == {
        channel: "En línea", invoice: True, units: 12,
    }  # fmt: skip
    assert team_tag in saved["tags"]

    # They persist: a fresh page shows them
    page.reload()
    page.locator("ol.thread li.message").first.wait_for()
    expect(page.get_by_label(f"Canal de venta {tag}")).to_have_value("En línea")
    expect(page.get_by_label(f"Requiere factura {tag}")).to_be_checked()
    expect(page.get_by_label(f"Unidades {tag}")).to_have_value("12")
    found = axe_violations(page)
    assert not found, "axe found:\n" + found
    shoot(page, "ticket-custom-fields")

    # A tag comes off with its own button
    wait_for_saved_change(page, lambda: page.get_by_role("button", name=f"Quitar la etiqueta {team_tag}").click())
    assert team_tag not in stack.api("GET", f"/api/tickets/{ticket['id']}").json()["ticket"]["tags"]
    assert page.errors == []


def macro_with(stack: RunningStack, macro_id: str) -> dict[str, Any] | None:
    macros = stack.api("GET", "/api/macros").json()["macros"]
    return next((m for m in macros if m["id"] == macro_id), None)


def test_admin_creates_edits_and_deletes_a_macro(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    macro_id, name = f"seguimiento-{tag}", f"Seguimiento {tag}"
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "macros", "Macros")
    page.locator("table.macros tbody tr").first.wait_for()
    form = page.locator("form[aria-labelledby='macro-form-title']")
    hint = form.locator("#macro-placeholders")
    for placeholder in ("{{contact.first_name}}", "{{ticket.number}}", "{{agent.first_name}}"):
        expect(hint).to_contain_text(placeholder)

    form.get_by_label("Identificador").fill(macro_id)
    form.get_by_label("Nombre").fill(name)
    form.get_by_label("Respuesta").fill("Hola {{contacto.nombre}}")  # not a placeholder: refused
    form.get_by_role("button", name="Guardar macro").click()
    expect(refusal(page)).to_contain_text("La solicitud no es válida")
    expect(refusal(page)).to_contain_text("contacto.nombre")

    reply = "Hola {{contact.first_name}}, seguimos revisando tu caso #{{ticket.number}}.\n\n{{agent.first_name}}"
    form.get_by_label("Respuesta").fill(reply)
    form.get_by_label("Estado").select_option("pending")
    form.get_by_label("Prioridad").select_option("high")
    form.get_by_label("Grupo").select_option(label="Soporte general")
    form.get_by_label("Agregar etiquetas (separadas por coma)").fill("seguimiento, vip")
    form.get_by_role("button", name="Guardar macro").click()
    expect(outcome(page)).to_have_text(f"Macro guardada: {name}.")
    assert macro_with(stack, macro_id) == {
        "id": macro_id, "name": name, "reply": reply, "status": "pending", "priority": "high",
        "group_id": "soporte-general", "add_tags": ["seguimiento", "vip"], "requires_identity": False,
    }  # fmt: skip
    row = page.locator(f"tr[data-macro='{macro_id}']")
    expect(row).to_contain_text("Prioridad: Alta")

    # Edit: the macro's values in the form
    row.get_by_role("button", name=f"Editar {name}").click()
    expect(form.get_by_label("Respuesta")).to_have_value(reply)
    expect(form.get_by_label("Grupo")).to_have_value("soporte-general")
    form.get_by_label("Nombre").fill(f"{name} (v2)")
    form.get_by_label("Prioridad").select_option("")
    form.get_by_label("Solo con la identidad del cliente verificada (preguntas de la cuenta)").check()
    form.get_by_role("button", name="Guardar macro").click()
    expect(outcome(page)).to_have_text(f"Macro guardada: {name} (v2).")
    edited = macro_with(stack, macro_id)
    assert edited is not None and (edited["name"], edited["priority"]) == (f"{name} (v2)", None)
    assert edited["requires_identity"] is True
    expect(row).to_contain_text("pide identidad verificada")
    shoot(page, "admin-macros")

    # Delete asks first; "cancel" keeps it, the focus waiting on "cancel"
    row.get_by_role("button", name=f"Eliminar {name} (v2)").click()
    expect(row.get_by_role("group")).to_contain_text(f"¿Eliminar la macro «{name} (v2)»?")
    expect(row.get_by_role("button", name="Cancelar")).to_be_focused()
    row.get_by_role("button", name="Cancelar").click()
    assert macro_with(stack, macro_id) is not None
    row.get_by_role("button", name=f"Eliminar {name} (v2)").click()
    row.get_by_role("button", name="Sí, eliminar").click()
    expect(outcome(page)).to_have_text(f"Macro eliminada: {name} (v2).")
    expect(page.locator(f"tr[data-macro='{macro_id}']")).to_have_count(0)
    assert macro_with(stack, macro_id) is None
    assert page.errors == []


def test_admin_edits_a_rule_and_a_new_mail_follows_it(browser: Any, stack: RunningStack) -> None:
    """The admin adds a rule tagging mail that names a word, tests it, edits
    its tag; the next mail with that word gets the edited tag, and the
    ticket's history says which rule gave it."""
    tag = unique()
    word, rule_id, name = f"palabra{tag}", f"etiqueta-{tag}", f"Etiqueta {tag}"
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "rules", "Reglas")
    expect(page.locator("tr[data-rule='facturacion-por-palabras']")).to_contain_text("Facturación por palabras")
    form = page.locator("form[aria-labelledby='rule-form-title']")
    form.get_by_label("Identificador").fill(rule_id)
    form.get_by_label("Nombre").fill(name)
    form.get_by_role("button", name="Agregar condición").click()
    condition = form.locator("fieldset[data-condition='0']")
    condition.get_by_label("Valores").fill(word)
    action = form.locator("fieldset[data-action='0']")
    action.get_by_label("Acción").select_option("add_tags")
    action.get_by_label("Valores").fill(f"primera-{tag}")
    form.get_by_role("button", name="Guardar regla").click()
    expect(outcome(page)).to_have_text(f"Regla guardada: {name}.")

    # Edit it: another tag
    row = page.locator(f"tr[data-rule='{rule_id}']")
    row.get_by_role("button", name=f"Editar {name}").click()
    expect(form.locator("fieldset[data-condition='0']").get_by_label("Valores")).to_have_value(word)
    form.locator("fieldset[data-action='0']").get_by_label("Valores").fill(f"ruta-{tag}")
    form.get_by_role("button", name="Guardar regla").click()
    expect(outcome(page)).to_have_text(f"Regla guardada: {name}.")
    expect(row).to_contain_text(f"ruta-{tag}")

    # Testing it changes nothing and (no mail names the word yet) matches nothing
    row.get_by_role("button", name=f"Probar {name}").click()
    expect(page.locator(".rule-trial [role=status]")).to_contain_text("Coincide con 0 de los últimos")
    shoot(page, "admin-rules")

    # A new mail naming the word (with another ending, in capitals) follows the edited rule
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"], mail["To"] = f"regla.{tag}@cliente.example", "soporte@atiende.localhost"
    mail["Subject"] = f"Consulta {tag}"
    mail.set_content(f"Hola, les escribo por las {word.upper()}S de mi cuenta.")
    with smtplib.SMTP("127.0.0.1", stack.smtp_port, timeout=10) as smtp:
        smtp.send_message(mail)

    def routed() -> dict[str, Any] | None:
        found = stack.api("GET", "/api/search", as_agent=ADMIN, params={"q": f"Consulta {tag}"}).json()["tickets"]
        return found[0] if found and f"ruta-{tag}" in found[0]["tags"] else None

    ticket = eventually(routed, seconds=60)
    assert f"primera-{tag}" not in ticket["tags"]
    page.goto(f"{stack.base}/#/tickets/{ticket['id']}")
    expect(page.locator("ol.events")).to_contain_text(f"Regla: {name}")

    # Clean up: the rule goes, the demo's stay
    page.goto(f"{stack.base}/#/admin/rules")
    page.locator(f"tr[data-rule='{rule_id}']").get_by_role("button", name=f"Eliminar {name}").click()
    expect(outcome(page)).to_have_text(f"Regla eliminada: {name}.")
    rules = stack.api("GET", "/api/rules", as_agent=ADMIN).json()["rules"]
    assert rule_id not in [r["id"] for r in rules] and "facturacion-por-palabras" in [r["id"] for r in rules]
    assert page.errors == []


def test_audit_log_lists_an_invite(browser: Any, stack: RunningStack) -> None:
    tag = unique()
    email = f"audit.{tag}@atiende.localhost"
    invited = stack.api(
        "POST", "/api/agents", as_agent=ADMIN, json={"email": email, "name": f"Mateo Ríos {tag}", "role": "agent"}
    )
    assert invited.status_code == 201, invited.text
    page = signed_in(browser, stack, ADMIN)
    open_admin(page, "audit", "Registro de auditoría")
    expect(page.get_by_label("Mes")).to_have_value(f"{datetime.now(UTC):%Y-%m}")
    row = page.locator("table.audit tbody tr", has_text=email)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("Adriana Morales")
    expect(row.locator("td").nth(2)).to_have_text("Invitó a un agente")
    expect(row.locator("td").nth(3)).to_have_text(email)
    expect(row.locator("ul.changes li", has_text="email:")).to_have_text(f"email: — → {email}")
    expect(row.locator("ul.changes li", has_text="active:")).to_have_text("active: — → Sí")
    when = row.locator("time")
    assert str(when.get_attribute("datetime")).startswith(f"{datetime.now(UTC):%Y-%m}")
    assert when.inner_text().strip()  # shown in the agent's language and time zone
    shoot(page, "admin-audit")

    # Another month: its own entries (none that long ago)
    page.get_by_label("Mes").fill("2020-01")
    expect(page.get_by_text("No hay cambios registrados en este mes.")).to_be_visible()
    page.get_by_label("Mes").fill(f"{datetime.now(UTC):%Y-%m}")
    expect(page.locator("table.audit tbody tr", has_text=email)).to_have_count(1)
    assert page.errors == []


def test_only_admins_see_the_administration(browser: Any, stack: RunningStack) -> None:
    supervisor = signed_in(browser, stack, SUPERVISOR)
    expect(supervisor.get_by_role("link", name="Administración")).to_have_count(0)
    page = signed_in(browser, stack, AGENT)
    expect(page.get_by_role("link", name="Administración")).to_have_count(0)
    page.goto(f"{stack.base}/#/admin/agents")
    expect(page.get_by_role("alert")).to_contain_text("No tienes permiso")
    expect(page.locator("table.agents")).to_have_count(0)
    expect(page.locator("form")).to_have_count(1)  # the search box, and no admin form
    # and the server refuses them anyway
    assert stack.api("GET", "/api/audit").status_code == 403
    invite = {"email": f"x.{unique()}@atiende.localhost", "name": "X", "role": "admin"}
    assert stack.api("POST", "/api/agents", json=invite).status_code == 403
    assert page.errors == [] and supervisor.errors == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_admin_pages_pass_axe(browser: Any, stack: RunningStack, code: str) -> None:
    page = signed_in(WithoutCsp(browser), stack, ADMIN)
    use_language(page, code)
    ready = {
        "agents": "table.agents tbody tr",
        "groups": "table.groups tbody tr",
        "fields": "form.fields-setup",
        "macros": "table.macros tbody tr",
        "rules": "table.rules tbody tr",
        "channels": "table.channels tbody tr, main[data-section='channels'] p.muted",
        "sla": ".sla-preview li[data-metric]",
        "set-aside": "table.set-aside tbody tr, main[data-section='set-aside'] p.muted",
        "whatsapp": "table.whatsapp-templates tbody tr, main[data-section='whatsapp'] p.muted",
        "webhooks": "main[data-section='webhooks'] form",
        "dead-letters": "section.dead-queue",
        "signin": "main[data-section='signin'] input[name='idle_hours']",
        "audit": "table.audit tbody tr, main[data-section='audit'] p.muted",
    }
    found = {}
    for section, selector in ready.items():
        page.goto(f"{stack.base}/#/admin/{section}")
        page.locator(selector).first.wait_for()
        found[section] = axe_violations(page)
        if code == "en":
            shoot(page, f"admin-{section}-en")
    assert not any(found.values()), "axe found:\n" + "\n".join(f"{s}: {v}" for s, v in found.items() if v)
    assert page.errors == []
