"""Running one instance as many shard processes on one PostgreSQL database.

See docs/cluster.md. The pieces: ``events`` (LISTEN/NOTIFY event bus),
``apply`` (applying another process's change), ``leader`` (advisory-lock leader
election), ``heartbeat`` (the process table behind ``plughost status``),
``coordinator`` (one process's part), ``supervisor`` (``plughost cluster``),
``cooldowns`` (cooldowns shared by every shard), ``shards`` (splitting shards
between processes), ``member`` (what it needs of each bot).
Names are imported on first use, so that the CLI stays fast to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plughost.cluster.cooldowns import SharedCooldown

__all__ = ["SharedCooldown"]


def __getattr__(name: str) -> Any:
    if name == "SharedCooldown":
        from plughost.cluster.cooldowns import SharedCooldown  # noqa: PLC0415

        return SharedCooldown
    raise AttributeError(f"module 'plughost.cluster' has no attribute {name!r}")
