"""The WhatsApp message templates Meta approved for the business number: the
only messages that may start a conversation again after the 24-hour window.
Administrators keep the list (name, language, body with ``{{1}}``-style
parameters); the reply box offers it, and a reply outside the window must use
one of them with all its parameters filled."""

import json
import re
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor, Notice
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

SETTING = "whatsapp_templates"
WHATSAPP_WINDOW = timedelta(hours=24)  # after the customer's last message, free-form replies may go
PARAMETER = re.compile(r"\{\{(\d{1,2})\}\}")


class UnknownTemplate(HelpdeskError):
    message_key = "error.unknown_template"


class ApprovedTemplate(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,512}$")]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "es"
    label: Annotated[str, Field(min_length=1, max_length=120)]  # what agents see in the picker
    body: Annotated[str, Field(min_length=1, max_length=1024)]  # as approved, with {{1}}, {{2}}…
    # Meta's category; an authentication template carries a one-time code
    # (helpdesk.verification) and is never offered to agents for a reply.
    category: Literal["utility", "marketing", "authentication"] = "utility"

    @property
    def parameter_count(self) -> int:
        return len(set(PARAMETER.findall(self.body)))

    @model_validator(mode="after")
    def _parameters_are_numbered_from_one(self) -> "ApprovedTemplate":
        numbers = sorted({int(n) for n in PARAMETER.findall(self.body)})
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("parameters are {{1}}, {{2}}… without gaps, as Meta numbers them")
        return self


class TemplateCatalog(Validated):
    """Body and answer of ``/api/whatsapp-templates``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    templates: Annotated[tuple[ApprovedTemplate, ...], Field(max_length=200)] = ()

    @model_validator(mode="after")
    def _each_once(self) -> "TemplateCatalog":
        keys = [(t.name, t.language) for t in self.templates]
        if len(keys) != len(set(keys)):
            raise ValueError("each template (name, language) once")
        return self


def template_catalog(store: HelpdeskStore) -> TemplateCatalog:
    return TemplateCatalog.model_validate(store.setting(SETTING))


def save_template_catalog(
    store: HelpdeskStore, catalog: TemplateCatalog, actor: Actor, at: datetime
) -> TemplateCatalog:
    audit = audit_entry(actor, "whatsapp_templates.saved", SETTING, template_catalog(store), catalog, at)
    store.put_setting(SETTING, catalog.model_dump(mode="json"), at, audit)
    return catalog


def template_text(store: HelpdeskStore, name: str, language: str, parameters: tuple[str, ...]) -> str | None:
    """The text a template reply sends: the approved body with its parameters
    filled. It must be in the catalog with every parameter filled (with an
    empty catalog nothing is checked, None: Meta still refuses unknown ones)."""
    catalog = template_catalog(store)
    if not catalog.templates:
        return None
    found = next((t for t in catalog.templates if (t.name, t.language) == (name, language)), None)
    if found is None or len(parameters) != found.parameter_count or not all(p.strip() for p in parameters):
        raise UnknownTemplate(name)
    return PARAMETER.sub(lambda match: parameters[int(match.group(1)) - 1], found.body)


class TemplateChoice(Validated):
    """An approved WhatsApp template: what may be sent outside the 24-hour window."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,512}$")]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")] = "es"
    parameters: Annotated[tuple[Annotated[str, Field(max_length=1024)], ...], Field(max_length=20)] = ()


def template_notice(template: TemplateChoice) -> Notice:
    return Notice(
        key="template",
        params={"name": template.name, "language": template.language, "parameters": json.dumps(template.parameters)},
    )
