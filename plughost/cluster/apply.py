"""Applying another process's change to this process's bots, without announcing it again.

Every bot (shard) of the process applies the event, except the one that made
the change. The same public methods a command calls do the work, inside
:func:`~plughost.cogs.changes.applying_remote`, so that nothing is announced
twice and state the originating process already stored is not written again
(a late write of a stale copy could undo a newer change).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Sequence

from plughost.cluster.events import ClusterEvent
from plughost.cluster.member import ClusterMember
from plughost.cogs.changes import applying_remote
from plughost.cogs.manager import CogError
from plughost.config import StoreNotOpenError, current_store

__all__ = ["EVENT_KINDS", "apply_event", "resync"]

log = logging.getLogger("plughost.cluster")

#: Every kind of cluster event, as published by plughost.
EVENT_KINDS = frozenset(
    {
        "cog.loaded",
        "cog.unloaded",
        "cog.reloaded",
        "cog.installed",
        "cog.enabled",
        "cog.disabled",
        "permissions.changed",
    }
)


async def apply_event(
    event: ClusterEvent, bots: Sequence[ClusterMember], *, skip: ClusterMember | None = None
) -> int:
    """Apply ``event`` to each of ``bots`` but ``skip``; returns how many applied it."""
    if event.kind not in EVENT_KINDS:
        log.warning("ignored a cluster event of unknown kind %r", event.kind)
        return 0
    if event.kind == "permissions.changed":
        # The event may overtake the config NOTIFY that invalidates the changed
        # documents (another connection): drop the cached copies first.
        _flush_config_cache()
    applied = 0
    for bot in bots:
        if bot is skip:
            continue
        with applying_remote():
            try:
                await _apply(event, bot)
            except (CogError, ValueError) as exc:
                log.warning("shard %s: cluster event %s: %s", bot.shard_id, event.describe(), exc)
                continue
        applied += 1
    return applied


async def _apply(event: ClusterEvent, bot: ClusterMember) -> None:
    manager = bot.cogs
    data = event.data
    kind = event.kind
    if kind == "permissions.changed":
        if bot.permission_store is not None:
            await bot.permission_store.load()
        return
    if kind == "cog.installed":
        importlib.invalidate_caches()
        manager.rescan()
        return
    name = str(data["name"])
    if kind == "cog.loaded":
        if name not in manager.loaded:
            importlib.invalidate_caches()
            await manager.load(name)
    elif kind == "cog.unloaded":
        if name in manager.loaded:
            await manager.unload(name)
    elif kind == "cog.reloaded":
        importlib.invalidate_caches()
        await (manager.reload(name) if name in manager.loaded else manager.load(name))
        if (generation := data.get("generation")) is not None:
            # So that the next resync does not reload it a second time.
            manager.applied_reload(name, int(generation))
    else:  # cog.enabled / cog.disabled
        await manager.set_enabled(name, int(data["guild_id"]), kind == "cog.enabled")


async def resync(bots: Sequence[ClusterMember]) -> None:
    """Re-read the shared state after events may have been missed (a lost connection).

    Permissions and per-guild enablement are read again, the loaded set is
    brought in line with the stored one, and a cog reloaded elsewhere meanwhile
    (its stored reload generation is newer than this process's) is reloaded.
    """
    _flush_config_cache()
    for bot in bots:
        with applying_remote():
            if bot.permission_store is not None:
                await bot.permission_store.load()
            await bot.cogs.refresh_from_store()


def _flush_config_cache() -> None:
    with contextlib.suppress(StoreNotOpenError):  # no store open: nothing cached either
        current_store().cache.clear()
