"""The local stack's clock jump (``POST /dev/clock``) moves only forward, and
not by more than a month; the jump itself is used by tests/e2e/test_sla_escalation.py."""

from datetime import timedelta

import pytest

from local.clock import move_forward


@pytest.mark.parametrize("by", [timedelta(0), timedelta(seconds=-1), timedelta(days=31)])
def test_the_clock_never_moves_back_nor_a_month_ahead(by: timedelta) -> None:
    with pytest.raises(ValueError, match="forward"):
        move_forward(by)
