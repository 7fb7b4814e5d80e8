"""Reload by name, atomically: fresh code, the new instance built and ``cog_load``-ed
beside the old one, its state handed over (:mod:`plughost.cogs.handover`), then one
synchronous swap; and catching up with reloads other processes made meanwhile.

On any failure before the swap the old modules are put back in ``sys.modules``
and the old instance is untouched (or, if it was quieted for a migration, serves
again).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from typing import TYPE_CHECKING

from plughost.cogs.attach import attach_cog, detach_cog
from plughost.cogs.changes import is_remote
from plughost.cogs.data_migration import migration_pending
from plughost.cogs.errors import CogError
from plughost.cogs.handover import HandoverError, discard, hand_over
from plughost.cogs.importer import cog_packages, purge_modules
from plughost.cogs.ordering import require_loaded
from plughost.cogs.persistence import count_reload, read_state, stored_generations
from plughost.cogs.services import offered_by
from plughost.cogs.tasks import stop_tasks
from plughost.hooks.caller import register_plugin

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog
    from plughost.cogs.manager import CogManager

__all__ = ["catch_up", "reload"]

log = logging.getLogger("plughost.cogs")


async def reload(manager: CogManager, name: str) -> Cog:
    """Replace the loaded cog ``name`` with a fresh import of its code, atomically."""
    async with manager._lock:
        old = manager.loaded.get(name)
        if old is None:
            raise CogError(f"the cog {name!r} is not loaded")
        info = manager._available(name, manager.rescan())
        removed = purge_modules(*cog_packages(info))
        quiet = False
        try:
            cls = manager._import(name, info)
            require_loaded(manager, name, cls)
            # A migration's commit replaces the cog's documents: writes the old
            # instance made meanwhile would be lost, so it stops serving first.
            if quiet := await migration_pending(cls, name):
                detach_cog(old)
            new = await manager._prepare(name, info, cls)
            await _hand_over(manager, name, new)
        except CogError:
            purge_modules(*cog_packages(info))  # whatever the failed attempt left
            sys.modules.update(removed)
            if quiet:
                attach_cog(old)  # its cog_unload has not run: it serves on
            raise
        await manager._call_unload(old)
        # One synchronous step: no moment in which neither instance serves.
        manager.sync.forget(old._plughost_commands)
        detach_cog(old)
        manager.plugins.unregister(name=name)
        attach_cog(new)
        register_plugin(manager.plugins, new, name)
        manager.loaded[name], manager.infos[name] = new, info
        manager.services.put(name, offered_by(new))  # checked by _prepare
        manager.failures.pop(name, None)
        manager.sync.place(new)
        await manager._sync()
        if not is_remote():  # a remote reload's generation comes with its event
            manager.generations[name] = await count_reload(name)
    await manager._call_loaded(name)
    await manager._announce(
        "cog.reloaded", {"name": name, "generation": manager.generations.get(name, 0)}
    )
    return new


async def _hand_over(manager: CogManager, name: str, new: Cog) -> None:
    """The old instance's state to ``new`` (see :mod:`plughost.cogs.handover`)."""
    try:
        await hand_over(manager.hooks, name, new, manager.load_timeout)
    except HandoverError as exc:
        await discard(new, name, manager.load_timeout)
        await stop_tasks(new)
        raise manager._fail(name, "handover", str(exc)) from exc


async def catch_up(manager: CogManager) -> None:
    """Catch up with what other processes stored (cluster resync).

    The loaded set and enablement are read again, and a loaded cog whose
    stored reload generation is newer than the code running here (a reload
    whose event was missed) is reloaded.
    """
    await manager._restore_enablement()
    stored = set(await read_state("loaded", None) or ())
    for name in sorted(stored - set(manager.loaded)):
        with contextlib.suppress(CogError):
            await manager.load(name)
    for name in sorted(n for n in manager.loaded if n not in stored and not manager.is_builtin(n)):
        with contextlib.suppress(CogError):  # (a dependent may have gone with another)
            await manager.unload(name, force=True)
    reloads = await stored_generations()
    behind = [n for n in manager.loaded if reloads.get(n, 0) > manager.generations.get(n, 0)]
    for name in sorted(behind):
        log.info("cog %r was reloaded elsewhere meanwhile; reloading it here", name)
        importlib.invalidate_caches()
        try:
            await manager.reload(name)
        except CogError as exc:  # the old code keeps serving; the next resync retries
            log.warning("catching up the reload of cog %r failed: %s", name, exc)
            continue
        manager.applied_reload(name, reloads[name])
    async with manager._lock:
        for cog in manager.loaded.values():
            manager.sync.place(cog)
        await manager._sync()
