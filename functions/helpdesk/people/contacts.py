"""Contacts and their identities: normalization, country and language."""

import re

from helpdesk.clock import new_id, utc_now
from helpdesk.errors import InvalidIdentity
from helpdesk.models import Contact, Identity, IdentityKind, Language

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCOPED_ID = re.compile(r"^[0-9]{5,32}$")
_WEB_SESSION = re.compile(r"^[A-Za-z0-9_-]{8,128}$")

# Countries whose customers are answered in Spanish; everyone else in English
# unless the contact says otherwise.
SPANISH_SPEAKING = frozenset(
    [
        "AR",
        "BO",
        "CL",
        "CO",
        "CR",
        "CU",
        "DO",
        "EC",
        "ES",
        "GQ",
        "GT",
        "HN",
        "MX",
        "NI",
        "PA",
        "PE",
        "PR",
        "PY",
        "SV",
        "UY",
        "VE",
    ]
)


def normalize_identity(identity: Identity) -> Identity:
    """The canonical form two deliveries of the same person must agree on."""
    raw = identity.value.strip()
    match identity.kind:
        case IdentityKind.EMAIL:
            value = raw.lower()
            if not _EMAIL.match(value):
                raise InvalidIdentity("not an e-mail address")
        case IdentityKind.WHATSAPP:
            # Meta's wa_id: the number's digits without "+".
            value = re.sub(r"[^0-9]", "", raw)
            if not 6 <= len(value) <= 15:
                raise InvalidIdentity("not a WhatsApp id")
        case IdentityKind.PHONE:
            value = e164(raw)
        case IdentityKind.WEB_SESSION:
            value = raw
            if not _WEB_SESSION.match(value):
                raise InvalidIdentity("not a web session id")
        case IdentityKind.MESSENGER | IdentityKind.INSTAGRAM:
            # Meta's page- and Instagram-scoped ids: digits only
            value = raw
            if not _SCOPED_ID.match(value):
                raise InvalidIdentity("not a Meta scoped id")
    return Identity(kind=identity.kind, value=value)


def e164(raw: str) -> str:
    """A phone number in E.164 (``+50255551234``); it must carry its country code."""
    import phonenumbers  # phone-like identities only: e-mail, chat and form handlers never load it

    digits = raw if raw.startswith("+") else "+" + re.sub(r"[^0-9]", "", raw)
    try:
        number = phonenumbers.parse(digits, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentity("not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidIdentity("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_of(identity: Identity) -> str | None:
    """ISO country of a phone-like identity (``+502…`` → ``GT``), else None."""
    if identity.kind not in (IdentityKind.PHONE, IdentityKind.WHATSAPP):
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse("+" + identity.value.lstrip("+"), None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "ZZ" else None


def language_for(country: str | None) -> Language:
    if country is None or country in SPANISH_SPEAKING:
        return Language.SPANISH
    return Language.ENGLISH


def new_contact(identity: Identity, name: str | None) -> Contact:
    """A contact first seen through ``identity`` (already normalized)."""
    identities = [identity]
    if identity.kind is IdentityKind.WHATSAPP:
        identities.append(Identity(kind=IdentityKind.PHONE, value="+" + identity.value))
    elif identity.kind is IdentityKind.PHONE:
        # A caller's number is where they would write on WhatsApp too: the same contact.
        identities.append(Identity(kind=IdentityKind.WHATSAPP, value=identity.value.lstrip("+")))
    country = country_of(identity)
    now = utc_now()
    return Contact(
        id=new_id(),
        name=(name or "").strip()[:200],
        country=country,
        language=language_for(country),
        identities=tuple(identities),
        created_at=now,
        updated_at=now,
    )
