"""The cog manager's state in the instance's core Config: the loaded set, per-guild
choices, each cog's reload generation and the guilds commands were synced to.

Global scope, so shard processes on PostgreSQL share it. A bot without an open
store (a unit test's bare ``Bot``) keeps its state in memory only: reads return
the default and writes are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from plughost.config import StoreNotOpenError
from plughost.config.namespaces import cogs_config

__all__ = ["add_synced_guilds", "count_reload", "read_state", "stored_generations", "write_state"]

log = logging.getLogger("plughost.cogs")


def _config() -> Any:
    # Any: the keys are read and written by name, as `get_attr` and `set_raw` allow.
    return cogs_config()


async def _guarded(action: Callable[[], Awaitable[Any]], default: Any) -> Any:
    try:
        return await action()
    except StoreNotOpenError as exc:
        log.debug("cog state not persisted: %s", exc)
        return default


async def read_state(key: str, default: Any) -> Any:
    """The stored value of ``key`` ("loaded", "enabled", ...), or ``default``."""
    return await _guarded(_config().get_attr(key), default)


async def write_state(path: tuple[str, ...], value: Any) -> None:
    await _guarded(lambda: _config().set_raw(*path, value=value), None)


async def stored_generations() -> dict[str, int]:
    """The reload generation of each cog, as the store has it."""
    stored = await read_state("reloads", {}) or {}
    return {str(name): int(n) for name, n in stored.items()}


async def count_reload(name: str) -> int:
    """Store one more reload of ``name`` (before it is announced); its new generation."""
    generation = (await stored_generations()).get(name, 0) + 1
    await write_state(("reloads", name), generation)
    return generation


async def add_synced_guilds(scopes: Iterable[int]) -> None:
    """Add ``scopes`` to the guilds application commands were synced to."""
    known = set(await read_state("synced_guilds", []) or [])
    await write_state(("synced_guilds",), sorted(known | {str(s) for s in scopes}))
