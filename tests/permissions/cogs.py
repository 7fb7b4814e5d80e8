"""A test cog with commands at every privilege level and its own permission link,
attached in-process to a running bot (no entry point needed)."""

import interactions
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost import checks, hookimpl
from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.hooks.caller import register_plugin
from plughost.permissions import Decision, PermissionRequest
from plughost.runtime.bot import Bot

VETO = "The gadgets cog vetoes this."


class Gadgets(Cog):
    """Commands for each privilege level."""

    @hybrid_slash_command(name="gadget", description="Anyone.")
    async def gadget(self, ctx: HybridContext) -> None:
        await ctx.send("gadget ok")

    @hybrid_slash_command(name="modtool", description="Moderators.")
    @checks.mod()
    async def modtool(self, ctx: HybridContext) -> None:
        await ctx.send("modtool ok")

    @hybrid_slash_command(name="admintool", description="Administrators.")
    @checks.admin()
    async def admintool(self, ctx: HybridContext) -> None:
        await ctx.send("admintool ok")

    @prefixed_command(name="bosstool")
    @checks.guildowner()
    async def bosstool(self, ctx: PrefixedContext) -> None:
        await ctx.send("bosstool ok")

    @prefixed_command(name="ownertool")
    @checks.is_owner()
    async def ownertool(self, ctx: PrefixedContext) -> None:
        await ctx.send("ownertool ok")

    @hybrid_slash_command(name="vetoed", description="Refused by the cog's own link.")
    async def vetoed(self, ctx: HybridContext) -> None:
        await ctx.send("vetoed ran")

    @interactions.component_callback("gadget-button")
    async def button(self, ctx: interactions.ComponentContext) -> None:
        await ctx.send("button ok")

    @hookimpl
    async def permission_check(self, request: PermissionRequest) -> Decision | None:
        if request.command_name == "vetoed":
            return Decision.deny(VETO)
        return None


async def attach(bot: Bot, cls: type[Cog] = Gadgets, name: str = "gadgets") -> Cog:
    """Attach ``cls`` to ``bot`` as the cog ``name``, as the manager would load it."""
    manager = bot.cogs
    cog = instantiate(cls, bot, name)
    manager.enablement.declare(name, default=True, toggleable=True)
    attach_cog(cog)
    register_plugin(manager.plugins, cog, name)
    manager.loaded[name] = cog
    manager.sync.place(cog)
    await manager._sync()
    return cog
