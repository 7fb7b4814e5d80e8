"""Dispatch cost: `!ping` and `/ping` with bare interactions.py and with plughost.

    python bench/dispatch.py [--rounds 30] [--batch 40] [--profile]

One run, two local Discords in one process: "bare" is a plain
``interactions.Client`` (prefixed and hybrid commands set up) with an Extension
answering pong from a prefixed and a slash command, the cheapest upstream path;
"plughost" is a production-configured plughost bot (no event tracking) with 50
extra cogs attached and 100 rules in the guild (user, role and channel rules on
those cogs' commands, none deciding ``ping``, so the chain walks every tier) whose
hybrid ``ping`` answers both. Both answer ``ping`` from alice, who holds two of the guild's roles.

Both round trips are timed the same way, **to the reply reaching the local
Discord**: the bot's message (prefixed), or its interaction response (slash).
The machine is shared, so the two bots are measured in alternating batches
(``--rounds`` of ``--batch`` invocations each, the order flipped every round) and
the overhead is the median of the per-round ratios. interactions.py keeps its REST
base in a class variable: it is switched between batches, while the other bot idles.
Wall-clock round trips swing by several percent on a loaded machine, so each batch
also records this process's CPU time per invocation: the bot's and the local
Discord's work together (everything a round trip waits for on an idle machine),
which other processes barely move.

The chain's own cost is measured in-process, timeit-style, on the very contexts the
two pings produced: building the request from the cache, deciding it, and the whole
check plughost runs per invocation. ``--profile`` prints cProfile's top functions
for one batch of each bot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import logging
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import interactions
from interactions.api import events
from interactions.ext import hybrid_commands
from interactions.ext import prefixed_commands as prefixed

from plughost.cogs import Cog
from plughost.cogs.attach import attach_cog
from plughost.cogs.cog import instantiate
from plughost.config import connect
from plughost.permissions.requests import ChainCheck, request_for_event, request_from_context
from plughost.permissions.rules import Rule
from plughost.runtime.bot import DEFAULT_INTENTS, Bot, use_discord_api
from plughost.testing.emulator import FakeDiscord, RateLimits


class Pong(interactions.Extension):
    """The cheapest upstream way to answer both: a prefixed and a slash command.

    (An upstream hybrid command would be slower: its prefixed context computes the
    bot's permissions through ``Permissions.ALL``, about 0.25 ms a time.)"""

    @prefixed.prefixed_command(name="ping")
    async def text_ping(self, ctx: prefixed.PrefixedContext) -> None:
        await ctx.send("pong")

    @interactions.slash_command(name="ping", description="pong")
    async def slash_ping(self, ctx: interactions.SlashContext) -> None:
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


@dataclass
class Side:
    """One bot under test, on its own local Discord."""

    name: str
    discord: FakeDiscord
    client: interactions.Client
    text: list[float] = field(default_factory=list)
    slash: list[float] = field(default_factory=list)
    text_rounds: list[float] = field(default_factory=list)
    slash_rounds: list[float] = field(default_factory=list)
    text_cpu: list[float] = field(default_factory=list)
    """CPU time of this process per invocation, one entry per batch (ms)."""
    slash_cpu: list[float] = field(default_factory=list)

    def aim(self) -> None:
        use_discord_api(self.discord.api_base)

    async def ping(self) -> None:
        await self.discord.send("!ping", expect=1)

    async def slash_ping(self) -> None:
        await self.discord.slash("ping")


async def _ready(client: interactions.Client, task: asyncio.Task[None]) -> None:
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({ready, task}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if ready not in done:
        raise RuntimeError(f"{type(client).__name__} did not start: {task!r}")


@contextlib.asynccontextmanager
async def started(client: interactions.Client, token: str) -> AsyncIterator[None]:
    task = asyncio.create_task(client.astart(token))
    try:
        await _ready(client, task)
        lift_rest_cap(client)
        yield
    finally:
        with contextlib.suppress(Exception):
            if isinstance(client, Bot):
                await client.stop()
            else:
                # Gateway first, then HTTP (as plughost's Bot.stop does): upstream's
                # stop closes HTTP first and then waits out the dead websocket.
                await client._connection_state.stop()
                await client.http.close()
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


async def populate(discord: FakeDiscord, client: interactions.Client) -> None:
    """The same Discord for both bots: 10 more members, 10 roles, a second channel,
    and alice holding two roles; returns once the client's cache has alice's."""
    for n in range(10):
        discord.member(f"user{n}")
        discord.add_role(f"role{n}")
    discord.add_channel("bench")
    alice = discord.member("alice", roles=["alice0", "alice1"])
    for _ in range(500):
        member = client.cache.get_member(discord.guild.id, alice.id)
        if member is not None and len(member._role_ids) >= 2:
            return
        await asyncio.sleep(0.01)
    raise RuntimeError("the member update did not reach the client")


async def setup_plughost(bot: Bot, discord: FakeDiscord) -> None:
    """50 cogs attached in-process, and 100 rules none deciding ping."""
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
    roles = [discord.role_named(f"role{n}") for n in range(10)]
    channel = discord.channel_named("bench")
    store = bot.permission_store
    for n in range(100):
        target, ident = [
            ("user", members[n % 10].id),
            ("role", roles[n % 10].id),
            ("channel", channel.id),
        ][n % 3]
        rule = Rule(guild, target, int(ident), "command", f"cmd{n % 50}", n % 2 == 0)  # type: ignore[arg-type]
        await store.set_rule(rule, actor_id=discord.owner.id)
    assert len(store.rules(guild)) == 100


async def timed(action: Callable[[], Awaitable[object]], n: int) -> tuple[list[float], float]:
    """Each invocation's wall-clock round trip, and the process's CPU time per
    invocation over the batch (both in ms)."""
    latencies: list[float] = []
    cpu = time.process_time()
    for _ in range(n):
        start = time.perf_counter()
        await action()
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies, (time.process_time() - cpu) / n * 1000


async def quiesce() -> None:
    # Let the last invocation's trailing requests (a slash reply's follow-up GET)
    # finish before the REST base is switched to the other Discord.
    await asyncio.sleep(0.02)


async def interleave(sides: list[Side], rounds: int, batch: int) -> None:
    for side in sides:  # warm up: first invocations build caches on both sides
        side.aim()
        await timed(side.ping, 30)
        await timed(side.slash_ping, 30)
        await quiesce()
    for r in range(rounds):
        for side in sides if r % 2 == 0 else sides[::-1]:
            side.aim()
            text, text_cpu = await timed(side.ping, batch)
            slash, slash_cpu = await timed(side.slash_ping, batch)
            await quiesce()
            side.text += text
            side.slash += slash
            side.text_rounds.append(statistics.median(text))
            side.slash_rounds.append(statistics.median(slash))
            side.text_cpu.append(text_cpu)
            side.slash_cpu.append(slash_cpu)


async def profile(sides: list[Side], batch: int) -> None:
    for side in sides:
        side.aim()
        profiler = cProfile.Profile()
        profiler.enable()
        await timed(side.ping, batch)
        await timed(side.slash_ping, batch)
        profiler.disable()
        await quiesce()
        print(f"\n=== cProfile: {side.name}, {batch} !ping + {batch} /ping ===")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def per_call_us(run: Callable[[int], Any], n: int) -> float:
    """Best of five timeit-style loops, in microseconds per call."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        run(n)
        best = min(best, time.perf_counter() - start)
    return best / n * 1e6


async def async_per_call_us(run: Callable[[], Awaitable[Any]], n: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            await run()
        best = min(best, time.perf_counter() - start)
    return best / n * 1e6


async def chain_cost(bot: Bot, side: Side) -> dict[str, tuple[float, float, float]]:
    """kind -> (build request, decide, whole check) in microseconds, on real contexts."""
    check = bot.chain_check
    assert isinstance(check, ChainCheck)
    captured: dict[str, tuple[Any, str | None]] = {}

    original = ChainCheck.decide

    async def capture(self: ChainCheck, ctx: Any, *, cog_name: str | None = None) -> Any:
        kind = "!ping" if getattr(ctx, "_prefixed_ctx", None) is not None else "/ping"
        captured.setdefault(kind, (ctx, cog_name))
        return await original(self, ctx, cog_name=cog_name)

    side.aim()
    # Every cog's gate holds the bot's check: capture at the class, for one round.
    ChainCheck.decide = capture  # type: ignore[method-assign]
    try:
        await side.ping()
        await side.slash_ping()
        await quiesce()
    finally:
        ChainCheck.decide = original  # type: ignore[method-assign]
    chain = bot.permission_chain
    costs: dict[str, tuple[float, float, float]] = {}
    runs = 20_000
    for kind, (ctx, cog_name) in sorted(captured.items()):
        request = check.request(ctx, cog_name)
        assert request.role_ids[:-1], "alice should hold roles"

        def build(n: int, ctx: Any = ctx, cog_name: str | None = cog_name) -> None:
            make = check.request
            for _ in range(n):
                make(ctx, cog_name)

        decide = await async_per_call_us(lambda request=request: chain.decide(request), runs)
        whole = await async_per_call_us(
            lambda ctx=ctx, cog_name=cog_name: check(ctx, cog_name=cog_name), runs
        )
        costs[kind] = (per_call_us(build, runs), decide, whole)
    # A cog's listener receiving alice's `!ping` message (one of the 50 bench cogs).
    ctx, cog_name = captured["!ping"]
    event = events.MessageCreate(message=ctx._prefixed_ctx.message)
    cog = bot.cogs.loaded["bench0"]

    look = chain.has_cog_links()  # as the gate asks: the bot's permissions only if a link looks

    def build_event(n: int) -> None:
        guild_id = int(ctx.guild_id)
        for _ in range(n):
            request_for_event(
                bot, event, guild_id=guild_id, cog_name="bench0", bot_permissions=look
            )

    heard = request_for_event(
        bot, event, guild_id=int(ctx.guild_id), cog_name="bench0", bot_permissions=look
    )
    assert heard.invoker_id == int(ctx.author_id)
    assert heard.role_ids[:-1], "alice's roles"
    costs["listener, per cog"] = (
        per_call_us(build_event, runs),
        await async_per_call_us(lambda: chain.decide(heard), runs),
        await async_per_call_us(lambda: cog._plughost_gate.listener_allowed(event), runs),
    )
    # For reference: the request with every field computed (what perm explain builds).
    full = per_call_us(
        lambda n: [request_from_context(ctx, cog_name=cog_name) for _ in range(n)], runs
    )
    costs["full request (explain)"] = (full, 0.0, 0.0)
    return costs


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--batch", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="also print cProfile tables")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="plughost-bench-") as tmp:
        async with (
            FakeDiscord(rate_limits=RateLimits.relaxed()) as bare_discord,
            FakeDiscord(rate_limits=RateLimits.relaxed()) as plug_discord,
            connect(f"sqlite:///{Path(tmp) / 'dispatch.db'}"),
        ):
            use_discord_api(bare_discord.api_base)
            client = interactions.Client(
                intents=DEFAULT_INTENTS,  # the same as plughost's
                logger=logging.getLogger("bench.bare"),
            )
            prefixed.setup(client, default_prefix="!")
            hybrid_commands.setup(client)
            Pong(client)
            async with started(client, bare_discord.token):
                await populate(bare_discord, client)
                use_discord_api(plug_discord.api_base)
                bot = Bot(prefix="!", track_events=False)
                async with started(bot, plug_discord.token):
                    await populate(plug_discord, bot)
                    await setup_plughost(bot, plug_discord)
                    bare = Side("bare interactions.py", bare_discord, client)
                    plug = Side("plughost", plug_discord, bot)
                    sides = [bare, plug]
                    await interleave(sides, args.rounds, args.batch)
                    costs = await chain_cost(bot, plug)
                    if args.profile:
                        await profile(sides, args.batch)
                use_discord_api(None)
    report(bare, plug, costs, args)


def report(bare: Side, plug: Side, costs: dict[str, tuple[float, float, float]], args: Any) -> None:
    def ratio(mine: list[float], base: list[float]) -> str:
        pct = (statistics.median(m / b for m, b in zip(mine, base, strict=True)) - 1) * 100
        return f"{pct:+.1f}%  (target <= +15%)"

    n = args.rounds * args.batch
    rows = []
    for label, mine, base, mine_rounds, base_rounds, mine_cpu, base_cpu in (
        ("!ping", plug.text, bare.text, plug.text_rounds, bare.text_rounds, plug.text_cpu,
         bare.text_cpu),
        ("/ping", plug.slash, bare.slash, plug.slash_rounds, bare.slash_rounds,
         plug.slash_cpu, bare.slash_cpu),
    ):  # fmt: skip
        rows.append(
            (
                f"{label} round trip (median)",
                f"{statistics.median(base):.2f} ms",
                f"{statistics.median(mine):.2f} ms",
                ratio(mine_rounds, base_rounds),
            )
        )
        rows.append(
            (
                f"{label} CPU per round trip",
                f"{statistics.median(base_cpu):.2f} ms",
                f"{statistics.median(mine_cpu):.2f} ms",
                ratio(mine_cpu, base_cpu),
            )
        )
    for kind, (build, decide, whole) in costs.items():
        if not decide:
            rows.append((f"chain: {kind}", "", f"{build:.1f} us", "(not on the hot path)"))
            continue
        rows.append((f"chain ({kind}): build request", "", f"{build:.1f} us", ""))
        rows.append((f"chain ({kind}): decide", "", f"{decide:.1f} us", ""))
        target = "target <= 30 us" if kind.endswith("ping") else ""
        rows.append((f"chain ({kind}): whole check", "", f"{whole:.1f} us", target))
    header = ("measurement", "bare i.py", "plughost", "overhead")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(
        f"dispatch through the local Discord (Python {sys.version.split()[0]}; 50 cogs, "
        f"100 rules; {args.rounds} alternating rounds x {args.batch}, {n} per cell; "
        "round trip = until the reply reaches the local Discord; CPU = this process's, "
        "bot and local Discord together, which other load on the machine barely moves)"
    )
    for i, row in enumerate([header, *rows]):
        print(
            "  ".join(
                c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(row)
            )
        )
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    asyncio.run(main())
