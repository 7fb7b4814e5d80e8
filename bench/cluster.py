"""Scale-out: commands/s served by 1, 2 and 4 shard processes, and cross-process invalidation.

    python bench/cluster.py [--commands 400] [--samples 300]

Everything is real: ``python -m plughost run`` processes (one per group of the 4
shards) on one PostgreSQL database (``PLUGHOST_TEST_DSN``'s server, default
127.0.0.1:5432; a throwaway database), talking over sockets to the emulator with
4 shards and 4 guilds per shard. The emulator runs in a process of its own
(``bench/local_discord.py``), so that it takes no CPU from this one.
``--commands`` ``!ping`` messages are posted at once, spread over the guilds;
the rate is commands answered per second, from the first post to the last reply.

interactions.py throttles REST to Discord's 45 requests/s per client, and a
plughost bot keeps that throttle everywhere; the bench instance's
``requests_per_second`` is set to 1,000,000 (the emulator relaxes its own limits
too), so the rates show plughost's own cost, not Discord's limit. The table also shows the bots' CPU
per command (all processes together, from /proc) and how busy the emulator's
process was, to tell which side limits.

Invalidation latency: this process caches a Config value; another process
writes it (``Value.set`` returned, then it prints the monotonic clock, shared
by all processes of the machine); this process polls its cached read until the
new value shows, which happens once the NOTIFY has dropped the cached copy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg

from plughost.cluster.heartbeat import read_status
from plughost.cluster.shards import format_shards, split_shards
from plughost.config import Config, connect
from plughost.instances import create, edit

# The one variable of plughost's test kit names the server (its database is only
# connected to, to create and drop the bench's own).
ADMIN_DSN = os.environ.get("PLUGHOST_TEST_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
LOCAL_DISCORD = [sys.executable, str(Path(__file__).resolve().parent / "local_discord.py")]
SHARDS = 4
GUILDS_PER_SHARD = 4

_WRITER = """
import asyncio, sys, time
from plughost.config import Config, connect

async def main():
    async with connect(sys.argv[1]):
        conf = Config.get_conf(None, identifier=7, cog_name="bench")
        for i in range(int(sys.argv[2])):
            await conf.value.set(i)
            print(i, time.monotonic_ns(), flush=True)
            sys.stdin.readline()

asyncio.run(main())
"""


async def wait_processes(dsn: str, count: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                rows = [r for r in await read_status(conn) if r.alive(1.0)]
            except asyncpg.UndefinedTableError:
                rows = []
            if len(rows) == count:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{count} processes never reported; rows: {rows}")
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class LocalDiscord:
    """``bench/local_discord.py`` in its own process, and its control API."""

    def __init__(self, proc: asyncio.subprocess.Process, info: dict[str, str]) -> None:
        self.proc = proc
        self.api = info["api"]
        self.token = info["token"]
        self.control = info["control"]

    async def call(self, session: aiohttp.ClientSession, op: str, **body: object) -> dict:
        async with session.post(f"{self.control}/{op}", json=body) as response:
            answer: dict = await response.json()
        if "error" in answer:
            raise RuntimeError(f"local Discord, {op}: {answer['error']}")
        return answer


async def serve_rate(
    discord: LocalDiscord,
    session: aiohttp.ClientSession,
    dsn: str,
    env: dict[str, str],
    *,
    processes: int,
    round_no: int,
    n: int,
) -> tuple[float, float, float]:
    """(commands/s, bot CPU ms per command, emulator CPU busy share) for one round."""
    base = ["-m", "plughost", "run", "bench", "--total-shards", str(SHARDS)]
    base += ["--discord-url", discord.api]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            *base,
            "--shards",
            format_shards(group),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for group in split_shards(SHARDS, processes)
    ]
    try:
        await discord.call(
            session, "wait_ready", shards=list(range(SHARDS)), count=round_no, timeout=60
        )
        await wait_processes(dsn, processes)
        pids = [proc.pid for proc in procs]
        cpu_before = cpu_seconds(pids)
        burst = await discord.call(session, "burst", content="!ping", n=n)
        if burst["replies"] != n:
            raise RuntimeError(f"expected {n} pongs, got {burst['replies']}")
        elapsed = burst["seconds"]
        busy = burst["cpu"] / elapsed
        return n / elapsed, (cpu_seconds(pids) - cpu_before) * 1000 / n, busy
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            await proc.wait()


async def invalidation_latency(dsn: str, samples: int) -> list[float]:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=7, cog_name="bench")
        await conf.value.set(-1)
        await conf.value()
        writer = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _WRITER,
            dsn,
            str(samples),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert writer.stdout is not None
        assert writer.stdin is not None
        latencies = []
        for _ in range(samples):
            line = (await writer.stdout.readline()).split()
            value, written = int(line[0]), int(line[1])
            while await conf.value() != value:  # noqa: ASYNC110 - measuring when it shows
                await asyncio.sleep(0)
            latencies.append((time.monotonic_ns() - written) / 1e6)
            writer.stdin.write(b"\n")
        await writer.wait()
        return latencies


async def main(commands: int, samples: int) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    name = f"plughost_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = f"{ADMIN_DSN.rpartition('/')[0]}/{name}"
    home = Path(tempfile.mkdtemp(prefix="plughost-bench-"))
    os.environ["PLUGHOST_HOME"] = str(home)
    try:
        create("bench", backend="postgres", dsn=dsn, prefix="!", owners=(), token=None)
        # The throttle alone would cap 4 processes at 4 x 45 commands/s.
        edit("bench", requests_per_second=1_000_000)
        results: dict[int, list[tuple[float, float, float]]] = {1: [], 2: [], 4: []}
        emulator = await asyncio.create_subprocess_exec(
            *LOCAL_DISCORD,
            "--members",
            "0",
            "--shards",
            str(SHARDS),
            "--guilds-per-shard",
            str(GUILDS_PER_SHARD),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert emulator.stdout is not None
        assert emulator.stdin is not None
        discord = LocalDiscord(emulator, json.loads(await emulator.stdout.readline()))
        env = {**os.environ, "PLUGHOST_TOKEN": discord.token}
        try:
            async with aiohttp.ClientSession() as session:
                # Interleaved, twice each: the machine's load drifts during a run.
                for round_no, processes in enumerate((1, 2, 4, 4, 2, 1), start=1):
                    rate, cpu, busy = await serve_rate(
                        discord,
                        session,
                        dsn,
                        env,
                        processes=processes,
                        round_no=round_no,
                        n=commands,
                    )
                    results[processes].append((rate, cpu, busy))
                    print(
                        f"  {processes} process(es): {rate:.0f} commands/s, "
                        f"{cpu:.2f} ms bot CPU/command, emulator busy {busy:.0%}",
                        flush=True,
                    )
        finally:
            emulator.stdin.close()
            await emulator.wait()
        latencies = await invalidation_latency(dsn, samples)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    q = statistics.quantiles(latencies, n=100)
    print()
    rates = {p: statistics.mean(r[0] for r in runs) for p, runs in results.items()}
    cpus = {p: statistics.mean(r[1] for r in runs) for p, runs in results.items()}
    idle = {p: statistics.mean(r[2] for r in runs) for p, runs in results.items()}
    print(
        f"| processes (4 shards) | commands/s ({commands} x !ping, mean of 2) "
        "| vs 1 process | bot CPU per command | emulator busy |"
    )
    print("|---|---|---|---|---|")
    for processes, rate in rates.items():
        print(
            f"| {processes} | {rate:.0f} | {rate / rates[1]:.2f}x | {cpus[processes]:.2f} ms "
            f"| {idle[processes]:.0%} |"
        )
    print()
    print(f"| invalidation between processes ({samples} writes) | p50 | p99 |")
    print("|---|---|---|")
    print(f"| write returned -> new value read elsewhere | {q[49]:.2f} ms | {q[98]:.2f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=400)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.samples))
