"""The channel setup checks itself when parsed: support addresses and WhatsApp
numbers are refused with a problem code the console translates, normalized
when they are only written loosely, and listed once; an arriving message finds
its entry (active ones only, addresses without case or +tag); saving needs
existing default groups and audits what changed, never the version."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from helpdesk.channels.setup import (
    ChannelGroupNotFound,
    ChannelSetup,
    SupportAddress,
    WhatsAppNumber,
    save_channels,
)
from helpdesk.models import Actor, ActorKind, AuditEntry, Channel, Group, Language

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Adriana")
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def problems(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e["type"] for e in error.value.errors()}


def address(value: str = "ventas@acme.example", **extra: Any) -> dict[str, Any]:
    return {"address": value, "display_name": "Ventas Acme", **extra}


def number(display: str = "+50255550000", number_id: str = "100000000000001", **extra: Any) -> dict[str, Any]:
    return {"display_number": display, "phone_number_id": number_id, "display_name": "Acme WhatsApp", **extra}


def test_loosely_written_addresses_and_numbers_are_kept_in_their_one_form() -> None:
    setup = ChannelSetup.model_validate(
        {
            "email": [address("  Ventas@ACME.example ", display_name="  Ventas \n  Acme ")],
            "whatsapp": [number("+502 5555-0000", " 100000000000001 ")],
        }
    )
    assert (setup.email[0].address, setup.email[0].display_name) == ("ventas@acme.example", "Ventas Acme")
    assert (setup.whatsapp[0].display_number, setup.whatsapp[0].phone_number_id) == ("+50255550000", "100000000000001")
    assert setup.email[0].language is Language.SPANISH and setup.email[0].active
    assert setup.version == 0


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (address("ventas"), "support_address"),
        (address("ventas@acme"), "support_address"),
        (address("ventas @acme.example"), "support_address"),
        (address("ven..tas@acme.example"), "support_address"),
        (address("ventas+promo@acme.example"), "support_address_plus"),
        (address(display_name=" \n "), "display_name_blank"),
        (address(display_name="x" * 101), "string_too_long"),
        (address(default_group_id="Facturación"), "string_pattern_mismatch"),
        (address(language="pt"), "enum"),
    ],
)
def test_a_support_address_that_makes_no_sense_is_refused_with_its_problem(entry: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ChannelSetup.model_validate({"email": [entry]})
    assert problem in problems(refused)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (number("50255550000"), "whatsapp_number"),  # no +: not international
        (number("+1 555 123 4567"), "whatsapp_number"),  # 555 numbers are fictional
        (number("+502 5555"), "whatsapp_number"),
        (number(number_id="abc-123"), "phone_number_id"),
    ],
)
def test_a_whatsapp_number_that_makes_no_sense_is_refused_with_its_problem(entry: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ChannelSetup.model_validate({"whatsapp": [entry]})
    assert problem in problems(refused)


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        ({"email": [address(), address("VENTAS@acme.example")]}, "duplicate_address"),
        ({"whatsapp": [number(), number(number_id="200")]}, "duplicate_number"),
        ({"whatsapp": [number(), number("+50255501234")]}, "duplicate_number"),
    ],
)
def test_each_address_and_number_is_listed_once(setup: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ChannelSetup.model_validate(setup)
    assert problems(refused) == {problem}


def test_a_message_finds_the_first_active_entry_it_was_sent_to() -> None:
    setup = ChannelSetup(
        email=(
            SupportAddress(address="soporte@acme.example", display_name="Soporte", default_group_id="soporte"),
            SupportAddress(address="ventas@acme.example", display_name="Ventas", default_group_id="ventas"),
            SupportAddress(address="viejo@acme.example", display_name="Viejo", active=False),
        ),
        whatsapp=(WhatsAppNumber.model_validate(number(default_group_id="whatsapp")),),
    )
    sent_to = ("otra@cliente.example", "Ventas+Promo@ACME.example", "soporte@acme.example")
    assert setup.entry_for(Channel.EMAIL, sent_to) == setup.email[1]
    assert setup.entry_for(Channel.EMAIL, ("viejo@acme.example",)) is None  # inactive: as if not listed
    assert setup.entry_for(Channel.EMAIL, ("nadie@acme.example",)) is None
    assert setup.entry_for(Channel.WHATSAPP, ("100000000000001",)) == setup.whatsapp[0]
    assert setup.entry_for(Channel.WHATSAPP, ("999",)) is None
    assert setup.entry_for(Channel.CHAT, sent_to) is None
    assert setup.sender_name("ventas@acme.example") == "Ventas"
    assert setup.sender_name("viejo@acme.example") is None and setup.sender_name(None) is None


class Records:
    """The store's part the setup uses, in memory (versions counted as the table does)."""

    def __init__(self, groups: tuple[str, ...]) -> None:
        self.groups = groups
        self.document: dict[str, object] = {}
        self.version = 0
        self.audits: list[AuditEntry] = []

    def versioned_setting(self, name: str) -> tuple[dict[str, object], int]:
        return self.document, self.version

    def put_versioned_setting(
        self, name: str, value: dict[str, object], read_version: int, at: datetime, audit: AuditEntry
    ) -> int:
        assert read_version == self.version
        self.document, self.version = value, read_version + 1
        self.audits.append(audit)
        return self.version

    def get_group(self, group_id: str) -> Group | None:
        return Group(id=group_id, name=group_id) if group_id in self.groups else None


def test_saving_needs_existing_groups_and_audits_what_changed_not_the_version() -> None:
    records = Records(groups=("ventas",))
    unknown = ChannelSetup(email=(SupportAddress.model_validate(address(default_group_id="nadie")),))
    with pytest.raises(ChannelGroupNotFound):
        save_channels(records, unknown, ADMIN, NOW)
    assert records.version == 0 and not records.audits

    first = ChannelSetup(email=(SupportAddress.model_validate(address(default_group_id="ventas")),))
    saved = save_channels(records, first, ADMIN, NOW)
    assert saved.version == 1 and saved.email == first.email
    renamed = saved.model_copy(update={"email": (saved.email[0].model_copy(update={"display_name": "Ventas"}),)})
    assert save_channels(records, renamed, ADMIN, NOW).version == 2
    assert [[c.field for c in a.changes] for a in records.audits] == [["email"], ["email"]]
    assert all(a.action == "channels.saved" and a.target == "channels" for a in records.audits)


def site(name: str = "tienda", *origins: str, **extra: Any) -> dict[str, Any]:
    return {"site": name, "display_name": "Tienda", "origins": list(origins), **extra}


def test_a_chat_site_normalizes_its_origins_and_refuses_what_is_no_origin() -> None:
    setup = ChannelSetup.model_validate(
        {"chat_sites": [site("tienda", " HTTPS://Tienda.Example/ ", "https://*.tienda.example")]}
    )
    assert setup.chat_sites[0].origins == ("https://tienda.example", "https://*.tienda.example")
    wrong_ones = ("tienda.example", "https://tienda.example/ayuda", "ftp://tienda.example", "https://*", "https://a b",
                  "https://*.com", "https://*.com:443")  # fmt: skip
    for wrong in wrong_ones:
        with pytest.raises(ValidationError) as error:
            ChannelSetup.model_validate({"chat_sites": [site("tienda", wrong)]})
        assert problems(error) == {"chat_origin"}, wrong
    with pytest.raises(ValidationError) as error:
        ChannelSetup.model_validate({"chat_sites": [site("tienda"), site("tienda")]})
    assert problems(error) == {"duplicate_site"}


def test_the_chat_takes_any_origin_until_a_site_is_listed_then_only_its_own() -> None:
    assert ChannelSetup().chat_allowed("", None)  # a first install: the demo page, any site
    setup = ChannelSetup.model_validate(
        {"chat_sites": [site("tienda", "https://tienda.example", "https://*.tienda.example"),
                        site("blog"), site("viejo", "https://viejo.example", active=False)]}
    )  # fmt: skip
    assert setup.chat_allowed("tienda", "https://tienda.example")
    assert setup.chat_allowed("tienda", "https://ayuda.tienda.example")
    assert setup.chat_allowed("blog", "https://cualquiera.example")  # a site naming no origin takes any
    assert not setup.chat_allowed("tienda", "http://tienda.example")  # another scheme is another origin
    assert not setup.chat_allowed("tienda", "https://tienda.example.evil.example")
    assert not setup.chat_allowed("tienda", "https://eviltienda.example")
    assert not setup.chat_allowed("tienda", None)
    assert not setup.chat_allowed("viejo", "https://viejo.example")  # inactive
    assert not setup.chat_allowed("otro", "https://tienda.example")  # not listed
    assert not setup.chat_allowed("", "https://tienda.example")


def test_a_chat_site_is_the_entry_a_new_conversation_arrives_on() -> None:
    setup = ChannelSetup.model_validate({"chat_sites": [site("tienda", default_group_id="ventas", language="en")]})
    entry = setup.entry_for(Channel.CHAT, ("tienda",))
    assert entry is not None and entry.default_group_id == "ventas" and entry.language is Language.ENGLISH
    assert setup.entry_for(Channel.CHAT, ("otra",)) is None
    assert setup.group_ids == {"ventas"}
