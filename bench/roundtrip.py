"""Round trips through the local Discord, and start-to-READY time by guild count.

    python bench/roundtrip.py [--seconds 3] [--guilds 1,100,1000]

Everything is real but Discord: the plughost bot (an interactions.py client) on a
real SQLite store talks over sockets to the emulator. A round trip is one member
input to the moment the bot has finished handling it (the bot's own event
tracking, as in the console and the test kit): `!ping` costs one REST call,
`/ping` two (callback, then the emulator serves the reply).

interactions.py throttles itself to 45 REST requests per second per process
(Discord's global limit); that cap is lifted here, and only here, so that the
table shows plughost's cost rather than the throttle.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from plughost.config import connect
from plughost.runtime.bot import Bot
from plughost.testing.emulator import FakeDiscord, RateLimits
from plughost.testing.running import running_bot


def lift_rest_cap(bot: Bot) -> None:
    """Let the client send as fast as the emulator answers (benchmark only)."""
    bot.http.global_lock.max_requests = 1_000_000_000
    bot.http.global_lock.reset_calls()


async def rate(action: Callable[[], Awaitable[object]], seconds: float) -> tuple[float, float]:
    """Round trips per second over ``seconds``, and the median latency in ms."""
    for _ in range(20):  # warm up caches and connections
        await action()
    latencies: list[float] = []
    start = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        await action()
        latencies.append(time.perf_counter() - now)
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


async def concurrent_rate(
    discord: FakeDiscord, senders: int, seconds: float
) -> tuple[float, float]:
    members = [discord.member(f"member{n}") for n in range(senders)]
    channels = [discord.add_channel(f"bench-{n}") for n in range(senders)]
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def sender(n: int) -> None:
        while (now := time.perf_counter()) < deadline:
            await discord.send("!ping", author=members[n], channel=channels[n])
            latencies.append(time.perf_counter() - now)

    start = time.perf_counter()
    await asyncio.gather(*(sender(n) for n in range(senders)))
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


async def round_trips(seconds: float, folder: Path) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    async with (
        FakeDiscord(rate_limits=RateLimits.relaxed()) as discord,
        connect(f"sqlite:///{folder / 'roundtrip.db'}"),
        running_bot(discord) as bot,
    ):
        lift_rest_cap(bot)
        per_s, median = await rate(lambda: discord.send("!ping"), seconds)
        rows.append(("!ping round trip, one member", f"{per_s:,.0f} /s", f"{median:.2f} ms"))
        per_s, median = await rate(lambda: discord.slash("ping"), seconds)
        rows.append(("/ping round trip, one member", f"{per_s:,.0f} /s", f"{median:.2f} ms"))
        per_s, median = await concurrent_rate(discord, 10, seconds)
        rows.append(("!ping, 10 members at once", f"{per_s:,.0f} /s", f"{median:.2f} ms"))
    return rows


async def start_to_ready(guilds: int, folder: Path) -> float:
    async with (
        FakeDiscord(rate_limits=RateLimits.relaxed()) as discord,
        connect(f"sqlite:///{folder / f'ready{guilds}.db'}"),
    ):
        for n in range(guilds - 1):  # the demo guild is the first
            discord.add_guild(f"Guild {n}")
        start = time.perf_counter()
        async with running_bot(discord) as bot:
            elapsed = time.perf_counter() - start
            assert len(bot.guilds) == guilds, (len(bot.guilds), guilds)
        return elapsed


def table(rows: list[tuple[str, str, str]]) -> str:
    header = ("measurement", "rate", "median")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per round-trip measurement")
    parser.add_argument("--guilds", default="1,100,1000", help="guild counts for start-to-READY")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="plughost-bench-") as tmp:
        folder = Path(tmp)
        rows = await round_trips(args.seconds, folder)
        for count in (int(g) for g in args.guilds.split(",")):
            elapsed = await start_to_ready(count, folder)
            rows.append((f"start to READY, {count:,} guild(s)", "", f"{elapsed * 1000:,.0f} ms"))
    print(f"plughost round trips through the local Discord (Python {sys.version.split()[0]})")
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
