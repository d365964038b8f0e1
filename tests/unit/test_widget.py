"""The web chat widget as a file: within its 30 KB compressed budget (the
figure ``make bench`` prints), one classic script with no import (one script
tag on any site), and what people type only ever set as text."""

import re

from bench import console_size


def test_the_widget_fits_its_compressed_budget() -> None:
    raw, packed = console_size.widget()
    assert 0 < packed <= console_size.WIDGET_BUDGET_BYTES and packed < raw


def test_the_widget_is_one_script_that_never_writes_markup() -> None:
    source = (console_size.FRONTEND / console_size.WIDGET).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|export)\b|\bimport\(", source, re.M)  # no module loading on a customer's page
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source and "document.write" not in source
    assert "/public/chat/messages" in source and "/public/chat/transcript" in source
