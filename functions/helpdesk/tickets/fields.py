"""What agents may record on a ticket beyond its standard fields: the team's
tags (suggested while typing; a new tag may still be used) and custom field
definitions (a ticket's ``custom_fields`` must follow them)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, Scalar
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

SETTING = "ticket_fields"  # where the store keeps them
Tag = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w\-áéíóúñÁÉÍÓÚÑ]+$")]


class InvalidCustomField(HelpdeskError):
    message_key = "error.invalid_custom_field"


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    CHECKBOX = "checkbox"
    DROPDOWN = "dropdown"


class CustomFieldDefinition(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    label_es: Annotated[str, Field(min_length=1, max_length=120)]
    label_en: Annotated[str, Field(min_length=1, max_length=120)]
    kind: FieldKind = FieldKind.TEXT
    options: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=120)], ...], Field(max_length=200)] = ()
    active: bool = True  # retired fields keep their values on old tickets but take no new ones
    # Account data (a card's last digits, a national id): an agent sets it only on a
    # ticket whose customer passed an identity check (``helpdesk.verification``).
    sensitive: bool = False

    @model_validator(mode="after")
    def _options_only_for_dropdowns(self) -> "CustomFieldDefinition":
        if (self.kind is FieldKind.DROPDOWN) != bool(self.options):
            raise ValueError("a dropdown needs options, and only a dropdown has them")
        return self

    def accepts(self, value: Scalar) -> bool:
        if value is None:
            return True  # clearing a field
        if self.kind is FieldKind.CHECKBOX:
            return isinstance(value, bool)
        if self.kind is FieldKind.NUMBER:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.kind is FieldKind.DROPDOWN:
            return value in self.options
        return isinstance(value, str) and len(value) <= 1000


class TicketFieldSetup(Validated):
    """Body and answer of ``/api/ticket-fields``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tags: Annotated[tuple[Tag, ...], Field(max_length=500)] = ()
    custom_fields: Annotated[tuple[CustomFieldDefinition, ...], Field(max_length=100)] = ()

    @model_validator(mode="after")
    def _keys_are_unique(self) -> "TicketFieldSetup":
        keys = [f.key for f in self.custom_fields]
        if len(keys) != len(set(keys)):
            raise ValueError("each custom field key once")
        return self


def ticket_field_setup(store: HelpdeskStore) -> TicketFieldSetup:
    return TicketFieldSetup.model_validate(store.setting(SETTING))


def save_ticket_field_setup(
    store: HelpdeskStore, setup: TicketFieldSetup, actor: Actor, at: datetime
) -> TicketFieldSetup:
    before = ticket_field_setup(store)
    audit = audit_entry(actor, "ticket_fields.saved", "ticket_fields", before, setup, at)
    store.put_setting(SETTING, setup.model_dump(mode="json"), at, audit)
    return setup


def check_custom_fields(store: HelpdeskStore, old: dict[str, Scalar], new: dict[str, Scalar]) -> dict[str, Scalar]:
    """The ticket's custom fields after a change: each changed value must
    belong to an active definition and fit its kind; ``None`` clears one."""
    definitions = {f.key: f for f in ticket_field_setup(store).custom_fields}
    merged = dict(old)
    for key, value in new.items():
        if old.get(key) == value:
            continue
        definition = definitions.get(key)
        if definition is None or (not definition.active and value is not None) or not definition.accepts(value):
            raise InvalidCustomField(key)
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def sensitive_fields(store: HelpdeskStore) -> frozenset[str]:
    """The keys of the fields only a verified customer's ticket may take."""
    return frozenset(f.key for f in ticket_field_setup(store).custom_fields if f.sensitive)
