"""A concurrent burst into one channel at Discord's 5 sends per window: who loses replies.

    python bench/rate_limits.py [--sends 20] [--window 0.5] [--rounds 3]

interactions.py's own HTTP client against plughost's `GuardedHTTPClient` (the bot's),
each in turn against a fresh local Discord whose message bucket is Discord's 5
requests, on a window of ``--window`` seconds (Discord's is 5 s). The table shows,
summed over rounds: sends that returned the message, sends lost (None or an error),
messages stored, the 429s the local Discord answered, and the burst's median time
as a ratio of the guarded client's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time

from interactions.api.http.http_client import HTTPClient

from plughost.runtime.bot import use_discord_api
from plughost.runtime.http_limits import GuardedHTTPClient
from plughost.testing.emulator import FakeDiscord, Limit, RateLimits


async def burst(kind: type[HTTPClient], sends: int, window: float) -> tuple[int, int, int, float]:
    limits = RateLimits()
    limits.routes[("POST", "/channels/{major}/messages")] = Limit(5, window)
    async with FakeDiscord(rate_limits=limits) as discord:
        use_discord_api(discord.api_base)
        http = kind()
        await http.login(discord.token)
        try:
            start = time.perf_counter()
            results = await asyncio.gather(
                *(
                    http.create_message({"content": f"n{i}"}, discord.channel.id)
                    for i in range(sends)
                ),
                return_exceptions=True,
            )
            took = time.perf_counter() - start
        finally:
            await http.close()
            use_discord_api(None)
        landed = sum(isinstance(r, dict) for r in results)
        stored = len([m for m in discord.messages() if m.content.startswith("n")])
        return landed, stored, limits.refused["user"], took


async def main(args: argparse.Namespace) -> None:
    kinds = {
        "interactions.py HTTPClient": HTTPClient,
        "plughost GuardedHTTPClient": GuardedHTTPClient,
    }
    totals: dict[str, list[float]] = {name: [0, 0, 0] for name in kinds}
    times: dict[str, list[float]] = {name: [] for name in kinds}
    for n in range(args.rounds):
        order = list(kinds) if n % 2 == 0 else list(reversed(kinds))
        for name in order:
            landed, stored, refused, took = await burst(kinds[name], args.sends, args.window)
            totals[name][0] += landed
            totals[name][1] += stored
            totals[name][2] += refused
            times[name].append(took)
    asked = args.sends * args.rounds
    guarded = statistics.median(times["plughost GuardedHTTPClient"])
    print(f"{args.sends} concurrent sends x {args.rounds} rounds, 5 per {args.window} s window")
    print(f"{'client':28} {'returned':>9} {'lost':>5} {'stored':>7} {'429s':>5} {'time ratio':>11}")
    for name in kinds:
        landed, stored, refused = (int(v) for v in totals[name])
        ratio = statistics.median(times[name]) / guarded
        print(f"{name:28} {landed:>9} {asked - landed:>5} {stored:>7} {refused:>5} {ratio:>10.2f}x")


if __name__ == "__main__":
    logging.getLogger("interactions").setLevel(logging.CRITICAL)  # its 429 warnings, per request
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=20)
    parser.add_argument("--window", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
