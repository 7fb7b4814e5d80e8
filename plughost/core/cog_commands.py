"""``cog list|info|load|unload|reload|enable|disable|install|uninstall``, prefixed and slash.

Loading, unloading, reloading and installing are for bot owners; switching a cog
in a guild is for its administrators (or members with Manage Server). The
permission chain enforces both, so rules can open ``cog enable`` to a role.

No ``from __future__ import annotations``: interactions.py reads option
annotations as objects.
"""

import enum
import logging
from typing import Any

from interactions import OptionType, slash_option
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import checks
from plughost.cogs.manager import CogError, CogManager, DependentsError
from plughost.cogs.targets import TargetRefused, chat_target
from plughost.core.cog_confirm import ask_to_force, describe_forced
from plughost.core.messages import _
from plughost.permissions.gate import Gated
from plughost.permissions.requests import owner_ids_of
from plughost.runtime.contexts import send_paged

__all__ = ["CogCommands", "describe_cogs"]

log = logging.getLogger("plughost.core")


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
            where = " " + (_("(enabled here)") if on else _("(disabled here)"))
        # Flagged: users are owed a statement of what each cog stores about them.
        stated = type(cog).end_user_data_statement
        flag = "" if stated else " " + _("[no end-user data statement]")
        health = manager.health.get(name)
        trouble = f" [{text}]" if health is not None and (text := health.summary()) else ""
        if refused := manager.sync.refusals.get(name):
            text = _("not synced: Discord refused {why}").format(why="; ".join(map(str, refused)))
            trouble += f" [{text}]"
        lines.append(_("loaded: {cog}").format(cog=f"{name}{version}{where}{flag}{trouble}"))
    for name, info in catalog.available.items():
        if name not in manager.loaded:
            listed = f"{name} {info.distribution} {info.version}"
            lines.append(_("available: {cog}").format(cog=listed))
    for name, failure in sorted(manager.failures.items()):
        if name not in manager.loaded:
            # A cog refused for what it needs is not broken itself: it waits, quarantined.
            quarantined = failure.stage in ("requires", "migration")
            line = _("quarantined: {cog}") if quarantined else _("failed: {cog}")
            lines.append(line.format(cog=f"{name} ({failure.stage}): {failure.message}"))
    for name, quarantine in catalog.quarantined.items():
        lines.append(_("quarantined: {cog}").format(cog=f"{name}: {quarantine.reason}"))
    return "\n".join(lines) or _("no cogs installed")


def flag_names(flags: enum.IntFlag) -> str:
    """``Server Members, Message Content`` for intents, ``Kick Members`` for
    permissions: the names Discord's settings show (it says server where the API
    says guild); ``none`` for none."""
    names = [
        str(member.name).replace("_", " ").title().replace("Guild", "Server")
        for member in type(flags)
        if member.value and member.value.bit_count() == 1 and member in flags
    ]
    return ", ".join(names) or "none"


def _describe_one(manager: CogManager, name: str, *, for_owner: bool = False) -> str:
    catalog = manager.rescan()
    info = manager.infos.get(name) or catalog.available.get(name)
    if info is None:
        if (q := catalog.quarantined.get(name)) is not None:
            return _("{name}: quarantined: {reason}").format(name=name, reason=q.reason)
        return _("no installed cog is named {name}").format(name=repr(name))
    cog = manager.loaded.get(name)
    lines = [
        f"{name}: {info.distribution} {info.version} "
        + (_("(loaded)") if cog else _("(not loaded)")),
        info.summary or _("(no summary)"),
    ]
    if info.homepage:
        lines.append(_("homepage: {url}").format(url=info.homepage))
    if cog is not None:
        statement = type(cog).end_user_data_statement
        stated = statement or _("WARNING: not stated")
        lines.append(_("end-user data: {statement}").format(statement=stated))
        intents = flag_names(type(cog).required_intents)
        lines.append(_("intents: {intents}").format(intents=intents))
        permissions = flag_names(type(cog).required_permissions)
        lines.append(_("permissions: {permissions}").format(permissions=permissions))
        if requires := type(cog).requires:
            lines.append(_("requires: {cogs}").format(cogs=", ".join(requires)))
        if needed_by := manager.dependents(name):
            lines.append(_("needed by: {cogs}").format(cogs=", ".join(needed_by)))
    if (failure := manager.failures.get(name)) is not None and cog is None:
        text = _("last load failed ({stage}): {message}")
        lines.append(text.format(stage=failure.stage, message=failure.message))
    if cog is not None or name in manager.health:
        lines += manager.health_of(name).details(with_errors=for_owner)
    if refused := manager.sync.refusals.get(name):
        lines.append("application commands held back (not on Discord): Discord refused")
        lines += [f"  {refusal}" for refusal in refused]
    return "\n".join(lines)


class CogCommands:
    """The ``cog`` command group, mixed into the core cog."""

    @hybrid_slash_subcommand(base="cog", name="list", description="List installed cogs.")
    async def cmd_cog_list(self, ctx: HybridContext) -> None:
        await send_paged(ctx, describe_cogs(_manager(ctx), ctx.guild_id))

    @hybrid_slash_subcommand(base="cog", name="info", description="Show a cog's details.")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    async def cmd_cog_info(self, ctx: HybridContext, name: str) -> None:
        owner = int(ctx.author_id) in _owner_ids(ctx)
        await ctx.send(_describe_one(_manager(ctx), name, for_owner=owner))

    @hybrid_slash_subcommand(base="cog", name="load", description="Load a cog (bot owner).")
    @slash_option("name", "The cog's name", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_load(self, ctx: HybridContext, name: str) -> None:
        await _run(ctx, _manager(ctx).load(name), _("Loaded {name}.").format(name=name))

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
        await _run(ctx, _manager(ctx).reload(name), _("Reloaded {name}.").format(name=name))

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
        # Chat takes requirement specifiers only, checked before pip runs: an owner's
        # chat account is a phishing target, and pip options reach the host.
        try:
            target = chat_target(package)
        except TargetRefused as exc:
            log.warning("cog install of %r refused (from user %s): %s", package, ctx.author_id, exc)
            await ctx.send(_("Not installed: {problem}.").format(problem=exc))
            return
        await ctx.defer()
        try:
            names = await _manager(ctx).install(target)
        except CogError as exc:
            log.warning("cog install of %s failed: %s", target, exc)
            await ctx.send(_("Install failed: {problem}").format(problem=exc))
            return
        text = _("Installed {package}; loaded {cogs}.")
        await ctx.send(text.format(package=target, cogs=", ".join(names)))

    @hybrid_slash_subcommand(base="cog", name="uninstall", description="Uninstall a cog package.")
    @slash_option("package", "The distribution's name", opt_type=OptionType.STRING, required=True)
    @checks.is_owner()
    async def cmd_cog_uninstall(self, ctx: HybridContext, package: str) -> None:
        await ctx.defer()
        done = _("Uninstalled {package}.").format(package=package)
        await _run(ctx, _manager(ctx).uninstall(package), done)


def _owner_ids(ctx: Any) -> frozenset[int]:
    owners = owner_ids_of(ctx.bot)
    if isinstance(ctx.bot, Gated):
        owners |= ctx.bot.chain_check.chain.owner_ids
    return owners


async def _run(ctx: HybridContext, operation: Any, done: str) -> None:
    try:
        await operation
    except CogError as exc:
        await ctx.send(str(exc))
        return
    await ctx.send(done)


async def _switch(ctx: HybridContext, name: str, on: bool) -> None:
    if ctx.guild_id is None:
        await ctx.send(_("Cogs are enabled and disabled per server: run this in one."))
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
    if on and changed:
        text = _("{name} enabled in this server.")
    elif on:
        text = _("{name} was already enabled.")
    elif changed:
        text = _("{name} disabled in this server.")
    else:
        text = _("{name} was already disabled.")
    await ctx.send(text.format(name=name))
