"""Bare interactions.py clients for the emulator tests: commands, start, clean stop.

No ``from __future__ import annotations`` here: prefixed commands use their
parameter annotations as converters at run time.
"""

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import interactions
from interactions import OptionType, SlashContext
from interactions.ext import prefixed_commands as prefixed
from interactions.ext.prefixed_commands import PrefixedContext

from plughost.testing.emulator import FakeDiscord

INTENTS = (
    interactions.Intents.DEFAULT
    | interactions.Intents.MESSAGE_CONTENT
    | interactions.Intents.GUILD_MEMBERS
)

StartClient = Callable[..., Awaitable[interactions.Client]]


def build_client(fd: FakeDiscord, **options: object) -> interactions.Client:
    """A bare interactions.py client with a few commands, built fresh for each test."""
    options.setdefault("intents", INTENTS)
    client = interactions.Client(
        token=fd.token,
        send_command_tracebacks=False,
        **options,  # type: ignore[arg-type]
    )
    manager = prefixed.setup(client, default_prefix="!")
    client.handled = []  # type: ignore[attr-defined]  # message ids the bot answered, in order

    @prefixed.prefixed_command(name="ping")
    async def ping(ctx: PrefixedContext) -> None:
        client.handled.append(int(ctx.message.id))  # type: ignore[attr-defined]
        await ctx.reply("pong")

    @prefixed.prefixed_command(name="echo")
    async def echo(ctx: PrefixedContext, word: str) -> None:
        client.handled.append(int(ctx.message.id))  # type: ignore[attr-defined]
        await ctx.send(word)

    @prefixed.prefixed_command(name="file")
    async def file(ctx: PrefixedContext) -> None:
        upload = interactions.File(io.BytesIO(b"hello bytes"), file_name="hello.txt")
        await ctx.send("here", file=upload)

    @prefixed.prefixed_command(name="dmme")
    async def dmme(ctx: PrefixedContext) -> None:
        await ctx.author.send("psst")

    @prefixed.prefixed_command(name="members")
    async def members(ctx: PrefixedContext) -> None:
        assert ctx.guild is not None
        await ctx.send(", ".join(sorted(m.username for m in ctx.guild.members)))

    @prefixed.prefixed_command(name="guilds")
    async def guilds(ctx: PrefixedContext) -> None:
        await ctx.send(", ".join(sorted(g.name for g in client.guilds)))

    @prefixed.prefixed_command(name="roles")
    async def roles(ctx: PrefixedContext) -> None:
        member = ctx.guild.get_member(ctx.author.id) if ctx.guild else None
        names = sorted(r.name for r in member.roles) if member else []
        await ctx.send(", ".join(names) or "no roles")

    @prefixed.prefixed_command(name="react")
    async def react(ctx: PrefixedContext) -> None:
        await ctx.message.add_reaction("👍")

    @prefixed.prefixed_command(name="button")
    async def button(ctx: PrefixedContext) -> None:
        await ctx.send(
            "Sure?",
            components=interactions.Button(
                style=interactions.ButtonStyle.PRIMARY, label="Yes", custom_id="yes"
            ),
        )

    @prefixed.prefixed_command(name="silent")
    async def silent(ctx: PrefixedContext) -> None:
        return None

    @prefixed.prefixed_command(name="ban")
    async def ban(ctx: PrefixedContext, member: interactions.Member) -> None:
        await member.ban(reason=f"banned by {ctx.author.username}")
        await ctx.send(f"banned {member.username}")

    @prefixed.prefixed_command(name="promote")
    async def promote(ctx: PrefixedContext, member: interactions.Member) -> None:
        assert ctx.guild is not None
        role = next(r for r in ctx.guild.roles if r.name == "Mods")
        await member.add_role(role)
        await ctx.send(f"{member.username} is a mod")

    commands = (ping, echo, file, dmme, guilds, members, roles, react, button, silent, ban, promote)
    for command in commands:
        manager.add_command(command)

    @interactions.component_callback("yes")
    async def on_yes(ctx: interactions.ComponentContext) -> None:
        await ctx.edit_origin(content=f"confirmed by {ctx.author.username}", components=[])

    @interactions.slash_command(name="ping", description="Answers pong")
    async def slash_ping(ctx: SlashContext) -> None:
        await ctx.send("pong")

    @interactions.slash_command(name="slow", description="Defers, then answers")
    async def slow(ctx: SlashContext) -> None:
        await ctx.defer()
        await ctx.send("done")

    @interactions.slash_command(name="secret", description="Answers only you")
    async def secret(ctx: SlashContext) -> None:
        await ctx.send("just for you", ephemeral=True)

    @interactions.slash_command(name="repeat", description="Repeats a word")
    @interactions.slash_option("word", "The word", OptionType.STRING, required=True)
    @interactions.slash_option("times", "How often", OptionType.INTEGER, required=False)
    @interactions.slash_option("who", "Greet someone", OptionType.USER, required=False)
    async def repeat(
        ctx: SlashContext, word: str, times: int = 1, who: interactions.Member | None = None
    ) -> None:
        greeting = f" for {who.username}" if who is not None else ""
        await ctx.send(" ".join([word] * times) + greeting)

    @interactions.slash_command(name="cog", description="Cogs", sub_cmd_name="list")
    async def cog_list(ctx: SlashContext) -> None:
        await ctx.send("audio, economy")

    @interactions.slash_command(name="here", description="Guild only", scopes=[fd.guild.id])
    async def here(ctx: SlashContext) -> None:
        await ctx.send(f"in {ctx.guild.name if ctx.guild else 'no guild'}")

    client.add_component_callback(on_yes)
    for slash in (slash_ping, slow, secret, repeat, cog_list, here):
        client.add_interaction(slash)
    return client


@asynccontextmanager
async def running(client: interactions.Client, token: str) -> AsyncIterator[interactions.Client]:
    """Run ``client`` until the block ends, then shut it down cleanly.

    interactions.py 5.16's ``Client.stop()`` closes the HTTP session first; with
    aiohttp 3.14 its gateway loop then spins on a closed socket until the next
    heartbeat. Closing the gateway first (``client.ws.close()``) and awaiting the
    task, whose ``astart`` calls ``stop()`` itself, ends it at once.
    """
    task = asyncio.create_task(client.astart(token), name="interactions-client")
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()
            raise AssertionError("the client stopped before it was ready")
        if ready not in done:
            raise AssertionError("the client did not become ready within 5s")
        yield client
    finally:
        ready.cancel()
        if client.ws is not None:
            client.ws.close()
        try:
            await asyncio.wait_for(task, 5)
        finally:
            await client.stop()
