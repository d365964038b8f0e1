"""The channels the help desk answers: its support addresses, its WhatsApp
numbers and the sites its web chat is on, each with a display name, a default
group and a default language,
kept by administrators as one setting with versions (two administrators
editing at once never overwrite each other: the later save is refused).

What an entry does:

- a **new ticket** that arrives on an active entry (e-mail: the first listed
  address among the mail's envelope recipients, To and Cc; WhatsApp: the
  number's ``phone_number_id``; web chat: the widget's ``data-site``) starts
  in the entry's default group, and the ticket remembers the entry
  (``Ticket.recipient``);
- a **new contact** first seen there gets the entry's language (the
  acknowledgment and replies follow it); a known contact keeps theirs;
- **replies by e-mail** on such a ticket carry the entry's display name as the
  From name (the From address stays the support address SES sends from).

A **web chat site** also names the origins its widget may be embedded on
(``https://tienda.example``, ``https://*.tienda.example``): once any site is
listed, the chat's public routes and its WebSocket refuse a site that is not
listed and active, and a page whose origin its site does not name (a site
with no origins takes any). With no site listed, the chat works from any
origin, as a first install expects.

The entry's group is set when the ticket is created, **before the rules run**:
a rule may still move the ticket (the demo's billing words do), and a
catch-all rule conditioned on "group is not set" leaves it alone. Mail to an
address that is not listed (or is inactive) is filed as before, with no
defaults: the rules alone decide. Later messages on a ticket change nothing.
"""

import re
from datetime import datetime
from typing import Annotated, Protocol

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, AuditEntry, Channel, Group, GroupId, Language
from helpdesk.validated import Validated

SETTING = "channels"  # where the store keeps the setup
ACTION = "channels.saved"  # the audit log's name for a change
MAX_ENTRIES = 50  # addresses, and numbers, a desk lists

# An address a mail server accepts and a person can type: no quotes, no
# comments, a domain with a dot. "+" is the desk's own (``soporte+<ticket>@``).
ADDRESS = re.compile(
    r"^[a-z0-9!#$%&'*/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*/=?^_`{|}~-]+)*"
    r"@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
PHONE_NUMBER_ID = re.compile(r"^\d{1,64}$")  # Meta's id of a business number: digits
SITE = r"^[a-z0-9][a-z0-9-]{0,39}$"  # a widget's data-site
# An origin as browsers send it: scheme, host, optional port; or "*." and a domain of two
# labels or more for every subdomain of it (never a whole top-level domain: "https://*.com")
ORIGIN = re.compile(
    r"^https?://(\*\.(?=[^.:]+\.))?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$"
)
MAX_ORIGINS = 20


def _problem(code: str, message: str) -> PydanticCustomError:
    """A refusal whose ``problem`` code the console translates (``problem.<code>``)."""
    return PydanticCustomError(code, message)


def _one_line_name(value: str) -> str:
    """What a From header and the console show: one line, spaces collapsed."""
    name = " ".join(value.split())
    if not name:
        raise _problem("display_name_blank", "the display name is empty")
    return name


DisplayName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_one_line_name)]


class SupportAddress(Validated):
    """An e-mail address customers write to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    address: Annotated[str, Field(min_length=3, max_length=254)]
    display_name: DisplayName
    default_group_id: GroupId | None = None
    language: Language = Language.SPANISH
    active: bool = True

    @field_validator("address", mode="before")
    @classmethod
    def _an_address(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        address = value.strip().lower()
        if "+" in address.split("@", 1)[0]:
            raise _problem("support_address_plus", "a support address has no +tag: the desk adds its own")
        if not ADDRESS.match(address) or len(address) > 254:
            raise _problem("support_address", "not an e-mail address (name@domain.example)")
        return address


class WhatsAppNumber(Validated):
    """A WhatsApp Business number: as customers see it, and Meta's id of it
    (the ``phone_number_id`` its webhooks name)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    display_number: Annotated[str, Field(min_length=8, max_length=16)]  # E.164: +50255550000
    phone_number_id: Annotated[str, Field(min_length=1, max_length=64)]
    display_name: DisplayName
    default_group_id: GroupId | None = None
    language: Language = Language.SPANISH
    active: bool = True

    @field_validator("display_number", mode="before")
    @classmethod
    def _e164(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        number = re.sub(r"[\s().-]", "", value)
        if not re.fullmatch(r"\+[1-9]\d{6,14}", number) or not _valid_number(number):
            raise _problem("whatsapp_number", "not a phone number in international form (+50255550000)")
        return number

    @field_validator("phone_number_id", mode="before")
    @classmethod
    def _meta_id(cls, value: object) -> object:
        if isinstance(value, str) and not PHONE_NUMBER_ID.match(value.strip()):
            raise _problem("phone_number_id", "Meta's phone number id is digits only")
        return value.strip() if isinstance(value, str) else value


def _valid_number(number: str) -> bool:
    import phonenumbers  # only a channel setup's save checks a number: not every importer's cold start

    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, None)))
    except phonenumbers.NumberParseException:
        return False


def _an_origin(value: str) -> str:
    origin = value.strip().lower().rstrip("/")
    if not ORIGIN.match(origin):
        raise _problem(
            "chat_origin", "an origin is scheme and host, e.g. https://tienda.example or https://*.tienda.example"
        )
    return origin


Origin = Annotated[str, Field(min_length=8, max_length=300), AfterValidator(_an_origin)]


class ChatSite(Validated):
    """A site the web chat widget is on (its ``data-site``) and the origins its
    pages may have."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    site: Annotated[str, Field(pattern=SITE)]
    display_name: DisplayName
    origins: Annotated[tuple[Origin, ...], Field(max_length=MAX_ORIGINS)] = ()
    default_group_id: GroupId | None = None
    language: Language = Language.SPANISH
    active: bool = True

    def admits(self, origin: str | None) -> bool:
        """Whether a page of ``origin`` may use this site's chat (no origins listed: any)."""
        if not self.origins:
            return True
        if not origin:
            return False
        origin = origin.strip().lower().rstrip("/")
        for allowed in self.origins:
            if origin == allowed:
                return True
            scheme, _, host = allowed.partition("://*.")
            if host and origin.startswith(scheme + "://") and origin.endswith("." + host):
                return True
        return False


ChannelEntry = SupportAddress | WhatsAppNumber | ChatSite  # what a ticket may arrive on

ASSISTANT_CHANNELS = (Channel.CHAT, Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM)


class ChannelSetup(Validated):
    """Body and answer of ``/api/channels``. ``version``: how many times it was
    saved when read (0: never); a save sends the version it read and answers
    the new one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Annotated[int, Field(ge=0)] = 0
    email: Annotated[tuple[SupportAddress, ...], Field(max_length=MAX_ENTRIES)] = ()
    whatsapp: Annotated[tuple[WhatsAppNumber, ...], Field(max_length=MAX_ENTRIES)] = ()
    chat_sites: Annotated[tuple[ChatSite, ...], Field(max_length=MAX_ENTRIES)] = ()
    # Where the first-line assistant answers before a person takes the
    # conversation (``helpdesk.assistant``): conversational channels only.
    assistant: tuple[Channel, ...] = (Channel.CHAT,)

    @model_validator(mode="after")
    def _each_once(self) -> "ChannelSetup":
        addresses = [entry.address for entry in self.email]
        if len(addresses) != len(set(addresses)):
            raise _problem("duplicate_address", "each support address once")
        for field in ("phone_number_id", "display_number"):
            values = [getattr(entry, field) for entry in self.whatsapp]
            if len(values) != len(set(values)):
                raise _problem("duplicate_number", "each WhatsApp number once")
        sites = [entry.site for entry in self.chat_sites]
        if len(sites) != len(set(sites)):
            raise _problem("duplicate_site", "each web chat site once")
        if any(channel not in ASSISTANT_CHANNELS for channel in self.assistant):
            raise _problem("assistant_channel", "the assistant answers on web chat, WhatsApp, Messenger and Instagram")
        return self

    @property
    def entries(self) -> tuple[ChannelEntry, ...]:
        return (*self.email, *self.whatsapp, *self.chat_sites)

    @property
    def group_ids(self) -> set[str]:
        return {e.default_group_id for e in self.entries if e.default_group_id is not None}

    def entry_for(self, channel: Channel, addressed_to: tuple[str, ...]) -> ChannelEntry | None:
        """The active entry a message sent to ``addressed_to`` arrived on (the
        first of them that is listed), or None. E-mail addresses are compared
        without case and without a ``+tag``."""
        if channel is Channel.EMAIL:
            listed: dict[str, ChannelEntry] = {e.address: e for e in self.email if e.active}
            wanted = [_without_tag(a) for a in addressed_to]
        elif channel is Channel.WHATSAPP:
            listed = {e.phone_number_id: e for e in self.whatsapp if e.active}
            wanted = list(addressed_to)
        elif channel is Channel.CHAT:
            listed = {e.site: e for e in self.chat_sites if e.active}
            wanted = list(addressed_to)
        else:
            return None
        return next((listed[a] for a in wanted if a in listed), None)

    def sender_name(self, recipient: str | None) -> str | None:
        """The display name replies on a ticket received at ``recipient`` carry
        (an active support address), else None."""
        if recipient is None:
            return None
        return next((e.display_name for e in self.email if e.active and e.address == recipient), None)

    def chat_allowed(self, site: str, origin: str | None) -> bool:
        """Whether the web chat takes a request from ``site``'s widget on a page
        of ``origin``: with no site listed, any; else a listed, active site
        whose origins admit it."""
        if not self.chat_sites:
            return True
        entry = next((e for e in self.chat_sites if e.site == site and e.active), None)
        return entry is not None and entry.admits(origin)


def _without_tag(address: str) -> str:
    local, at, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if at else address.strip().lower()


def recipient_key(entry: ChannelEntry) -> str:
    """What a ticket keeps of the entry it arrived on (``Ticket.recipient``)."""
    if isinstance(entry, ChatSite):
        return entry.site
    return entry.address if isinstance(entry, SupportAddress) else entry.phone_number_id


class ChannelGroupNotFound(HelpdeskError):
    """An entry's default group is not one of the help desk's groups."""

    message_key = "error.channel_group_not_found"


class ChannelRecords(Protocol):
    """Where the setup is kept (the store), and the groups it may name."""

    def versioned_setting(self, name: str) -> tuple[dict[str, object], int]: ...

    def put_versioned_setting(
        self, name: str, value: dict[str, object], read_version: int, at: datetime, audit: AuditEntry
    ) -> int: ...

    def get_group(self, group_id: str) -> Group | None: ...


def current_channels(records: ChannelRecords) -> ChannelSetup:
    """The channel setup in force, with its version (empty, version 0, before
    anyone saves one). Read each time: an administrator's change applies to the
    next message."""
    document, version = records.versioned_setting(SETTING)
    return ChannelSetup.model_validate({**document, "version": version})


def save_channels(records: ChannelRecords, setup: ChannelSetup, actor: Actor, at: datetime) -> ChannelSetup:
    """Replace the setup with ``setup`` if nobody saved since its editor read
    version ``setup.version`` (else ``StaleSetting``: nothing is written),
    auditing what changed; the setup as saved, with its new version. Every
    default group must exist (else ``ChannelGroupNotFound``)."""
    if any(records.get_group(group_id) is None for group_id in sorted(setup.group_ids)):
        raise ChannelGroupNotFound(", ".join(sorted(setup.group_ids)))
    before = current_channels(records)
    # The version is the store's to count: the audit lists what an administrator changed.
    audit = audit_entry(actor, ACTION, SETTING, before.model_copy(update={"version": 0}),
                        setup.model_copy(update={"version": 0}), at)  # fmt: skip
    document = setup.model_dump(mode="json", exclude={"version"})
    version = records.put_versioned_setting(SETTING, document, setup.version, at, audit)
    return setup.model_copy(update={"version": version})
