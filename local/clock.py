"""The local stack at a chosen instant: ``ATIENDE_NOW=2026-12-07T15:00:00Z``
starts this process's clock there and lets it run on, so SLA clocks, business
hours, holidays and the demo's "minutes ago" are what they would be at that
moment, whatever the machine's own clock says. Everything in the local stack's
process sees it (the functions, the embedded AWS, token checks); only ``local/``
reads ``ATIENDE_NOW``, so a deployed function never does."""

import os
from datetime import UTC, datetime, timedelta

import time_machine

CHOSEN_INSTANT = "ATIENDE_NOW"


def chosen_instant() -> datetime | None:
    """The instant ``ATIENDE_NOW`` names (ISO 8601 with its offset), if any."""
    text = os.environ.get(CHOSEN_INSTANT, "").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise SystemExit(f"{CHOSEN_INSTANT}={text}: give the offset too, e.g. 2026-12-07T15:00:00Z")
    return moment


def start_at_chosen_instant() -> datetime | None:
    """Move this process's clock to ``ATIENDE_NOW`` (it keeps ticking from there)."""
    moment = chosen_instant()
    if moment is not None:
        time_machine.travel(moment, tick=True).start()
    return moment


MOST_FORWARD = timedelta(days=30)


def move_forward(by: timedelta) -> datetime:
    """Move this process's clock ``by`` ahead (never back: stored times only grow)
    and let it run on from there, so an SLA breach or a survey's day is seen
    without waiting for it; the new now."""
    if not timedelta(0) < by <= MOST_FORWARD:
        raise ValueError(f"the clock moves forward by more than nothing and at most {MOST_FORWARD.days} days")
    moment = datetime.now(UTC) + by
    time_machine.travel(moment, tick=True).start()
    return moment
