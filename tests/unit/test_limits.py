"""The API's limits: defined once (``helpdesk.limits``), the numbers the template
sets, and the local stack's token buckets."""

from typing import Any

import pytest

from helpdesk import limits
from local.provision import load_template


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limits_are_the_agreed_numbers() -> None:
    assert limits.RateLimit(rate_per_second=50, burst=100) == limits.AGENT_API
    assert limits.RateLimit(rate_per_second=100, burst=200) == limits.WHATSAPP_WEBHOOK
    assert limits.RateLimit(rate_per_second=100, burst=200) == limits.META_MESSAGING_WEBHOOK


def test_the_local_stack_throttles_messenger_and_instagram_deliveries(monkeypatch: pytest.MonkeyPatch) -> None:
    from local.web import Throttle

    monkeypatch.setenv("ATIENDE_WEBHOOK_THROTTLE", "0.5/2")
    throttle = Throttle()
    taken = [throttle.wait_for("POST", path) for path in limits.META_MESSAGING_WEBHOOK_PATHS]
    assert taken == [0, 0]  # one bucket for both products, as the burst allows
    assert throttle.wait_for("POST", "/webhooks/instagram") == 2
    assert throttle.wait_for("GET", "/webhooks/messenger") == 0  # Meta's verification is not a delivery
    assert throttle.wait_for("POST", "/webhooks/whatsapp") == 0  # WhatsApp keeps its own bucket


def test_a_bucket_lets_a_burst_through_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    bucket = limits.TokenBucket(limits.RateLimit(rate_per_second=0.5, burst=3), clock)

    assert [bucket.take() for _ in range(3)] == [0, 0, 0]
    assert bucket.take() == 2  # one token back in 2 s at 0.5 per second


def test_tokens_come_back_at_the_rate_up_to_the_burst() -> None:
    clock = FakeClock()
    bucket = limits.TokenBucket(limits.RateLimit(rate_per_second=10, burst=2), clock)
    assert [bucket.take() for _ in range(3)] == [0, 0, 1]

    clock.now += 0.1  # one token
    assert bucket.take() == 0
    assert bucket.take() == 1

    clock.now += 60  # refilled, but never past the burst
    assert [bucket.take() for _ in range(3)] == [0, 0, 1]


def _throttling_settings(template: Any) -> list[dict[str, Any]]:
    """Every mapping in the template that sets a throttling rate (stage or method settings)."""
    found: list[dict[str, Any]] = []
    if isinstance(template, dict):
        if "ThrottlingRateLimit" in template:
            found.append(template)
        for value in template.values():
            found += _throttling_settings(value)
    elif isinstance(template, list):
        for value in template:
            found += _throttling_settings(value)
    return found


def test_the_template_throttles_with_the_same_numbers() -> None:
    settings = _throttling_settings(load_template())
    if not settings:
        pytest.skip("the template sets no API throttling yet (issue 21's template work adds it)")
    for setting in settings:
        path = str(setting.get("ResourcePath", ""))
        expected = (
            limits.WHATSAPP_WEBHOOK
            if "webhooks" in path
            else limits.CUSTOMER_PAGES
            if path[1:].replace("~1", "/").startswith(limits.CUSTOMER_PAGES_PREFIX)
            else limits.HELP_CENTER
            if any(part in path for part in ("~1ayuda", "~1help", "~1public"))
            else limits.AGENT_API
        )
        assert setting["ThrottlingRateLimit"] == expected.rate_per_second, setting
        assert setting["ThrottlingBurstLimit"] == expected.burst, setting
