"""Time to ready with 0, 10 and 50 installed cogs, and the cost of the enablement check.

Cogs are written as installed distributions (a package plus a ``.dist-info`` folder
with ``entry_points.txt``, the layout pip writes) in a temporary folder put on
``sys.path``; the bot (``load_all_cogs=True``, as the console) scans, imports,
loads them and syncs their commands against the local Discord emulator.

Run: ``python bench/cogs.py``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import timeit
from pathlib import Path

COG = '''
from interactions.ext.hybrid_commands import hybrid_slash_command
from plughost.cogs import Cog

class Bench{n}(Cog):
    """Bench cog {n}."""

    @hybrid_slash_command(name="bench{n}", description="Bench command {n}.")
    async def run(self, ctx):
        await ctx.send("{n}")
'''


def write_cogs(root: Path, count: int) -> None:
    for n in range(count):
        package = root / f"phbench_{n}"
        package.mkdir()
        (package / "__init__.py").write_text(COG.format(n=n))
        info = root / f"phbench_{n}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: phbench-{n}\nVersion: 1.0\n"
            "Summary: bench\nRequires-Dist: plughost>=0.1\n"
        )
        (info / "entry_points.txt").write_text(
            f"[plughost.cogs]\nbench{n} = phbench_{n}:Bench{n}\n"
        )
        (info / "RECORD").write_text(f"phbench_{n}/__init__.py,,\n")


async def time_to_ready(count: int) -> tuple[float, int, int]:
    from plughost.config import connect
    from plughost.testing.emulator import FakeDiscord, RateLimits
    from plughost.testing.running import running_bot

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_cogs(root, count)
        sys.path.insert(0, str(root))
        try:
            async with (
                FakeDiscord(rate_limits=RateLimits.relaxed()) as discord,
                connect(f"sqlite:///{root / 'bench.db'}"),
            ):
                start = time.perf_counter()
                async with running_bot(discord, load_all_cogs=True) as bot:
                    # Ready follows the first command sync (Bot._init_interactions).
                    assert bot.cogs.sync.started
                    elapsed = time.perf_counter() - start
                    return elapsed, len(bot.cogs.loaded), bot.cogs.sync.requests
        finally:
            sys.path.remove(str(root))
            for name in [m for m in sys.modules if m.startswith("phbench_")]:
                del sys.modules[name]


def enablement_cost() -> tuple[float, float]:
    from plughost.cogs.enablement import Enablement

    enablement = Enablement()
    for n in range(50):
        enablement.declare(f"bench{n}", default=True, toggleable=True)
        for guild in range(100):
            enablement.set(f"bench{n}", guild, guild % 2 == 0)
    number = 200_000
    lookup = timeit.timeit(lambda: enablement.is_enabled("bench25", 51), number=number)
    check_loop = asyncio.new_event_loop()

    from plughost.permissions.chain import PermissionChain
    from plughost.permissions.decision import PermissionRequest
    from plughost.permissions.state import PermissionState

    # The gate's decision for a member of guild 51, enablement being one link of it.
    chain = PermissionChain(PermissionState(), enablement=enablement)
    request = PermissionRequest(
        kind="prefixed", invoker_id=7, guild_id=51, channel_id=52, cog_name="bench25"
    )

    async def many() -> float:
        start = time.perf_counter()
        for _ in range(number):
            await chain.decide(request)
        return time.perf_counter() - start

    awaited = check_loop.run_until_complete(many())
    check_loop.close()
    return lookup / number * 1e6, awaited / number * 1e6


def main() -> None:
    print(f"{'installed cogs':>15} | {'loaded':>6} | {'sync requests':>13} | time to ready")
    print("-" * 60)
    for count in (0, 10, 50):
        elapsed, loaded, requests = asyncio.run(time_to_ready(count))
        print(f"{count:>15} | {loaded:>6} | {requests:>13} | {elapsed:.2f} s")
    lookup, check = enablement_cost()
    print()
    print("enablement check, 50 cogs loaded, 100 guild choices each:")
    print(f"  Enablement.is_enabled       {lookup:.3f} us per call")
    print(f"  chain decision (awaited)    {check:.3f} us per invocation")


if __name__ == "__main__":
    main()
