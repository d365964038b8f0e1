"""Asynchronous events (SES, SNS) fail per record: every record is tried, and
the invocation then fails naming only the ones that failed."""

import pytest

from helpdesk.records import RecordsFailed, each_record


def test_every_record_is_tried_and_the_failed_ones_are_named() -> None:
    seen: list[int] = []

    def handle(record: int) -> int:
        seen.append(record)
        if record % 2:
            raise ValueError(f"odd {record}")
        return record * 10

    with pytest.raises(RecordsFailed) as failed:
        each_record([1, 2, 3, 4], handle, lambda record: f"r{record}")

    assert seen == [1, 2, 3, 4]
    assert failed.value.failed == ["r1", "r3"]
    assert isinstance(failed.value.__cause__, ValueError)


def test_all_good_records_give_their_results_in_order() -> None:
    assert each_record(["a", "b"], str.upper, str) == ["A", "B"]


def test_a_record_too_broken_to_name_is_still_reported() -> None:
    def name(record: dict[str, str]) -> str:
        return record["id"]

    broken: dict[str, str] = {}
    with pytest.raises(RecordsFailed) as failed:
        each_record([broken], lambda record: record["body"], name)
    assert failed.value.failed == ["unnamed"]
