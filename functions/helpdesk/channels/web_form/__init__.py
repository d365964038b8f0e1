"""The web contact form of the public help center: a ticket on the ``web_form``
channel, its contact identified by e-mail or WhatsApp number like on the other
channels, protected without third-party captchas.

What a submission must pass, each refusal before anything is stored:

- the **honeypot**: a field people never see (hidden by the stylesheet and
  labelled "leave empty"); anything in it is a bot;
- the **form token**: every form is handed out with a single-use token whose
  issue time the table keeps (``store/forms.py``); a submission without one,
  with an unknown, expired or used one, or sent sooner than
  ``FORM.min_seconds`` after it was handed out, is refused;
- the **limits**: per address and per identity (the public route applies
  ``limits.HELP_CENTER_CONTACTS_PER_ADDRESS`` and ``…_PER_IDENTITY``);
- the **sizes**: name, subject and message are bounded (``ContactForm``);
- the **attachment** (optional, one file): at most
  ``limits.CONTACT_FORM.attachment_bytes`` and of a type in
  ``…attachment_types`` as its bytes show (a label or a name does not make a
  file a PDF).

The attachment is stored only once every check has passed, under a fresh key
in the attachments bucket (``ATTACHMENT_KIND``, as ticket attachments are:
``helpdesk.files``), then named on the ticket's first message, where agents
preview and download it like any customer's file. If writing the ticket fails
after the file was stored, the file stays in the bucket unreferenced (nothing
names it, so nobody sees it; an operator may sweep ``web_form/`` objects no
message names): the ticket never names a file that is not there.

"Llámenme / call me back": a form that asks for a call carries the number and
the preferred time; its ticket says both, and the call is placed or becomes an
agent's task (``channels/phone/callbacks.py``). The public route limits each
number too (``limits.HELP_CENTER_CALLBACKS_PER_NUMBER``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator

from helpdesk import limits
from helpdesk.channels.phone.callbacks import (
    CallbackDialer,
    CallbackRequest,
    callback_number,
    callback_text,
    request_callback,
)
from helpdesk.channels.web_form.posted import PostedFile
from helpdesk.clock import new_id
from helpdesk.conversations.ingest import InboundMessage, ingest
from helpdesk.errors import CallbackRefused, HelpdeskError
from helpdesk.files import FileStore, keep_file, sniff_content_type
from helpdesk.knowledge import gaps
from helpdesk.models import Attachment, Channel, Identity, IdentityKind, Language, Ticket
from helpdesk.people.contacts import normalize_identity
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated


@dataclass(frozen=True)
class FormLimits:
    min_seconds: int = 3  # people read and type; a bot posts at once
    max_age: timedelta = timedelta(hours=2)  # a form left open longer is handed out again


FORM = FormLimits()
ATTACHMENT_KIND = "web_form"  # the key prefix of the form's files in the attachments bucket
ATTACHMENT_FIELD = "attachment"  # the form's file input


@dataclass(frozen=True)
class FileShelf:
    """Where the form's attachment is kept: the files port and its bucket."""

    files: FileStore
    bucket: str


class FormRefused(HelpdeskError):
    """A submission the form does not take; ``reason`` says which check refused it."""

    message_key = "error.contact_form_refused"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ContactForm(Validated):
    """The form's text fields (posted ``multipart/form-data``, or
    ``application/x-www-form-urlencoded`` without a file)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=120)]
    reach: Annotated[str, Field(min_length=5, max_length=320)]  # an e-mail address or a WhatsApp number
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    message: Annotated[str, Field(min_length=1, max_length=5000)]
    category: Annotated[str, Field(max_length=80)] = ""
    locale: Language = Language.SPANISH
    token: Annotated[str, Field(min_length=10, max_length=40)]
    website: Annotated[str, Field(max_length=200)] = ""  # the honeypot
    callback: bool = False  # "Llámenme": the checkbox
    callback_number: Annotated[str, Field(max_length=40)] = ""
    callback_time: Annotated[str, Field(max_length=120)] = ""

    @field_validator("callback", mode="before")
    @classmethod
    def _unticked(cls, value: object) -> object:
        """A form sends a ticked box as "on" and an unticked one not at all (or empty)."""
        return False if value == "" else value

    def callback_request(self) -> CallbackRequest | None:
        """The call the customer asked for, if they did (``CallbackRefused``
        when the box is ticked without a number)."""
        if not self.callback:
            return None
        if not self.callback_number:
            raise CallbackRefused("no number to call")
        return CallbackRequest(number=self.callback_number, preferred_time=self.callback_time)


def hand_out(store: HelpdeskStore, now: datetime) -> str:
    """A new form's token (kept until it is used or ``FORM.max_age`` passes)."""
    token = new_id()
    store.issue_form_token(token, now, now + FORM.max_age)
    return token


def identity_of(reach: str) -> Identity:
    """The e-mail address or WhatsApp number the person gave, normalized like the
    channels' (``InvalidIdentity`` when it is neither)."""
    kind = IdentityKind.EMAIL if "@" in reach else IdentityKind.WHATSAPP
    return normalize_identity(Identity(kind=kind, value=reach))


def check_attachment(attached: PostedFile) -> str:
    """The type of a file the form takes (what its bytes are); ``FormRefused``
    ("attachment_size", "attachment_type") otherwise."""
    if len(attached.content) > limits.CONTACT_FORM.attachment_bytes:
        raise FormRefused("attachment_size")
    kind = sniff_content_type(attached.content, "")  # the bytes only: a label is no proof
    if kind not in limits.CONTACT_FORM.attachment_types:
        raise FormRefused("attachment_type")
    return kind


def _label(filename: str) -> str:
    """The file's name as agents see it (a label: the key is never made from it)."""
    name = " ".join(filename.replace("/", "_").replace("\\", "_").split())[:200]
    return name or "adjunto"


def submit(
    store: HelpdeskStore,
    form: ContactForm,
    now: datetime,
    dialer: CallbackDialer | None = None,
    attached: PostedFile | None = None,
    shelf: FileShelf | None = None,
) -> Ticket:
    """The ticket the form opens; ``FormRefused`` or ``CallbackRefused``
    (nothing stored) when a check fails. A callback request is placed through
    ``dialer`` (Amazon Connect), or without one becomes an agent's task.
    ``attached``: the person's file, kept on ``shelf`` once the checks pass."""
    if form.website:
        raise FormRefused("honeypot")
    kind = check_attachment(attached) if attached is not None else None
    if attached is not None and shelf is None:
        raise ValueError("a form with a file needs a shelf to keep it on")
    sender = identity_of(form.reach)
    callback = form.callback_request()
    number = callback_number(callback.number) if callback else None
    issued = store.take_form_token(form.token)
    if issued is None or now - issued > FORM.max_age:
        raise FormRefused("token")
    if (now - issued).total_seconds() < FORM.min_seconds:
        raise FormRefused("too_fast")
    text = form.message if not form.category else f"{form.message}\n\n[{form.category}]"
    if callback is not None and number is not None:
        text = f"{callback_text(callback, number)}\n\n{text}"
    files: tuple[Attachment, ...] = ()
    if attached is not None and shelf is not None and kind is not None:
        files = (keep_file(shelf.files, shelf.bucket, ATTACHMENT_KIND, attached.content, _label(attached.filename),
                           attached.declared_type[:200] or kind),)  # fmt: skip
    inbound = InboundMessage(
        channel=Channel.WEB_FORM,
        channel_message_id=f"form:{form.token}",
        sender=sender,
        sender_name=form.name,
        sent_at=now,
        subject=form.subject,
        text=text,
        attachments=files,
    )
    ticket = ingest(inbound, store).ticket
    if callback is not None:
        request_callback(store, ticket, callback, dialer, f"form:{form.token}", now)
    gaps.record(store, form.subject, form.locale, now, contact=True)  # the help center did not answer it
    return ticket
