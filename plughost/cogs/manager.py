"""The CogManager: load, unload and reload cogs by name on one bot, all or nothing.

Load: scan → import → instantiate → validate hooks (in a staging plugin manager)
→ ``cog_load`` under a timeout → attach → place and sync application commands.
A failure at any step leaves nothing behind (modules of a failed first import are
purged, tasks the cog started are stopped, nothing was attached) and the error is
kept for ``cog list``.

Reload is atomic: the cog's packages are purged and imported fresh, the new
instance is built and its ``cog_load`` awaited while the old one keeps serving;
only then, in one synchronous step, the old instance is detached and the new one
attached. On any failure before that step the old modules are put back in
``sys.modules`` and the old instance is untouched.

The loaded set and per-guild choices are kept in the instance's core Config
(global scope), which shard processes on PostgreSQL share. So is each cog's
reload generation: a reload counts one more, and a process that missed the
reload's cluster event sees in :meth:`CogManager.refresh_from_store` that its
code is older than the store says, and reloads it.

This module is the manager and its load path; each other role has its module,
which the manager's methods of the same name call: requirements
(:mod:`~plughost.cogs.ordering`), reload and catching up
(:mod:`~plughost.cogs.reloading`), data migrations
(:mod:`~plughost.cogs.data_migration`), pip installs
(:mod:`~plughost.cogs.distributions`), the stored state
(:mod:`~plughost.cogs.persistence`) and the errors (:mod:`~plughost.cogs.errors`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

from plughost.cogs import distributions, ordering, reloading
from plughost.cogs.attach import attach_cog, detach_cog
from plughost.cogs.changes import Announcer, is_remote
from plughost.cogs.cog import Cog, instantiate
from plughost.cogs.data_migration import migrate_before_load, migrate_installed, migration_plan
from plughost.cogs.discovery import CogCatalog, scan
from plughost.cogs.enablement import Enablement
from plughost.cogs.errors import CogError, DependentsError, LoadFailure
from plughost.cogs.health import CogHealth
from plughost.cogs.importer import (
    CogImportError,
    cog_packages,
    import_cog,
    module_owners,
    purge_modules,
)
from plughost.cogs.metadata import CogInfo
from plughost.cogs.migrations import Backup, MigrationPlan
from plughost.cogs.persistence import (
    add_synced_guilds,
    read_state,
    stored_generations,
    write_state,
)
from plughost.cogs.services import Services, offered_by
from plughost.cogs.sync import CommandSync
from plughost.cogs.tasks import stop_tasks
from plughost.hooks.caller import AsyncHookCaller, new_plugin_manager, register_plugin

if TYPE_CHECKING:
    import interactions

    from plughost.cogs.install import Progress
    from plughost.cogs.targets import InstallTarget


__all__ = ["BUILTIN_DISTRIBUTION", "CogError", "CogManager", "DependentsError", "LoadFailure"]

log = logging.getLogger("plughost.cogs")

_T = TypeVar("_T")

#: Cogs of this distribution are built-ins: always loaded, never unloaded.
BUILTIN_DISTRIBUTION: Final = "plughost"


@final
class CogManager:
    """The cogs of one bot (``bot.cogs``)."""

    def __init__(
        self,
        bot: interactions.Client,
        *,
        load_timeout: float | None = None,
        load_all: bool = False,
        shard_id: int = 0,
    ) -> None:
        self.bot = bot
        # The environment variable lets operators (and tests) shorten the wait for a
        # cog_load that hangs; 30 s matches the hook caller's default.
        self.load_timeout = load_timeout or float(os.environ.get("PLUGHOST_COG_LOAD_TIMEOUT", "30"))
        #: Load every installed cog at startup (the offline console), not the stored set.
        self.load_all = load_all
        self.plugins = new_plugin_manager()
        self.hooks = AsyncHookCaller(self.plugins)
        self.enablement = Enablement()
        self.sync = CommandSync(bot, self.enablement, shard_id=shard_id)
        #: Told of each change this manager makes (None: nobody needs to know; the
        #: cluster layer sets it, see `plughost.cogs.changes`).
        self.announcer: Announcer | None = None
        self.loaded: dict[str, Cog] = {}
        #: Takes the instance backup before a cog's data is migrated (the runner
        #: sets it; None: no backup, as in the test kit or with ``--no-backup``).
        self.backup: Backup | None = None
        #: The services the loaded cogs offer (see :meth:`service`).
        self.services = Services()
        self.infos: dict[str, CogInfo] = {}
        self.failures: dict[str, LoadFailure] = {}
        self.catalog: CogCatalog | None = None
        #: The reload generation of each loaded cog's code here (see ``refresh_from_store``).
        self.generations: dict[str, int] = {}
        #: Errors and event-loop stalls per cog name, since this bot started.
        self.health: dict[str, CogHealth] = {}
        self._lock = asyncio.Lock()

    async def _announce(self, kind: str, data: dict[str, Any]) -> None:
        if self.announcer is not None and not is_remote():
            await self.announcer(kind, data)

    # -- queries ----------------------------------------------------------------------

    def rescan(self) -> CogCatalog:
        self.catalog = scan()
        return self.catalog

    def health_of(self, name: str) -> CogHealth:
        """The error and stall record of cog ``name`` (kept across reloads)."""
        if (found := self.health.get(name)) is None:
            found = self.health[name] = CogHealth(name)
        return found

    def code_owners(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Module or package -> cogs, for every cog of the last scan and every loaded
        one (the loop watchdog asks, from its thread: no rescan here)."""
        available = self.catalog.available.values() if self.catalog else ()
        return module_owners([*available, *self.infos.values()])

    def is_builtin(self, name: str) -> bool:
        info = self.infos.get(name) or (self.catalog.available.get(name) if self.catalog else None)
        return info is not None and info.distribution.lower() == BUILTIN_DISTRIBUTION

    # -- startup ----------------------------------------------------------------------

    async def startup(self) -> None:
        """Load built-ins and the stored set (or every installed cog), then announce each.

        Called before the bot connects, so built-in commands answer from the first
        message on; application commands are synced later, by :meth:`first_sync`.
        """
        stored = await read_state("loaded", None)
        await self._restore_enablement()
        reloads = await stored_generations()
        catalog = self.rescan()
        wanted = [n for n, i in catalog.available.items() if i.distribution == BUILTIN_DISTRIBUTION]
        if self.load_all:
            wanted += list(catalog.available)
        elif stored:
            wanted += list(stored)
        for name in dict.fromkeys(wanted):
            if name in self.loaded:
                continue
            try:
                await self._load(name, catalog=catalog, sync=False, persist=False)
            except CogError as exc:
                log.error("cog %r was not loaded at startup: %s", name, exc)
        # Announced once all are in, so that every observer hears of every cog
        # loaded at startup, whatever the load order.
        for name in list(self.loaded):
            self.generations[name] = reloads.get(name, 0)
            await self._call_loaded(name)

    async def first_sync(self) -> None:
        """Place every loaded cog's commands in the guilds now known, and sync once."""
        async with self._lock:
            for cog in self.loaded.values():
                self.sync.place(cog)
            known = await read_state("synced_guilds", [])
            await self.sync.start(int(g) for g in known)
            await self._persist_synced()

    async def guild_joined(self, guild_id: int) -> None:
        """Give a guild joined after startup the commands of the cogs enabled there."""
        async with self._lock:
            for cog in self.loaded.values():
                self.sync.place(cog)
            await self._sync()
        log.debug("placed commands for new guild %s", guild_id)

    # -- load / unload / reload ---------------------------------------------------------

    async def load(self, name: str) -> Cog:
        """Load the installed cog ``name``; raise :class:`CogError` saying why not."""
        async with self._lock:
            if name in self.loaded:
                raise CogError(f"the cog {name!r} is already loaded")
            before = set(self.loaded)
            cog = await self._load(name, catalog=self.rescan())
            stored = await stored_generations()
            for new in set(self.loaded) - before:  # the cog and the requirements it loaded
                self.generations[new] = stored.get(new, 0)
        await self._announce("cog.loaded", {"name": name})
        return cog

    def dependents(self, name: str) -> list[str]:
        """The loaded cogs that need ``name``, directly or not, in the order they stop."""
        return ordering.dependents(self, name)

    async def unload(self, name: str, *, force: bool = False) -> list[str]:
        """Unload ``name``; refused with :class:`DependentsError` while loaded cogs need
        it, unless ``force``: then they are unloaded first. Returns what was unloaded,
        in order (dependents first, ``name`` last)."""
        async with self._lock:
            cog = self.loaded.get(name)
            if cog is None:
                raise CogError(f"the cog {name!r} is not loaded")
            if self.is_builtin(name):
                raise CogError(f"the cog {name!r} is built in and cannot be unloaded")
            dependents = self.dependents(name)
            # A remote unload was decided (and confirmed) where it was announced.
            if dependents and not (force or is_remote()):
                raise DependentsError(name, dependents, "unloading")
            order = [*dependents, name]
            withdrawn = {each: self.services.names(each) for each in order}
            for each in order:
                await self._unload(self.loaded[each])
                self.generations.pop(each, None)
            await self._persist_loaded()
            await self._sync()
        for each in order:
            await self.hooks.call("cog_unloaded", name=each)
            for service in withdrawn[each]:
                await self.hooks.call("service_withdrawn", service=service, provider=each)
            await self._announce("cog.unloaded", {"name": each})
        return order

    async def reload(self, name: str) -> Cog:
        """Replace the loaded cog ``name`` with a fresh import of its code, atomically
        (see :mod:`plughost.cogs.reloading`)."""
        return await reloading.reload(self, name)

    def applied_reload(self, name: str, generation: int) -> None:
        """Record that this process's code of ``name`` is that of reload ``generation``."""
        if name in self.loaded:
            self.generations[name] = max(generation, self.generations.get(name, 0))

    async def _load(
        self,
        name: str,
        *,
        catalog: CogCatalog,
        sync: bool = True,
        persist: bool = True,
        loading: tuple[str, ...] = (),
    ) -> Cog:
        info = self._available(name, catalog)
        try:
            cls = self._import(name, info)
            await ordering.load_requirements(
                self, name, cls, catalog=catalog, sync=sync, loading=(*loading, name)
            )
            cog = await self._prepare(name, info, cls)
        except CogError:
            # Imported but refused later: forget the modules, so that fixing the
            # code and loading again reads the fix (unless a sibling cog uses them).
            if not any(i.distribution == info.distribution for i in self.infos.values()):
                purge_modules(*cog_packages(info))
            raise
        try:
            attach_cog(cog)
        except Exception as exc:
            await stop_tasks(cog)
            raise self._fail(name, "attach", f"{type(exc).__name__}: {exc}") from exc
        register_plugin(self.plugins, cog, name)
        self.loaded[name], self.infos[name] = cog, info
        self.services.put(name, offered_by(cog))
        self.failures.pop(name, None)
        if persist:
            await self._persist_loaded()
        if sync:
            self.sync.place(cog)
            await self._sync()
            await self._call_loaded(name)
        log.info("loaded cog %r (%s %s)", name, info.distribution, info.version)
        return cog

    def _available(self, name: str, catalog: CogCatalog) -> CogInfo:
        if (quarantine := catalog.quarantined.get(name)) is not None:
            raise self._fail(name, "scan", quarantine.reason)
        info = catalog.available.get(name)
        if info is None:
            installed = ", ".join(sorted(catalog.available)) or "none"
            raise CogError(f"no installed cog is named {name!r} (installed: {installed})")
        return info

    def _import(self, name: str, info: CogInfo) -> type[Cog]:
        try:
            return import_cog(info)
        except CogImportError as exc:
            raise self._fail(name, "import", exc.quarantine.reason) from exc

    async def _prepare(self, name: str, info: CogInfo, cls: type[Cog]) -> Cog:
        """Build and ``cog_load`` the imported cog, touching nothing the bot serves."""
        try:
            cog = instantiate(cls, self.bot, name)
        except Exception as exc:
            raise self._fail(name, "init", f"__init__ raised {type(exc).__name__}: {exc}") from exc
        await migrate_before_load(self, name, cls)
        cog._plughost_health = self.health_of(name)
        # A staging manager: validation and cog_load happen without the candidate
        # being visible to any hook call of the live cogs.
        staging = new_plugin_manager()
        try:
            register_plugin(staging, cog, name)
        except Exception as exc:
            raise self._fail(name, "hooks", str(exc)) from exc
        self.enablement.declare(
            name,
            default=bool(getattr(cls, "enabled_by_default", True)),
            toggleable=bool(getattr(cls, "guild_toggleable", True)),
        )
        outcome = await AsyncHookCaller(staging, logger=log).call_plugin(
            name, "cog_load", impl_timeout=self.load_timeout
        )
        if outcome is not None and outcome.error is not None:
            await stop_tasks(cog)
            if outcome.timed_out:
                message = f"cog_load did not finish within {self.load_timeout:g} s"
            else:
                message = f"cog_load raised {type(outcome.error).__name__}: {outcome.error}"
            raise self._fail(name, "cog_load", message) from outcome.error
        try:
            offered = offered_by(cog)
            problems = self.services.conflicts(name, offered)
        except ValueError as exc:
            problems = [str(exc)]
        if problems:
            # Loaded, then refused: it may hold what cog_load opened.
            await AsyncHookCaller(staging, logger=log).call_plugin(
                name, "cog_unload", impl_timeout=self.load_timeout
            )
            await stop_tasks(cog)
            raise self._fail(name, "services", "; ".join(problems))
        return cog

    async def _call_loaded(self, name: str) -> None:
        await self.hooks.call("cog_loaded", name=name)
        for service in self.services.names(name):
            await self.hooks.call("service_provided", service=service, provider=name)

    def service(self, name: str, kind: type[_T]) -> _T:
        """The service ``name`` of the cog providing it now, checked to be a ``kind``.

        ``kind`` is a class or a ``@runtime_checkable`` Protocol of the caller's;
        raises :class:`~plughost.cogs.services.ServiceUnavailable` when no loaded
        cog provides it, or it is not a ``kind``. Look it up when needed (or keep
        it until the ``service_withdrawn`` / ``service_provided`` hooks say): a
        reload of the provider replaces the object.
        """
        return self.services.get(name, kind)

    async def migration_plan(self, name: str) -> MigrationPlan:
        """The pending migration steps of the installed cog ``name`` (``--dry-run``)."""
        return await migration_plan(self, name)

    async def migrate(self, name: str) -> MigrationPlan:
        """Run the pending migration steps of the installed cog ``name`` (not loaded)."""
        return await migrate_installed(self, name)

    async def _unload(self, cog: Cog) -> None:
        await self._call_unload(cog)
        self.services.withdraw(cog.name)
        self.sync.forget(cog._plughost_commands)
        detach_cog(cog)
        self.plugins.unregister(name=cog.name)
        del self.loaded[cog.name]
        self.infos.pop(cog.name, None)
        cog._plughost_health.flush()
        log.info("unloaded cog %r", cog.name)

    async def _call_unload(self, cog: Cog) -> None:
        await self.hooks.call_plugin(cog.name, "cog_unload", impl_timeout=self.load_timeout)
        await stop_tasks(cog)

    async def stop(self) -> None:
        """Unload every cog (shutdown): each ``cog_unload`` runs, whatever the others do."""
        async with self._lock:
            for cog in reversed(list(self.loaded.values())):
                await self._call_unload(cog)
                cog._plughost_health.flush()  # the repeat counts still owed to the log

    def _fail(self, name: str, stage: str, message: str) -> CogError:
        self.failures[name] = LoadFailure(name, stage, message)
        log.error("cog %r failed to load (%s): %s", name, stage, message)
        return CogError(f"cog {name!r} failed to load ({stage}): {message}")

    # -- enablement ---------------------------------------------------------------------

    async def set_enabled(self, name: str, guild_id: int, enabled: bool) -> bool:
        """Switch cog ``name`` in guild ``guild_id``; True if that changed anything.

        Refused (:class:`DependentsError`) when disabling a cog that cogs enabled
        there need (:meth:`disable` with ``force`` disables them first), and when
        enabling a cog whose requirement is disabled there.
        """
        async with self._lock:
            if name not in self.loaded and self.catalog and name not in self.catalog.available:
                raise CogError(f"no installed cog is named {name!r}")
            if not is_remote():  # a remote change was checked where it was made
                ordering.check_switch(self, name, guild_id, enabled)
            changed = self.enablement.set(name, guild_id, enabled)
            if not is_remote():  # the announcing process stored it
                await write_state(("enabled", name), self.enablement.snapshot(name))
            if (cog := self.loaded.get(name)) is not None and changed:
                self.sync.place(cog)
                await self._sync()
        hook = "cog_enabled" if enabled else "cog_disabled"
        if changed:
            await self.hooks.call(hook, name=name, guild_id=guild_id)
            await self._announce(hook.replace("_", "."), {"name": name, "guild_id": guild_id})
        return changed

    def enabled_dependents(self, name: str, guild_id: int) -> list[str]:
        """The loaded cogs enabled in ``guild_id`` that need ``name``, in the order to stop."""
        return ordering.enabled_dependents(self, name, guild_id)

    async def disable(self, name: str, guild_id: int, *, force: bool = False) -> list[str]:
        """Disable ``name`` in ``guild_id``, and with ``force`` first the cogs needing it
        there; returns the cogs this switched off, in order (``name`` last, if it was on)."""
        order = [*self.enabled_dependents(name, guild_id), name] if force else [name]
        return [each for each in order if await self.set_enabled(each, guild_id, False)]

    # -- install / upgrade / uninstall ---------------------------------------------------

    async def install(
        self,
        target: InstallTarget,
        *,
        upgrade: bool = False,
        progress: Progress | None = None,
    ) -> list[str]:
        """pip-install ``target`` and load (or atomically reload) its cogs; all or
        nothing (see :func:`plughost.cogs.distributions.install`). Returns their names."""
        return await distributions.install(self, target, upgrade=upgrade, progress=progress)

    async def uninstall(self, distribution: str, *, progress: Progress | None = None) -> list[str]:
        """Unload the cogs of ``distribution``, then pip-uninstall it."""
        return await distributions.uninstall(self, distribution, progress=progress)

    def cogs_of(self, distribution: str) -> list[str]:
        return distributions.cogs_of(self, distribution)

    # -- persistence --------------------------------------------------------------------

    async def _sync(self) -> None:
        if await self.sync.sync():
            await self._persist_synced()

    async def _restore_enablement(self) -> None:
        stored = await read_state("enabled", {})
        self.enablement.restore(stored or {})

    async def refresh_from_store(self) -> None:
        """Catch up with what other processes stored (cluster resync): the loaded set,
        enablement, and reloads whose event was missed (see
        :func:`plughost.cogs.reloading.catch_up`)."""
        await reloading.catch_up(self)

    async def claim_global_commands(self) -> int:
        """This bot now pushes global commands (cluster leader): sync that scope by difference."""
        async with self._lock:
            return await self.sync.claim_global()

    async def _persist_loaded(self) -> None:
        if is_remote():  # the announcing process stored it
            return
        names = sorted(n for n in self.loaded if not self.is_builtin(n))
        await write_state(("loaded",), names)

    async def _persist_synced(self) -> None:
        await add_synced_guilds(self.sync.guild_scopes())
