"""``cog list|info|load|unload|reload|enable|disable|install|uninstall``, prefixed and slash.

Loading, unloading, reloading and installing are for bot owners; switching a cog
in a guild is for its administrators (or members with Manage Server). The
permission chain enforces both, so rules can open ``cog enable`` to a role.

No ``from __future__ import annotations``: interactions.py reads option
annotations as objects.
"""

from typing import Any

from interactions import OptionType, slash_option
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import checks
from plughost.cogs.manager import CogError, CogManager, DependentsError
from plughost.core.cog_confirm import ask_to_force, describe_forced
from plughost.runtime.contexts import send_paged

__all__ = ["CogCommands", "describe_cogs"]


def _manager(ctx: Any) -> CogManager:
    manager: CogManager = ctx.bot.cogs
    return manager


def describe_cogs(manager: CogManager, guild_id: int | None = None) -> str:
    """``cog list``: loaded (with versions and, in a guild, on/off), available, failed."""
    catalog = manager.rescan()
    lines = []
    for name, cog in sorted(manager.loaded.items()):
        info = manager.infos.get(name)
        version = f" {info.distribution} {info.version}" if info else ""
        where = ""
        if guild_id is not None:
            on = manager.enablement.is_enabled(cog.name, guild_id)
            where = " (enabled here)" if on else " (disabled here)"
        # Flagged: users are owed a statement of what each cog stores about them.
        stated = type(cog).end_user_data_statement
        flag = "" if stated else " [no end-user data statement]"
        lines.append(f"loaded: {name}{version}{where}{flag}")
    for name, info in catalog.available.items():
        if name not in manager.loaded:
            lines.append(f"available: {name} {info.distribution} {info.version}")
    for name, failure in sorted(manager.failures.items()):
        if name not in manager.loaded:
            # A cog refused for what it needs is not broken itself: it waits, quarantined.
            quarantined = failure.stage in ("requires", "migration")
            state = "quarantined" if quarantined else "failed"
            lines.append(f"{state}: {name} ({failure.stage}): {failure.message}")
    for name, quarantine in catalog.quarantined.items():
        lines.append(f"quarantined: {name}: {quarantine.reason}")
    return "\n".join(lines) or "no cogs installed"


def _describe_one(manager: CogManager, name: str) -> str:
    catalog = manager.rescan()
    info = manager.infos.get(name) or catalog.available.get(name)
    if info is None:
        if (q := catalog.quarantined.get(name)) is not None:
            return f"{name}: quarantined: {q.reason}"
        return f"no installed cog is named {name!r}"
    cog = manager.loaded.get(name)
    lines = [
        f"{name}: {info.distribution} {info.version} ({'loaded' if cog else 'not loaded'})",
        info.summary or "(no summary)",
    ]
    if info.homepage:
        lines.append(f"homepage: {info.homepage}")
    if cog is not None:
        statement = type(cog).end_user_data_statement
        lines.append(f"end-user data: {statement or 'WARNING: not stated'}")
        lines.append(f"intents: {type(cog).required_intents!r}")
        lines.append(f"permissions: {type(cog).required_permissions!r}")
        if requires := type(cog).requires:
            lines.append(f"requires: {', '.join(requires)}")
        if needed_by := manager.dependents(name):
            lines.append(f"needed by: {', '.join(needed_by)}")
    if (failure := manager.failures.get(name)) is not None and cog is None:
        lines.append(f"last load failed ({failure.stage}): {failure.message}")
    return "\n".join(lines)


class CogCommands:
    """The ``cog`` command group, mixed into the core cog."""

    @hybrid_slash_subcommand(base="cog", name="list", description="List installed cogs.")
    async def cmd_cog_list(self, ctx: HybridContext) -> None:
        await send_paged(ctx, describe_cogs(_manager(ctx), ctx.guild_id))

    @hybrid_slash_subcommand(base="cog", name="info", description="Show a cog's details.")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    async def cmd_cog_info(self, ctx: HybridContext, name: str) -> None:
        await ctx.send(_describe_one(_manager(ctx), name))

    @hybrid_slash_subcommand(base="cog", name="load", description="Load a cog (bot owner).")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_load(self, ctx: HybridContext, name: str) -> None:
        await _run(ctx, _manager(ctx).load(name), f"Loaded {name}.")

    @hybrid_slash_subcommand(base="cog", name="unload", description="Unload a cog (bot owner).")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_unload(self, ctx: HybridContext, name: str) -> None:
        try:
            done = await _manager(ctx).unload(name)
        except DependentsError as refusal:
            await ask_to_force(ctx, "unload", refusal)
            return
        except CogError as exc:
            await ctx.send(str(exc))
            return
        await ctx.send(describe_forced("unload", name, done))

    @hybrid_slash_subcommand(base="cog", name="reload", description="Reload a cog (bot owner).")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_reload(self, ctx: HybridContext, name: str) -> None:
        await _run(ctx, _manager(ctx).reload(name), f"Reloaded {name}.")

    @hybrid_slash_subcommand(base="cog", name="enable", description="Enable a cog here.")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_cog_enable(self, ctx: HybridContext, name: str) -> None:
        await _switch(ctx, name, True)

    @hybrid_slash_subcommand(base="cog", name="disable", description="Disable a cog here.")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_cog_disable(self, ctx: HybridContext, name: str) -> None:
        await _switch(ctx, name, False)

    @hybrid_slash_subcommand(base="cog", name="install", description="Install a cog from PyPI.")
    @slash_option("package", "PKG or PKG==VERSION", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_install(self, ctx: HybridContext, package: str) -> None:
        await ctx.defer()
        try:
            names = await _manager(ctx).install(package)
        except (CogError, Exception) as exc:
            await ctx.send(f"Install failed: {exc}")
            return
        await ctx.send(f"Installed {package}; loaded {', '.join(names)}.")

    @hybrid_slash_subcommand(base="cog", name="uninstall", description="Uninstall a cog package.")
    @slash_option("package", "The distribution's name", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_uninstall(self, ctx: HybridContext, package: str) -> None:
        await ctx.defer()
        await _run(ctx, _manager(ctx).uninstall(package), f"Uninstalled {package}.")


async def _run(ctx: HybridContext, operation: Any, done: str) -> None:
    try:
        await operation
    except CogError as exc:
        await ctx.send(str(exc))
        return
    await ctx.send(done)


async def _switch(ctx: HybridContext, name: str, on: bool) -> None:
    if ctx.guild_id is None:
        await ctx.send("Cogs are enabled and disabled per server: run this in one.")
        return
    manager = _manager(ctx)
    try:
        changed = await manager.set_enabled(name, int(ctx.guild_id), on)
    except DependentsError as refusal:
        await ask_to_force(ctx, "disable", refusal)
        return
    except (CogError, ValueError) as exc:
        await ctx.send(str(exc))
        return
    state = "enabled" if on else "disabled"
    await ctx.send(f"{name} {state} in this server." if changed else f"{name} was already {state}.")
