"""Latency of command lines through the emulator, with and without plughost's speed fixes.

    python bench/commands.py [--rounds 5] [--batch 50]

One bot on the local Discord answers each line in batches of ``--batch``; the
batches alternate between two set-ups, so both see the same machine load:

``before``
    interactions.py's own client-side limit of 45 requests a second (what the
    test kit ran with), the cog catalog read from every installed distribution on
    each call, and upstream's ``HybridContext.from_prefixed_context`` (permissions
    computed with ``Permissions.ALL`` flags).
``after``
    what plughost does now: the limit lifted against the emulator, the catalog
    cached until ``sys.path`` changes, permissions computed in ints.

Prints mean milliseconds per line (median over rounds), and the cost of one
``scan()`` cached and uncached.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import timeit
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from interactions.ext.hybrid_commands import HybridContext

from plughost.cogs import discovery
from plughost.config import connect
from plughost.runtime.bot import Bot
from plughost.runtime.contexts import PlughostHybridContext
from plughost.testing.emulator import FakeDiscord, RateLimits
from plughost.testing.running import running_bot

UPSTREAM_REQUESTS_PER_SECOND = 45


@contextmanager
def before(bot: Bot) -> Iterator[None]:
    """The bot as it was before the fixes, for the duration of the block."""
    lock = bot.http.global_lock
    relaxed = lock.max_requests
    ours = PlughostHybridContext.__dict__["from_prefixed_context"]
    real_scan = discovery.scan

    def uncached_scan(**kwargs: object) -> discovery.CogCatalog:
        discovery.invalidate_catalog()
        return real_scan(**kwargs)  # type: ignore[arg-type]

    lock.max_requests = UPSTREAM_REQUESTS_PER_SECOND
    PlughostHybridContext.from_prefixed_context = HybridContext.__dict__["from_prefixed_context"]  # type: ignore[method-assign]
    discovery.scan = uncached_scan
    manager_module = sys.modules["plughost.cogs.manager"]
    manager_module.scan = uncached_scan  # type: ignore[attr-defined]
    try:
        yield
    finally:
        lock.max_requests = relaxed
        lock.reset_calls()
        PlughostHybridContext.from_prefixed_context = ours  # type: ignore[method-assign]
        discovery.scan = real_scan
        manager_module.scan = real_scan  # type: ignore[attr-defined]


async def _batch(discord: FakeDiscord, line: str, count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        await discord.send(line, author=discord.owner, expect=None)
    return (time.perf_counter() - start) / count * 1000


async def main(rounds: int, batch: int) -> None:
    async with FakeDiscord(rate_limits=RateLimits.relaxed()) as discord:
        folder = Path(tempfile.mkdtemp())
        async with (
            connect(f"sqlite:///{folder / 'bench.db'}"),
            running_bot(discord, owner_ids=[discord.owner.id]) as bot,
        ):
            lines = ["!ping", f"<@{bot.user.id}> ping", "!cog list", "!perm rules", "!help"]
            results: dict[tuple[str, str], list[float]] = {}
            for line in lines:
                await discord.send(line, author=discord.owner, expect=None)  # warm up
                for n in range(rounds):
                    order = ["before", "after"] if n % 2 == 0 else ["after", "before"]
                    for setup in order:
                        if setup == "before":
                            with before(bot):
                                took = await _batch(discord, line, batch)
                        else:
                            took = await _batch(discord, line, batch)
                        results.setdefault((line, setup), []).append(took)
                        await asyncio.sleep(1.1)  # a fresh 45-a-second window for each batch
    print(f"{'line':32} {'before ms':>10} {'after ms':>10} {'ratio':>7}")
    for line in lines:
        was = statistics.median(results[(line, "before")])
        now = statistics.median(results[(line, "after")])
        shown = line if not line.startswith("<@") else "@bot ping"
        print(f"{shown:32} {was:10.2f} {now:10.2f} {was / now:7.1f}")

    def uncached_scan() -> None:
        discovery.invalidate_catalog()
        discovery.scan()

    uncached = timeit.timeit(uncached_scan, number=5)
    discovery.scan()
    cached = timeit.timeit(discovery.scan, number=200)
    print(f"\nscan(): uncached {uncached / 5 * 1000:.2f} ms, cached {cached / 200 * 1e6:.1f} µs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.batch))
