"""A test cog written the way cog authors do, including the trap: this module uses
``from __future__ import annotations``, so every annotation is a string until
plughost resolves it."""

from __future__ import annotations

import datetime
from typing import Annotated

import interactions
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command
from interactions.ext.prefixed_commands import PrefixedContext, prefixed_command

from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.commands import TimeSpan
from plughost.commands.paging import send_pages
from plughost.runtime.bot import Bot


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

    # Two hybrid subcommands: interactions.py adds the second one's prefixed form
    # straight to the base, after the base was registered.
    @hybrid_slash_command(name="tally", sub_cmd_name="start", sub_cmd_description="Start.")
    @interactions.slash_option("at", "where", interactions.OptionType.INTEGER, required=True)
    async def tally_start(self, ctx: HybridContext, at: int) -> None:
        await ctx.send(f"start {at}")

    @hybrid_slash_command(name="tally", sub_cmd_name="step", sub_cmd_description="Step.")
    @interactions.slash_option("by", "how far", interactions.OptionType.INTEGER, required=True)
    async def tally_step(self, ctx: HybridContext, by: int) -> None:
        await ctx.send(f"step {by}")

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


class Lookups(Cog):
    """Commands taking members, users, roles and channels (plughost's converters)."""

    @prefixed_command(name="whois")
    async def whois(self, ctx: PrefixedContext, member: interactions.Member) -> None:
        await ctx.send(f"member {int(member.id)}")

    @prefixed_command(name="userid")
    async def userid(self, ctx: PrefixedContext, user: interactions.User) -> None:
        await ctx.send(f"user {int(user.id)}")

    @prefixed_command(name="roleid")
    async def roleid(self, ctx: PrefixedContext, role: interactions.Role) -> None:
        await ctx.send(f"role {int(role.id)}")

    @prefixed_command(name="textid")
    async def textid(self, ctx: PrefixedContext, channel: interactions.GuildText) -> None:
        await ctx.send(f"channel {int(channel.id)}")

    @prefixed_command(name="either")
    async def either(
        self, ctx: PrefixedContext, target: interactions.Role | interactions.Member | None = None
    ) -> None:
        await ctx.send(f"{type(target).__name__} {int(target.id) if target else 0}")

    @hybrid_slash_command(name="poke", description="A hybrid USER option.")
    @interactions.slash_option("who", "whom", interactions.OptionType.USER, required=True)
    async def poke(self, ctx: HybridContext, who: interactions.Member) -> None:
        await ctx.send(f"poked {int(who.id)}")

    @hybrid_slash_command(name="into", description="A hybrid CHANNEL option.")
    @interactions.slash_option("where", "where", interactions.OptionType.CHANNEL, required=True)
    async def into(self, ctx: HybridContext, where: interactions.GuildChannel) -> None:
        await ctx.send(f"into {int(where.id)}")


class Pager(Cog):
    """Pages with buttons, with short-lived buttons, and without buttons."""

    @prefixed_command(name="pages")
    async def pages(self, ctx: PrefixedContext, expire_after: float = 300.0) -> None:
        await send_pages(ctx, [f"page {n}" for n in range(1, 4)], expire_after=expire_after)

    @prefixed_command(name="plainpages")
    async def plainpages(self, ctx: PrefixedContext) -> None:
        await ctx.send_pages([f"page {n}" for n in range(1, 4)], buttons=False)  # type: ignore[attr-defined]
