"""A contact found by how they reach us: what a CRM's "open in Atiende" asks
with the e-mail address or phone number it holds. One GetItem per identity
tried (``IDENT#<kind>#<value>``), never a scan."""

from helpdesk.errors import ContactNotFound, InvalidIdentity
from helpdesk.models import Contact, Identity, IdentityKind
from helpdesk.people.changes import live_contact
from helpdesk.people.contacts import normalize_identity
from helpdesk.store import HelpdeskStore


def identities_to_try(email: str | None, phone: str | None) -> list[Identity]:
    """The normalized identities an e-mail address or a phone number may be
    kept as: a phone number is tried as a phone and as a WhatsApp number.
    ``InvalidIdentity`` when neither is given or a value cannot be one."""
    if not email and not phone:
        raise InvalidIdentity("an e-mail address or a phone number is needed")
    tried: list[Identity] = []
    if email:
        tried.append(normalize_identity(Identity(kind=IdentityKind.EMAIL, value=email)))
    if phone:
        as_phone = normalize_identity(Identity(kind=IdentityKind.PHONE, value=phone))
        tried += [as_phone, normalize_identity(Identity(kind=IdentityKind.WHATSAPP, value=as_phone.value))]
    return tried


def contact_reached_by(store: HelpdeskStore, email: str | None = None, phone: str | None = None) -> Contact:
    """The contact (following merges) who holds the e-mail address or phone number."""
    for identity in identities_to_try(email, phone):
        record = store.find_identity(identity)
        if record is not None:
            return live_contact(store, record.contact_id)
    raise ContactNotFound("no contact holds that e-mail address or number")
