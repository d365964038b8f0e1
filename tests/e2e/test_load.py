"""`atiende load` against the session's stack: a short run of WhatsApp and mail
customers with agents at work ends with no error, and every message sent on
exactly one ticket, in the order its customer sent it (the command exits 1
otherwise: ``LoadReport.passed``). How fast is for `make bench`, never asserted
here. One run: the command is what a person uses, and its report is the
library's (``local.load.run_load``), so a second, in-process run adds only time."""

import re

import pytest

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def test_a_short_load_run_loses_nothing_and_lets_nobody_in_twice(stack: RunningStack) -> None:
    # The backlog drains at the embedded AWS's pace, slower on a loaded machine.
    done = stack.cli("load", "--seconds", "5", "--customers", "8", timeout=300)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Errores / Errors" in done.stdout
    assert "OK: " in done.stdout
    sent = re.search(r"(\d+)  \((\d+) WhatsApp, (\d+) correo / e-mail\)", done.stdout)
    assert sent is not None, done.stdout
    assert int(sent[2]) > 0 and int(sent[3]) > 0  # both channels carried customers' messages
