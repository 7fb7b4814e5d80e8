"""Red's "production-ready" cog template, ported to plughost feature by feature.

The template (``../shared/seed``: ``ProductionCog``) is a Red 3.5 cog: Config
with ``force_registration``, ``cog_load``/``cog_unload`` running background
tasks, a GDPR statement and ``red_delete_data_for_user``, and a hybrid
``hello`` that ticks. This file is the port, with the features a real Red cog
adds around it (a command group and ``send_help``, checks, a cooldown, a
converter raising ``BadArgument``, a cog error handler, ``get_lock``), each
marked ``# Red:`` where it differs. docs/guide/porting-red-cogs.md walks
through it; tests/porting/test_production.py runs it end to end.

No ``from __future__ import annotations``: interactions.py reads slash option
annotations at runtime.
"""

import asyncio
import logging
from typing import Any

import interactions
from interactions import Buckets, OptionType, cooldown, slash_option
from interactions.client.errors import BadArgument
from interactions.ext import prefixed_commands as prefixed
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command

from plughost import Bot, Cog, Config, checks, hookimpl

log = logging.getLogger("plughost.cogs.production")

FEATURES = ("greetings", "counting")


class Feature(interactions.Converter[str]):
    """One of this cog's feature names, case-insensitively."""

    # Red: commands.Converter with `async def convert(self, ctx, argument)`; the same here.
    async def convert(self, ctx: Any, argument: str) -> str:
        name = argument.lower()
        if name not in FEATURES:
            raise BadArgument(f"`{argument}` is not a feature (features: {', '.join(FEATURES)})")
        return name


class Production(Cog):
    """Production-ready cog with all best practices, ported from Red's template."""

    # Red: the module-level __red_end_user_data_statement__.
    end_user_data_statement = (
        "This cog stores user IDs and guild IDs for configuration purposes. "
        "No personal data is stored."
    )

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # Unchanged from Red: the same identifier, defaults and scopes.
        self.config = Config.get_conf(self, identifier=1234567890, force_registration=True)
        self.config.register_global(version="1.0.0", enabled=True)
        self.config.register_guild(
            enabled=True, settings={"feature": False}, channels={"log": None}, counter=0
        )
        self.config.register_user(greeted=0)
        self.background_tasks: list[asyncio.Task[None]] = []
        self.ticks = 0
        # Red: `async def cog_command_error(self, ctx, error)`.
        self.set_extension_error(self.on_command_error)

    # -- lifecycle (Red: plain methods; here plughost hooks) --------------------------

    @hookimpl
    async def cog_load(self) -> None:
        log.info("Production loading...")
        self.background_tasks.append(asyncio.create_task(self._heartbeat()))

    @hookimpl
    async def cog_unload(self) -> None:
        log.info("Production unloading...")
        for task in self.background_tasks:
            if not task.done():
                task.cancel()
        if self.background_tasks:
            await asyncio.gather(*self.background_tasks, return_exceptions=True)

    async def _heartbeat(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(3600)

    # Red: `async def red_delete_data_for_user(self, *, requester, user_id)`.
    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        await self.config.user_from_id(user_id).clear()

    # -- commands -------------------------------------------------------------------

    @hybrid_slash_command(name="hello", description="Say hello (slash and text command).")
    async def hello(self, ctx: HybridContext) -> None:
        """Say hello (works as slash and text command)."""
        await ctx.tick()  # type: ignore[attr-defined]  # plughost's context, as Red's
        greeted = await self.config.user(ctx.author).greeted()
        await self.config.user(ctx.author).greeted.set(greeted + 1)
        await ctx.send("Hello!")

    # Red: @commands.hybrid_command() + @app_commands.describe(member=...).
    @hybrid_slash_command(name="greet", description="Greet a member by name.")
    @slash_option("member", "Who to greet", OptionType.USER, required=True)
    async def greet(self, ctx: HybridContext, member: interactions.Member) -> None:
        await ctx.send(f"Hello, {member.mention}!")

    # Red: @commands.group() whose body is `await ctx.send_help()`.
    @prefixed.prefixed_command(name="prodset")
    async def prodset(self, ctx: prefixed.PrefixedContext) -> None:
        """Settings of this cog in this server."""
        await ctx.send_help()  # type: ignore[attr-defined]

    # Red: @prodset.command() + @checks.admin_or_permissions(manage_guild=True)
    #      + @commands.cooldown(1, 30, commands.BucketType.user).
    @prodset.subcommand(name="toggle")
    @checks.admin_or_permissions(manage_guild=True)
    @cooldown(Buckets.USER, 1, 30)
    async def prodset_toggle(
        self, ctx: prefixed.PrefixedContext, feature: Feature, on: bool
    ) -> None:
        """Turn a feature on or off: `prodset toggle greetings yes`."""
        async with self.config.guild(ctx.guild).settings() as settings:
            settings[str(feature)] = on
        await ctx.send(f"{feature} is now {'on' if on else 'off'}.")

    @prefixed.prefixed_command(name="count")
    async def count(self, ctx: prefixed.PrefixedContext) -> None:
        """Count up, one at a time, however many members count at once."""
        value = self.config.guild(ctx.guild).counter
        # Unchanged from Red: the value's lock orders read-modify-writes in this process.
        async with value.get_lock():
            number = await value() + 1
            await asyncio.sleep(0)  # let the others run: the lock keeps them out
            await value.set(number)
        await ctx.send(f"count {number}")

    @prefixed.prefixed_command(name="explode")
    async def explode(self, ctx: prefixed.PrefixedContext) -> None:
        """Fails, for the error handler."""
        raise RuntimeError("the cog broke")

    @prefixed.prefixed_command(name="refuse")
    async def refuse(self, ctx: prefixed.PrefixedContext) -> None:
        """Fails in a way the cog's own handler answers."""
        raise LookupError("nothing to refuse")

    async def on_command_error(self, error: Exception, ctx: Any, *args: Any, **kwargs: Any) -> None:
        """Answer what this cog knows; re-raise the rest to plughost's error boundary
        (usage lines, cooldowns, the apology and the log), as Red's handlers defer
        to the bot's with `await ctx.bot.on_command_error(ctx, error, unhandled_by_cog=True)`."""
        if isinstance(error, LookupError):
            await ctx.send(f"Nothing found: {error}")
            return
        raise error
