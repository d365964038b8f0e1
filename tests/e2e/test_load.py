"""`atiende load` against the session's stack: a short run of WhatsApp and mail
customers with agents at work ends with no error, and every message sent on
exactly one ticket, in the order its customer sent it. (How fast is for
`make bench`, never asserted here.)"""

import pytest

from local.load import Target, run_load
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def test_a_short_load_run_loses_nothing_and_lets_nobody_in_twice(stack: RunningStack) -> None:
    # Given the running stack, found as `atiende load` finds it
    target = Target.local(stack.base, stack.smtp_port)

    # When ten customers (some by mail) write for eight seconds while agents poll and reply
    report = run_load(target, seconds=8, customers=10)

    # Then nothing failed, the backlog drained, and the read-back holds
    assert report.errors == ()
    assert report.mail_sent > 0 and report.whatsapp_sent > 0
    assert report.drain_seconds is not None
    assert report.check.sent == report.sent
    assert report.check.missing == () and report.check.repeated == () and report.check.out_of_order == ()
    assert report.check.holds and report.passed


def test_atiende_load_prints_its_report_and_exits_0(stack: RunningStack) -> None:
    # When the command runs against the stack its environment names
    done = stack.cli("load", "--seconds", "4", "--customers", "6")

    # Then it succeeds and says so in both languages
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Errores / Errors" in done.stdout
    assert "OK: " in done.stdout
