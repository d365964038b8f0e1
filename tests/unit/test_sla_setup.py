"""An administrator's new SLA setup is saved with an audit entry naming each
part that changed, against the setup as it was before the save."""

from datetime import UTC, datetime
from typing import Any

from helpdesk.models import Actor, ActorKind, AuditEntry
from helpdesk.sla.policies import SlaSetup
from helpdesk.sla.setup import current_setup, save_sla_setup
from tests.unit.test_sla import OFFICE_GT, SETUP

ADMIN = Actor(kind=ActorKind.AGENT, id="admin-1", name="Ana Admin")
AT = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class FakeRecords:
    """The store's part for the setup: a document, kept as given."""

    def __init__(self, setup: SlaSetup) -> None:
        self.document = setup.model_dump(mode="json")
        self.saved: list[tuple[SlaSetup, datetime, AuditEntry | None]] = []

    @property
    def setup(self) -> SlaSetup:
        return SlaSetup.model_validate(self.document)

    def sla_setup_document(self) -> dict[str, Any]:
        return self.document

    def put_sla_setup_document(self, document: dict[str, Any], at: datetime, audit: AuditEntry | None = None) -> None:
        self.saved.append((SlaSetup.model_validate(document), at, audit))
        self.document = document


def test_a_new_setup_is_saved_with_what_changed() -> None:
    records = FakeRecords(SlaSetup(calendars=(OFFICE_GT,)))

    answered = save_sla_setup(records, SETUP, ADMIN, AT)

    assert answered == SETUP and records.setup == SETUP
    ((saved, at, audit),) = records.saved
    assert saved == SETUP and at == AT
    assert audit is not None
    assert (audit.action, audit.target, audit.actor, audit.at) == ("sla_setup.saved", "sla", ADMIN, AT)
    assert {change.field for change in audit.changes} == {"calendars", "policies"}


def test_saving_the_same_setup_again_audits_no_change() -> None:
    records = FakeRecords(SETUP)

    save_sla_setup(records, SETUP, ADMIN, AT)

    ((_, _, audit),) = records.saved
    assert audit is not None and audit.changes == ()


def test_the_setup_in_force_is_parsed_once_per_document_the_store_answers() -> None:
    records = FakeRecords(SETUP)
    first = current_setup(records)
    assert current_setup(records) is first  # the same document: not parsed again
    save_sla_setup(records, SlaSetup(calendars=(OFFICE_GT,)), ADMIN, AT)
    assert current_setup(records) == SlaSetup(calendars=(OFFICE_GT,))
    assert current_setup(FakeRecords(SlaSetup())) == SlaSetup()  # nothing saved yet: no policies
