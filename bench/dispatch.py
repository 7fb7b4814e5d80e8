"""Dispatch cost: `!ping` and `/ping` with bare interactions.py and with plughost.

    python bench/dispatch.py [--seconds 3]

One run against the local Discord. "bare" is a plain ``interactions.Client`` with
prefixed and hybrid commands set up and an Extension answering pong; "plughost" is
the plughost bot with 50 extra cogs attached in-process and 100 rules in the guild
(user, role and channel rules on those cogs' commands, none deciding ``ping``, so
the chain walks every tier). The chain's own cost is measured in-process: building
the request from the cache, and deciding it.

Round trips wait for the reply message (prefixed) or the interaction response
(slash), for both clients alike. The REST throttle is lifted, as in roundtrip.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import interactions
from interactions.ext import hybrid_commands
from interactions.ext import prefixed_commands as prefixed
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_command

from plughost.bot import use_discord_api
from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.config import connect
from plughost.permissions.context import request_for
from plughost.permissions.rules import Rule
from plughost.testing.emulator import FakeDiscord
from plughost.testing.running import running_bot


class Pong(interactions.Extension):
    @hybrid_slash_command(name="ping", description="pong")
    async def ping(self, ctx: HybridContext) -> None:
        await ctx.send("pong")


def _small_cog(n: int) -> type[Cog]:
    async def command(self: Cog, ctx: prefixed.PrefixedContext) -> None:
        await ctx.send(f"cmd{n}")

    command.__name__ = f"cmd{n}"
    attrs: dict[str, Any] = {
        "__doc__": f"Bench cog {n}.",
        f"cmd{n}": prefixed.prefixed_command(name=f"cmd{n}")(command),
    }
    return type(f"Bench{n}", (Cog,), attrs)


def lift_rest_cap(client: interactions.Client) -> None:
    client.http.global_lock.max_requests = 1_000_000_000
    client.http.global_lock.reset_calls()


async def rate(action: Callable[[], Awaitable[object]], seconds: float) -> float:
    """Median round trip in ms."""
    for _ in range(30):
        await action()
    latencies: list[float] = []
    start = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        await action()
        latencies.append(time.perf_counter() - now)
    return statistics.median(latencies) * 1000


async def bare(discord: FakeDiscord, seconds: float) -> tuple[float, float]:
    use_discord_api(discord.api_base)
    client = interactions.Client(
        intents=interactions.Intents.DEFAULT | interactions.Intents.MESSAGE_CONTENT,
        logger=logging.getLogger("bench.bare"),
    )
    prefixed.setup(client, default_prefix="!")
    hybrid_commands.setup(client)
    Pong(client)
    task = asyncio.create_task(client.astart(discord.token))
    await client.wait_until_ready()
    lift_rest_cap(client)
    try:
        text = await rate(lambda: discord.send("!ping", expect=1), seconds)
        slash = await rate(lambda: discord.slash("ping"), seconds)
    finally:
        await client.stop()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        use_discord_api(None)
    return text, slash


async def plughost(discord: FakeDiscord, seconds: float, folder: Path) -> tuple[float, ...]:
    async with connect(f"sqlite:///{folder / 'dispatch.db'}"), running_bot(discord) as bot:
        lift_rest_cap(bot)
        manager = bot.cogs
        for n in range(50):
            name = f"bench{n}"
            cog = instantiate(_small_cog(n), bot, name)
            manager.enablement.declare(name, default=True, toggleable=True)
            attach_cog(cog)
            manager.loaded[name] = cog
            manager.sync.place(cog)
        await manager._sync()
        guild = discord.guild.id
        members = [discord.member(f"user{n}") for n in range(10)]
        roles = [discord.add_role(f"role{n}") for n in range(10)]
        channel = discord.add_channel("bench")
        store = bot.permission_store
        for n in range(100):
            target, ident = [
                ("user", members[n % 10].id),
                ("role", roles[n % 10].id),
                ("channel", channel.id),
            ][n % 3]
            rule = Rule(guild, target, int(ident), "command", f"cmd{n % 50}", n % 2 == 0)  # type: ignore[arg-type]
            await store.set_rule(rule, actor_id=discord.owner.id)
        text = await rate(lambda: discord.send("!ping"), seconds)
        slash = await rate(lambda: discord.slash("ping"), seconds)
        # The chain, in-process, on the request `!ping` from alice makes.
        g = bot.cache.get_guild(guild)
        alice = discord.member("alice")
        member = bot.cache.get_member(guild, alice.id) or await g.fetch_member(alice.id)
        chan = bot.cache.get_channel(discord.channel_named("general").id)
        ping = bot.prefixed.commands["ping"]
        runs = 20_000
        start = time.perf_counter()
        for _ in range(runs):
            request = request_for(bot, member, g, chan, ping, cog_name="core", kind="prefixed")
        build = (time.perf_counter() - start) / runs * 1e6
        start = time.perf_counter()
        for _ in range(runs):
            await bot.permission_chain.decide(request)
        decide = (time.perf_counter() - start) / runs * 1e6
        assert len(bot.permission_store.rules(guild)) == 100
        return text, slash, build, decide


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    async with FakeDiscord() as discord:
        bare_text, bare_slash = await bare(discord, args.seconds)
    with tempfile.TemporaryDirectory(prefix="plughost-bench-") as tmp:
        async with FakeDiscord() as discord:
            text, slash, build, decide = await plughost(discord, args.seconds, Path(tmp))
    rows = [
        ("!ping round trip", f"{bare_text:.2f} ms", f"{text:.2f} ms", _pct(text, bare_text)),
        ("/ping round trip", f"{bare_slash:.2f} ms", f"{slash:.2f} ms", _pct(slash, bare_slash)),
        ("chain: build request", "", f"{build:.1f} us", ""),
        ("chain: decide", "", f"{decide:.1f} us", ""),
        ("chain: total per invocation", "", f"{build + decide:.1f} us", "target <= 30 us"),
    ]
    header = ("measurement", "bare i.py", "plughost", "overhead")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(
        f"dispatch through the local Discord (Python {sys.version.split()[0]}; 50 cogs, 100 rules)"
    )
    for i, row in enumerate([header, *rows]):
        print(
            "  ".join(
                c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(row)
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))


def _pct(value: float, base: float) -> str:
    return f"{(value / base - 1) * 100:+.0f}% (target <= +15%)"


if __name__ == "__main__":
    asyncio.run(main())
