"""When the cog manager migrates a cog's data (the steps are :mod:`plughost.cogs.migrations`):
before the new instance's ``cog_load``, with the old instance quiet during a reload,
or on demand for a cog that is not loaded (``plughost cogs migrate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plughost.cogs.cog import instantiate
from plughost.cogs.errors import CogError
from plughost.cogs.migrations import MigrationError, MigrationPlan, migrate, pending
from plughost.config import StoreNotOpenError

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog
    from plughost.cogs.manager import CogManager

__all__ = ["migrate_before_load", "migrate_installed", "migration_pending", "migration_plan"]


async def migration_pending(cls: type[Cog], name: str) -> bool:
    """Whether loading ``cls`` as ``name`` would run migration steps."""
    if cls.config_version is None:
        return False
    try:
        return bool((await pending(name, cls)).steps)
    except (MigrationError, StoreNotOpenError):  # _prepare reports it
        return False


async def migrate_before_load(manager: CogManager, name: str, cls: type[Cog]) -> None:
    """Run the pending steps of the cog being loaded; refuse it (stage "migration")."""
    if cls.config_version is None:
        return
    try:
        await migrate(name, cls, backup=manager.backup)
    except MigrationError as exc:
        raise manager._fail(name, "migration", str(exc)) from exc
    except StoreNotOpenError:  # a bare bot keeps nothing: nothing to migrate
        return


async def migration_plan(manager: CogManager, name: str) -> MigrationPlan:
    """The pending migration steps of the installed cog ``name`` (``--dry-run``)."""
    cls = manager._import(name, manager._available(name, manager.rescan()))
    if cls.config_version is None:
        raise CogError(f"the cog {name!r} does not version its data (no config_version)")
    instantiate(cls, manager.bot, name)  # its __init__ makes and registers its Config
    try:
        return await pending(name, cls)
    except MigrationError as exc:
        raise CogError(f"cog {name!r}: {exc}") from exc


async def migrate_installed(manager: CogManager, name: str) -> MigrationPlan:
    """Run the pending migration steps of the installed cog ``name`` (not loaded)."""
    if name in manager.loaded:
        raise CogError(f"the cog {name!r} is loaded: its data was migrated when it loaded")
    cls = manager._import(name, manager._available(name, manager.rescan()))
    if cls.config_version is None:
        raise CogError(f"the cog {name!r} does not version its data (no config_version)")
    instantiate(cls, manager.bot, name)
    try:
        return await migrate(name, cls, backup=manager.backup)
    except MigrationError as exc:
        raise manager._fail(name, "migration", str(exc)) from exc
