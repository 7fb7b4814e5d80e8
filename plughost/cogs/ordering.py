"""Requirements in the cog manager's operations: what a cog ``requires`` loads first,
and no switch in a guild leaves an enabled cog without what it needs there.

The graph itself (cycles, dependents in stop order) is :mod:`plughost.cogs.dependencies`;
this module applies it to one :class:`~plughost.cogs.manager.CogManager`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from plughost.cogs.dependencies import cycle_through, dependents_of, requirements_of
from plughost.cogs.errors import CogError, DependentsError

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog
    from plughost.cogs.discovery import CogCatalog
    from plughost.cogs.manager import CogManager

__all__ = [
    "check_switch",
    "dependents",
    "enabled_dependents",
    "load_requirements",
    "require_loaded",
]

_CYCLE: Final = "requirement cycle: "


def dependents(manager: CogManager, name: str) -> list[str]:
    """The loaded cogs that need ``name``, directly or not, in the order they stop."""
    loaded = {n: requirements_of(type(c)) for n, c in manager.loaded.items()}
    return dependents_of(name, loaded)


def enabled_dependents(manager: CogManager, name: str, guild_id: int) -> list[str]:
    """The loaded cogs enabled in ``guild_id`` that need ``name``, in the order to stop."""
    return [d for d in dependents(manager, name) if manager.enablement.is_enabled(d, guild_id)]


async def load_requirements(
    manager: CogManager,
    name: str,
    cls: type[Cog],
    *,
    catalog: CogCatalog,
    sync: bool,
    loading: tuple[str, ...],
) -> None:
    """Load what ``cls`` requires first; refuse it (stage "requires") if one cannot be.

    ``loading`` is the chain of cogs waiting for this one, to name a cycle.
    """
    for need in requirements_of(cls):
        if need in manager.loaded:
            continue
        if (cycle := cycle_through(need, loading)) is not None:
            raise manager._fail(name, "requires", f"{_CYCLE}{cycle}")
        if need not in catalog.available and need not in catalog.quarantined:
            missing = f"needs the cog {need!r}, which is not installed"
            raise manager._fail(name, "requires", missing)
        try:
            await manager._load(need, catalog=catalog, sync=sync, persist=False, loading=loading)
        except CogError as exc:
            failure = manager.failures.get(need)
            why = failure.message if failure is not None else str(exc)
            message = f"needs the cog {need!r}, which failed to load: {why}"
            if why.startswith(_CYCLE):  # every cog of the cycle is refused for it
                message = why
            raise manager._fail(name, "requires", message) from exc


def require_loaded(manager: CogManager, name: str, cls: type[Cog]) -> None:
    """Refuse (stage "requires") a reload whose new code needs cogs that are not loaded."""
    missing = [need for need in requirements_of(cls) if need not in manager.loaded]
    if missing:
        listed = ", ".join(repr(m) for m in missing)
        raise manager._fail(name, "requires", f"needs the cogs {listed}, which are not loaded")


def check_switch(manager: CogManager, name: str, guild_id: int, enabled: bool) -> None:
    """Refuse disabling a cog that cogs enabled in ``guild_id`` need
    (:class:`DependentsError`), and enabling one whose requirement is disabled there."""
    if not enabled:
        if needing := enabled_dependents(manager, name, guild_id):
            raise DependentsError(name, needing, "disabling")
        return
    if (cog := manager.loaded.get(name)) is not None:
        off = [
            need
            for need in requirements_of(type(cog))
            if not manager.enablement.is_enabled(need, guild_id)
        ]
        if off:
            listed = ", ".join(off)
            raise CogError(f"{name} needs {listed}, disabled in this server: enable {listed} first")
