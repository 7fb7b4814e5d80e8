"""A test cog written the way cog authors do, including the trap: this module uses
``from __future__ import annotations``, so every annotation is a string until
plughost resolves it."""

from __future__ import annotations

import datetime
from typing import Annotated

import interactions
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost.bot import Bot
from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.commands import TimeSpan


class Tools(Cog):
    """Tools for testing the command framework."""

    @prefixed_command(name="add")
    async def add(self, ctx: PrefixedContext, a: int, b: int) -> None:
        """Add two whole numbers."""
        await ctx.send(str(a + b))

    @prefixed_command(name="remind")
    async def remind(
        self, ctx: PrefixedContext, after: Annotated[datetime.timedelta, TimeSpan], *, text: str
    ) -> None:
        """Remind you of something later."""
        await ctx.send(f"in {int(after.total_seconds())} s: {text}")

    @prefixed_command(name="slow")
    @interactions.cooldown(interactions.Buckets.USER, 1, 60)
    async def slow(self, ctx: PrefixedContext) -> None:
        await ctx.send("slow ok")

    @hybrid_slash_command(name="done", description="Acknowledge.")
    async def done(self, ctx: HybridContext) -> None:
        await ctx.tick()  # type: ignore[attr-defined]  # plughost's context

    @hybrid_slash_command(name="card", description="An embed.")
    async def card(self, ctx: HybridContext) -> None:
        color = await ctx.embed_color()  # type: ignore[attr-defined]
        embed = interactions.Embed(title="Card", description="hello", color=color)
        await ctx.maybe_send_embed(embed)  # type: ignore[attr-defined]

    @prefixed_command(name="long")
    async def long(self, ctx: PrefixedContext) -> None:
        await ctx.send_paged("\n".join(f"line {n:04d} " + "x" * 40 for n in range(200)))  # type: ignore[attr-defined]

    @prefixed_command(name="explainme")
    async def explainme(self, ctx: PrefixedContext) -> None:
        """Shows its own help."""
        await ctx.send_help()  # type: ignore[attr-defined]


async def attach(bot: Bot, cls: type[Cog] = Tools, name: str = "tools") -> Cog:
    """Attach ``cls`` as the cog ``name``, as the manager would load it."""
    manager = bot.cogs
    cog = instantiate(cls, bot, name)
    manager.enablement.declare(name, default=True, toggleable=True)
    attach_cog(cog)
    manager.loaded[name] = cog
    manager.sync.place(cog)
    await manager._sync()
    return cog
