"""Synonyms of a help desk's own words, kept by its administrators: brand and
product names, local words the shared regionalisms do not hold ("billetera" and
"monedero", "Tasa Cero" and "cuotas sin intereses"). Each group's words are
read as one another in every search; multi-word entries are read word by word.

They are one versioned, audited setting; saving them rebuilds the search
indexes, which carry them (``indexing.build``), so every reader of the index —
the help center, the bot, the agents — applies the same ones at once.
"""

from typing import Annotated

from pydantic import ConfigDict, Field

from helpdesk.admin.audit import audit_entry
from helpdesk.clock import utc_now
from helpdesk.language.analysis import fold
from helpdesk.models import Actor, Language
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

SETTING = "kb_synonyms"
Word = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[^\s].*[^\s]$")]


class SynonymGroup(Validated):
    model_config = ConfigDict(frozen=True, extra="forbid")

    locale: Language = Language.SPANISH
    words: Annotated[tuple[Word, ...], Field(min_length=2, max_length=10)]


class Synonyms(Validated):
    """Body and answer of ``/api/kb/synonyms``: the groups and the version read (0: never saved)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: Annotated[tuple[SynonymGroup, ...], Field(max_length=300)] = ()
    version: int = 0


def current_synonyms(store: HelpdeskStore) -> Synonyms:
    document, version = store.versioned_setting(SETTING)
    if not document:
        return Synonyms()
    return Synonyms.model_validate({**document, "version": version})


def save_synonyms(store: HelpdeskStore, synonyms: Synonyms, actor: Actor) -> Synonyms:
    """Save them if still at the version read (``StaleSetting`` otherwise)."""
    before = current_synonyms(store)
    document = synonyms.model_dump(mode="json", exclude={"version"})
    audit = audit_entry(actor, "kb.synonyms_saved", SETTING, before, synonyms)
    version = store.put_versioned_setting(SETTING, document, synonyms.version, utc_now(), audit)
    return synonyms.model_copy(update={"version": version})


def by_word(synonyms: Synonyms, locale: Language) -> dict[str, list[str]]:
    """Each folded word of the locale's groups → the other words of its groups."""
    found: dict[str, list[str]] = {}
    for group in synonyms.groups:
        if group.locale is not locale:
            continue
        folded = [fold(word) for word in group.words]
        for word in folded:
            found.setdefault(word, []).extend(w for w in folded if w != word and w not in found[word])
    return found
