"""Every settings reader the process keeps is dropped by ``forget_settings``
(tests and the local stack change the environment between stacks: a reader
left out keeps an earlier stack's names, as the assistant's handoff did)."""

import inspect

from helpdesk import settings


def test_forget_settings_drops_every_cached_reader() -> None:
    cached = sorted(name for name, value in vars(settings).items() if callable(value) and hasattr(value, "cache_clear"))
    assert "handoff_settings" in cached and "escalation_settings" in cached
    forgetting = inspect.getsource(settings.forget_settings)
    assert [name for name in cached if f"{name}.cache_clear()" not in forgetting] == []
