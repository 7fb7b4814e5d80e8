"""Scale-out: commands/s served by 1, 2 and 4 shard processes, and cross-process invalidation.

    python bench/cluster.py [--commands 400] [--samples 300] [--rate 300] [--seconds 5]
                            [--max-other 100]

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

A burst saturates the machine: what it measures is throughput under contention
(on two cores, four bot processes, the emulator and PostgreSQL share them), and
a process that wakes to a queue of events answers many per wake-up. The second
table is CPU per command at a steady rate every configuration sustains
(``--rate`` commands/s for ``--seconds``, posted evenly by the emulator's
``/paced``). On the same processes, after the burst, the bots' CPU is read over a
window of ``--seconds`` with no commands (idle: heartbeats, the gateway, the
cluster's own upkeep), then over the paced run; CPU per command is shown gross
and above idle (minus the idle rate over the paced run's duration). Latency is
the emulator's, each command's post to its reply being stored. Each round waits
for a quiet second first, and one whose paced run other processes overlapped
(more than ``--max-other`` ms of CPU a second: the machine's from /proc/stat, less
the bots', the emulator's and PostgreSQL's; tick-sampled, so near zero it reads a
few tens either side) is run again, up to three times.

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
from dataclasses import dataclass
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
#: Runs of one round when other work on the machine overlaps its paced run.
TRIES = 3

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
    return sum(process_cpu(pid) for pid in pids)


def process_cpu(pid: int, *, system: bool = False) -> float:
    """User + system (or system only) CPU seconds of one process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    utime, stime = int(fields[11]), int(fields[12])
    return ((0 if system else utime) + stime) / os.sysconf("SC_CLK_TCK")


def context_switches(pid: int) -> int:
    """Voluntary + involuntary context switches of every thread of the process."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            lines = status.read_text().splitlines()
        except OSError:  # the thread ended meanwhile
            continue
        total += sum(int(line.split()[1]) for line in lines if "ctxt_switches:" in line)
    return total


def machine_cpu() -> tuple[float, float]:
    """CPU seconds the whole machine's processes have run (user, nice, system), and
    the time its virtual CPUs were ready but the host ran something else (steal)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(fields[:3]) / ticks, fields[7] / ticks


async def wait_quiet(limit: float, patience: float = 300) -> float:
    """Wait (up to ``patience`` seconds) for a second in which the machine's processes
    ran less than ``limit`` ms; return the last second's ms."""
    deadline = time.monotonic() + patience
    while True:
        before = machine_cpu()[0]
        await asyncio.sleep(1)
        busy = (machine_cpu()[0] - before) * 1000
        if busy < limit or time.monotonic() > deadline:
            return busy


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends included)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().partition("(")[2].startswith("postgres)"):
                pids.append(int(stat.parent.name))
        except OSError:
            continue
    return pids


@dataclass
class Sample:
    """CPU seconds (each bot process; PostgreSQL) and the bots' context switches, now."""

    at: float
    bots: list[float]
    system: float  # the bots' system CPU, all together
    postgres: float
    switches: int
    machine: float
    steal: float

    @classmethod
    def take(cls, pids: list[int], pg: list[int]) -> Sample:
        postgres = 0.0
        for pid in pg:
            try:
                postgres += process_cpu(pid)
            except OSError:  # a backend that ended
                continue
        return cls(
            time.perf_counter(),
            [process_cpu(pid) for pid in pids],
            sum(process_cpu(pid, system=True) for pid in pids),
            postgres,
            sum(context_switches(pid) for pid in pids),
            *machine_cpu(),
        )


@dataclass
class Round:
    """One configuration's round: the burst, then idle and paced windows."""

    rate: float  # burst: commands/s
    burst_cpu: float  # burst: bot CPU ms per command
    busy: float  # burst: the emulator's CPU share
    idle: float  # bots' CPU ms per second with no commands, all processes
    gross: float  # paced: bot CPU ms per command
    net: float  # paced: bot CPU ms per command above idle
    split: list[float]  # paced: each process's CPU ms per command, gross
    system: float  # paced: the bots' system CPU (kernel), ms per command, gross
    postgres: float  # paced: PostgreSQL's CPU ms per command above its idle
    switches: float  # paced: the bots' context switches per command
    emulator: float  # paced: the emulator's CPU share
    others: float  # paced: the rest of the machine's CPU, ms per second
    steal: float  # paced: the virtual machine's steal time, ms per second
    latencies: list[float]  # paced: ms, post to reply


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


async def serve_round(
    discord: LocalDiscord,
    session: aiohttp.ClientSession,
    dsn: str,
    env: dict[str, str],
    *,
    processes: int,
    round_no: int,
    n: int,
    rate: float,
    seconds: float,
) -> Round:
    """The burst, then an idle window and a paced run, on the same processes."""
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
        burst_cpu = (cpu_seconds(pids) - cpu_before) * 1000 / n
        await asyncio.sleep(1)  # what the burst left behind settles
        pg = postgres_pids()
        idle_start = Sample.take(pids, pg)
        await asyncio.sleep(seconds)
        idle_end = Sample.take(pids, pg)
        paced = await discord.call(session, "paced", content="!ping", rate=rate, seconds=seconds)
        paced_end = Sample.take(pids, pg)
        paced_n = round(rate * seconds)
        if paced["replies"] != paced_n:
            raise RuntimeError(f"expected {paced_n} pongs, got {paced['replies']}")
        idle_for = idle_end.at - idle_start.at
        paced_for = paced_end.at - idle_end.at
        idle_rate = (sum(idle_end.bots) - sum(idle_start.bots)) / idle_for
        pg_idle_rate = (idle_end.postgres - idle_start.postgres) / idle_for
        gross = sum(paced_end.bots) - sum(idle_end.bots)
        pg_paced = paced_end.postgres - idle_end.postgres
        return Round(
            rate=n / elapsed,
            burst_cpu=burst_cpu,
            busy=burst["cpu"] / elapsed,
            idle=idle_rate * 1000,
            gross=gross * 1000 / paced_n,
            net=(gross - idle_rate * paced_for) * 1000 / paced_n,
            split=[
                (b - a) * 1000 / paced_n for a, b in zip(idle_end.bots, paced_end.bots, strict=True)
            ],
            system=(paced_end.system - idle_end.system) * 1000 / paced_n,
            postgres=(pg_paced - pg_idle_rate * paced_for) * 1000 / paced_n,
            switches=(paced_end.switches - idle_end.switches) / paced_n,
            emulator=paced["cpu"] / paced["seconds"],
            # Not the bots, the emulator or PostgreSQL: other work on the machine.
            others=(paced_end.machine - idle_end.machine - gross - pg_paced - paced["cpu"])
            * 1000
            / paced_for,
            steal=(paced_end.steal - idle_end.steal) * 1000 / paced_for,
            latencies=paced["ms"],
        )
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


def report_round(processes: int, r: Round) -> None:
    split = " + ".join(f"{ms:.2f}" for ms in r.split)
    print(
        f"  {processes} process(es): burst {r.rate:.0f} commands/s, "
        f"{r.burst_cpu:.2f} ms bot CPU/command, emulator busy {r.busy:.0%}; "
        f"paced {r.gross:.2f} ms/command gross ({split}; "
        f"system {r.system:.2f}), "
        f"{r.net:.2f} above idle, idle {r.idle:.1f} ms/s, "
        f"PostgreSQL {r.postgres:.2f} ms/command above idle, "
        f"{r.switches:.1f} context switches/command, "
        f"emulator busy {r.emulator:.0%}, rest of the machine "
        f"{r.others:.0f} ms/s, steal {r.steal:.0f} ms/s, "
        f"p50 {percentile(r.latencies, 50):.2f} ms "
        f"p99 {percentile(r.latencies, 99):.2f} ms",
        flush=True,
    )


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


def print_tables(
    results: dict[int, list[Round]], commands: int, rate: float, seconds: float
) -> None:
    def mean(processes: int, field: str) -> float:
        return statistics.mean(getattr(r, field) for r in results[processes])

    print()
    print(
        f"| processes (4 shards) | commands/s ({commands} x !ping, mean of 2) "
        "| vs 1 process | bot CPU per command | emulator busy |"
    )
    print("|---|---|---|---|---|")
    for processes in results:
        rate_ = mean(processes, "rate")
        print(
            f"| {processes} | {rate_:.0f} | {rate_ / mean(1, 'rate'):.2f}x "
            f"| {mean(processes, 'burst_cpu'):.2f} ms | {mean(processes, 'busy'):.0%} |"
        )
    print()
    paced_n = round(rate * seconds)
    print(
        f"| processes (4 shards) | bot CPU per command ({paced_n} x !ping at {rate:g}/s, "
        "mean of 2), gross | above idle | vs 1 process | idle CPU, all processes "
        "| PostgreSQL CPU per command above idle | reply p50 | reply p99 "
        "| other processes meanwhile |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for processes, runs in results.items():
        net = mean(processes, "net")
        pooled = [ms for r in runs for ms in r.latencies]
        print(
            f"| {processes} | {mean(processes, 'gross'):.2f} ms | {net:.2f} ms "
            f"| {net / mean(1, 'net'):.2f}x | {mean(processes, 'idle'):.1f} ms/s "
            f"| {mean(processes, 'postgres'):.2f} ms "
            f"| {percentile(pooled, 50):.2f} ms | {percentile(pooled, 99):.2f} ms "
            f"| {mean(processes, 'others'):.0f} ms/s |"
        )
    print()


async def main(commands: int, samples: int, rate: float, seconds: float, max_other: float) -> None:
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
        results: dict[int, list[Round]] = {1: [], 2: [], 4: []}
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
                started = 0
                for processes in (1, 2, 4, 4, 2, 1):
                    for attempt in range(1, TRIES + 1):
                        await wait_quiet(max_other)
                        started += 1
                        r = await serve_round(
                            discord,
                            session,
                            dsn,
                            env,
                            processes=processes,
                            round_no=started,
                            n=commands,
                            rate=rate,
                            seconds=seconds,
                        )
                        report_round(processes, r)
                        if r.others <= max_other:
                            break
                        print(
                            f"    other work ran beside the paced run "
                            f"({r.others:.0f} ms/s, over {max_other:g})"
                            + ("; run again" if attempt < TRIES else "; kept"),
                            flush=True,
                        )
                    results[processes].append(r)
        finally:
            emulator.stdin.close()
            await emulator.wait()
        latencies = await invalidation_latency(dsn, samples)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    q = statistics.quantiles(latencies, n=100)

    print_tables(results, commands, rate, seconds)
    print(f"| invalidation between processes ({samples} writes) | p50 | p99 |")
    print("|---|---|---|")
    print(f"| write returned -> new value read elsewhere | {q[49]:.2f} ms | {q[98]:.2f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=400)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--rate", type=float, default=300, help="paced commands/s")
    parser.add_argument("--seconds", type=float, default=5, help="paced and idle windows")
    parser.add_argument(
        "--max-other",
        type=float,
        default=100,
        help="ms/s of other processes' CPU above which a round is run again",
    )
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.samples, args.rate, args.seconds, args.max_other))
