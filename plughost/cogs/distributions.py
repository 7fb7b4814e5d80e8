"""Installing, upgrading and uninstalling a cog distribution on a running bot: pip
(:mod:`plughost.cogs.install`), then loading or reloading its cogs, rolled back as one."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from plughost.cogs import install as pip_ops
from plughost.cogs.errors import CogError

if TYPE_CHECKING:
    from plughost.cogs.install import InstallPlan, Progress
    from plughost.cogs.manager import CogManager
    from plughost.cogs.targets import InstallTarget

__all__ = ["cogs_of", "install", "plan_reloads", "uninstall"]

log = logging.getLogger("plughost.cogs")


async def install(
    manager: CogManager,
    target: InstallTarget,
    *,
    upgrade: bool = False,
    progress: Progress | None = None,
) -> list[str]:
    """pip-install ``target`` and load (or atomically reload) its cogs.

    A failed install, or any failure after pip changed the environment (a cog of
    it that fails to load, no cog in it, a cancellation), rolls pip back; cogs
    already serving keep serving their old code. Returns the cogs' names.
    """
    try:
        plan = await pip_ops.install([target], upgrade=upgrade, progress=progress)
    except pip_ops.InstallError as exc:
        raise CogError(str(exc)) from exc
    done: list[str] = []
    try:
        names = sorted({n for dist in plan.requested for n in cogs_of(manager, dist)})
        if not plan.requested:  # a path or wheel pip found already installed
            raise CogError(f"nothing to install: {target} is installed already")
        if not names:
            raise CogError(f"{target} provides no cog (no plughost.cogs entry point)")
        for name in names:
            if progress:
                progress(f"loading cog {name}")
            await (manager.reload(name) if name in manager.loaded else manager.load(name))
            done.append(name)
    except BaseException:
        if plan.changes:
            try:
                await pip_ops.rollback(plan, progress=progress)
            except pip_ops.InstallError:  # the first failure is the one to report
                log.exception("rolling back the install of %s failed", target)
        for name in done:  # back to the code that is on disk again
            with contextlib.suppress(CogError):
                await (
                    manager.reload(name)
                    if name in plan_reloads(plan, manager)
                    else manager.unload(name)
                )
        manager.rescan()
        raise
    await manager._announce("cog.installed", {"names": names})
    return names


async def uninstall(
    manager: CogManager, distribution: str, *, progress: Progress | None = None
) -> list[str]:
    """Unload the cogs of ``distribution``, then pip-uninstall it."""
    names = cogs_of(manager, distribution)
    if any(manager.is_builtin(name) for name in names):
        raise CogError("the built-in cogs cannot be uninstalled")
    for name in names:
        if name in manager.loaded:
            await manager.unload(name)
    try:
        await pip_ops.uninstall(distribution, progress=progress)
    except pip_ops.InstallError as exc:
        raise CogError(str(exc)) from exc
    manager.rescan()
    return names


def cogs_of(manager: CogManager, distribution: str) -> list[str]:
    """The cogs ``distribution`` provides, quarantined ones included (a fresh scan)."""
    wanted = canonicalize_name(distribution)
    catalog = manager.rescan()
    infos = [*catalog.available.values()]
    infos += [i for q in catalog.quarantined.values() for i in q.claimants]
    return sorted({i.name for i in infos if canonicalize_name(i.distribution) == wanted})


def plan_reloads(plan: InstallPlan, manager: CogManager) -> set[str]:
    """Cogs whose distribution the plan replaced (rather than added): reload, not unload."""
    replaced = set(plan.previous)
    return {
        name
        for name, info in manager.infos.items()
        if canonicalize_name(info.distribution) in replaced
    }
