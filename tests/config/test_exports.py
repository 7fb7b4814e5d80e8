"""The public names of plughost.config are pinned: nothing leaks in by accident."""

from __future__ import annotations

import plughost.config


def test_public_names() -> None:
    assert plughost.config.__all__ == [
        "DEFAULT_POOL_MAX",
        "Config",
        "ConfigLockLostError",
        "ConfigLockTimeoutError",
        "ConfigStore",
        "Group",
        "StoreClosedError",
        "StoreLockedError",
        "StoreNotOpenError",
        "StoreUnavailableError",
        "Value",
        "connect",
        "current_store",
    ]
    for name in plughost.config.__all__:
        assert getattr(plughost.config, name) is not None
