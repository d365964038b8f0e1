"""Identities are normalized so two deliveries of one person agree."""

import pytest

from helpdesk.errors import InvalidIdentity
from helpdesk.models import Identity, IdentityKind, Language
from helpdesk.observability import mask
from helpdesk.people.contacts import country_of, language_for, new_contact, normalize_identity


@pytest.mark.parametrize(
    ("kind", "raw", "normalized"),
    [
        (IdentityKind.EMAIL, "  Maria.Lopez@Example.COM ", "maria.lopez@example.com"),
        (IdentityKind.WHATSAPP, "+502 5550-1234", "50255501234"),
        (IdentityKind.PHONE, "+502 5550 1234", "+50255501234"),
        (IdentityKind.PHONE, "50688887777", "+50688887777"),
        (IdentityKind.WEB_SESSION, "session_01ABCDEF", "session_01ABCDEF"),
    ],
)
def test_identities_are_normalized(kind: IdentityKind, raw: str, normalized: str) -> None:
    assert normalize_identity(Identity(kind=kind, value=raw)).value == normalized


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (IdentityKind.EMAIL, "not-an-address"),
        (IdentityKind.WHATSAPP, "12"),
        (IdentityKind.PHONE, "+1"),
        (IdentityKind.WEB_SESSION, "../../etc/passwd"),
    ],
)
def test_bad_identities_are_refused(kind: IdentityKind, raw: str) -> None:
    with pytest.raises(InvalidIdentity):
        normalize_identity(Identity(kind=kind, value=raw))


@pytest.mark.parametrize(
    ("wa_id", "country"),
    [
        ("50255501234", "GT"),
        ("50494567890", "HN"),
        ("50370123456", "SV"),
        ("50588123456", "NI"),
        ("50688887777", "CR"),
        ("50761234567", "PA"),
        ("5215512345678", "MX"),
        ("12025550123", "US"),
    ],
)
def test_country_comes_from_the_number(wa_id: str, country: str) -> None:
    assert country_of(Identity(kind=IdentityKind.WHATSAPP, value=wa_id)) == country


def test_email_has_no_country() -> None:
    assert country_of(Identity(kind=IdentityKind.EMAIL, value="a@example.com")) is None


def test_language_follows_country_spanish_first() -> None:
    assert language_for("GT") is Language.SPANISH
    assert language_for(None) is Language.SPANISH
    assert language_for("US") is Language.ENGLISH


def test_whatsapp_contact_also_gets_its_phone() -> None:
    contact = new_contact(Identity(kind=IdentityKind.WHATSAPP, value="50255501234"), " María ")
    assert contact.name == "María"
    assert contact.country == "GT"
    assert Identity(kind=IdentityKind.PHONE, value="+50255501234") in contact.identities


@pytest.mark.parametrize(
    ("value", "masked"),
    [("maria.lopez@example.com", "ma***@example.com"), ("+50255501234", "+502***34"), ("abc", "***")],
)
def test_personal_data_is_masked_for_logs(value: str, masked: str) -> None:
    assert mask(value) == masked
