"""One shard at Discord's scale: 2,500 guilds and 250,000 members, plughost against bare.

    python bench/scale.py [--guilds 2500] [--members-per-guild 100] [--rounds 1]
                          [--rate 2000] [--seconds 10] [--no-bytecode]

The local Discord (``bench/local_discord.py``, its own process) holds ``--guilds``
guilds of ``--members-per-guild`` members; every GUILD_CREATE carries its
members. Each round starts ``plughost run`` (an SQLite instance, nothing but the
built-in cog, its default caches) and a bare interactions.py bot (the same
default caches: 250 messages, every member), one after the other, and measures:

- ready after start: spawning the process to its first ``!ping`` answered (the
  gateway sends every GUILD_CREATE before that message, so all were handled);
- resident memory once ready, and per 1,000 guilds (the whole process's, so a
  bot's fixed ~50-75 MB is in it);
- chatter: ``--rate`` plain messages a second over every guild for ``--seconds``,
  with ``!ping`` sequentially meanwhile: the bot's CPU per chatter message (its
  CPU over the flood, less the pings' CPU measured before it), and the pings' p50
  and p99 round trips.

As in ``bench/processes.py``, plughost's sources are compiled to bytecode first
(``--no-bytecode`` skips it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import LOCAL_DISCORD, ME, Driver, compile_bytecode, cpu_seconds, rss_mb, stop


@dataclass
class Scale:
    name: str
    ready_s: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    chatter_us: list[float] = field(default_factory=list)
    ping_p50: list[float] = field(default_factory=list)
    ping_p99: list[float] = field(default_factory=list)
    posted: list[int] = field(default_factory=list)


async def measure(
    figures: Scale,
    command: list[str],
    *,
    env: dict[str, str],
    driver: Driver,
    args: argparse.Namespace,
    readies: list[int],
) -> None:
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        readies[0] += 1
        await driver.call("ready", count=readies[0], timeout=600)
        figures.ready_s.append(time.perf_counter() - started)
        figures.rss_mb.append(rss_mb(proc.pid))
        cpu = cpu_seconds(proc.pid)
        await driver.call("commands", content="!ping", n=50)
        ping_cpu = (cpu_seconds(proc.pid) - cpu) / 50
        cpu = cpu_seconds(proc.pid)
        flood = asyncio.create_task(driver.call("flood", rate=args.rate, seconds=args.seconds))
        times: list[float] = []
        while not flood.done():
            times += (await driver.call("commands", content="!ping", n=10))["ms"]
        posted = (await flood)["posted"]
        # The chatter posted is read before the last pings' replies (in order).
        spent = cpu_seconds(proc.pid) - cpu - ping_cpu * len(times)
        figures.chatter_us.append(spent / posted * 1e6)
        figures.posted.append(posted)
        q = statistics.quantiles(times, n=100)
        figures.ping_p50.append(q[49])
        figures.ping_p99.append(q[98])
    finally:
        await stop(proc, 60)


def plughost_instance(home: Path, n: int) -> str:
    os.environ["PLUGHOST_HOME"] = str(home)
    from plughost.instances import create

    return create(f"scale{n}", backend="sqlite", prefix="!", owners=(), token=None).name


async def main(args: argparse.Namespace, names: list[str], home: Path) -> None:
    emulator = await asyncio.create_subprocess_exec(
        *LOCAL_DISCORD,
        "--members",
        "0",
        "--guilds",
        str(args.guilds - 1),  # and the demo guild
        "--members-per-guild",
        str(args.members_per_guild),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert emulator.stdout is not None
    assert emulator.stdin is not None
    info = json.loads(await emulator.stdout.readline())
    env = {**os.environ, "PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": info["token"]}
    plug, bare = Scale("plughost run"), Scale("bare interactions.py")
    readies = [0]
    if args.no_bytecode:
        print("plughost's sources are not precompiled (--no-bytecode)")
    else:
        print(f"bytecode compiled in {', '.join(compile_bytecode())}")
    print(f"load before: {os.getloadavg()}", flush=True)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as s:
            driver = Driver(info["control"], s)
            for n in range(args.rounds):
                runs = [
                    (plug, [sys.executable, "-m", "plughost", "run", names[n]]),
                    (bare, [*ME, "--bot", "ipy"]),
                ]
                for figures, base in runs if n % 2 == 0 else runs[::-1]:
                    if figures is plug:
                        command = [*base, "--discord-url", info["api"]]
                    else:
                        command = [*base, info["api"], info["token"]]
                    await measure(
                        figures, command, env=env, driver=driver, args=args, readies=readies
                    )
                    print(
                        f"round {n + 1} {figures.name}: ready {figures.ready_s[-1]:.1f} s, "
                        f"rss {figures.rss_mb[-1]:.0f} MB, chatter {figures.chatter_us[-1]:.0f}"
                        f" µs ({figures.posted[-1] / args.seconds:.0f}/s posted), ping p99 "
                        f"{figures.ping_p99[-1]:.1f} ms",
                        flush=True,
                    )
    finally:
        emulator.stdin.close()
        await emulator.wait()
    print(f"load after: {os.getloadavg()}")
    print()
    print(
        f"{args.guilds:,} guilds x {args.members_per_guild} members, one shard; "
        f"chatter {args.rate:,}/s asked for {args.seconds} s, "
        f"{statistics.median(plug.posted + bare.posted) / args.seconds:,.0f}/s posted; "
        f"medians of {args.rounds} round(s)"
    )
    rows = [
        ("ready after start", "ready_s", "s", 1),
        ("resident memory once ready", "rss_mb", "MB", 0),
        ("CPU per chatter message", "chatter_us", "µs", 0),
        ("`!ping` p50 under chatter", "ping_p50", "ms", 1),
        ("`!ping` p99 under chatter", "ping_p99", "ms", 1),
    ]
    print("| | bare interactions.py | `plughost run` | plughost / bare |")
    print("|---|---|---|---|")
    for label, attr, unit, digits in rows:
        ours, theirs = getattr(plug, attr), getattr(bare, attr)
        ratio = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
        print(
            f"| {label} | {statistics.median(theirs):.{digits}f} {unit} "
            f"| {statistics.median(ours):.{digits}f} {unit} | {ratio:.2f}x |"
        )
    per = 1000 / args.guilds
    print(
        f"| memory per 1,000 guilds | {statistics.median(bare.rss_mb) * per:.0f} MB "
        f"| {statistics.median(plug.rss_mb) * per:.0f} MB | |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guilds", type=int, default=2500)
    parser.add_argument("--members-per-guild", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="do not precompile plughost's sources"
    )
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="plughost-scale-"))
    names = [plughost_instance(home, n) for n in range(args.rounds)]
    asyncio.run(main(args, names, home))
