"""CPU per command of a bot process with ``--metrics`` on and off, side by side.

    python bench/metrics.py [--rounds 12] [--batch 150]

One run, two real ``plughost run`` processes, each on its own local Discord in this
process: "off" without metrics, "on" with ``--metrics 127.0.0.1:PORT``. Both load
the economy cog and answer the same script: ``!balance`` (a hybrid command that
reads Config) and ``!ping`` (core), alternately. Batches alternate between the two
bots, the order flipped every round; each "on" batch is followed by one scrape of
``/metrics``, whose CPU is measured apart (Prometheus scrapes every 15 s or so,
not once per batch) and reported on its own line.

The CPU is the bot process's own, read from ``/proc/PID/task/*/schedstat``
(nanoseconds on the CPU, every thread: aiosqlite's included), so the local
Discords' work in this process does not dilute the difference. The overhead is
the median of the per-round ratios; the table also gives the totals.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import sys
import tempfile
from pathlib import Path

import aiohttp

from plughost.instances import create
from plughost.testing.emulator import FakeDiscord

READY_TIMEOUT = 60.0
SCRIPT = ("!balance", "!ping")


def cpu_ns(pid: int) -> int:
    """Nanoseconds process ``pid`` has run on a CPU, summed over its threads."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        # A thread may end between listing and reading.
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            total += int((task / "schedstat").read_text().split()[0])
    return total


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Side:
    def __init__(self, name: str, discord: FakeDiscord, metrics_port: int | None) -> None:
        self.name = name
        self.discord = discord
        self.metrics_port = metrics_port
        self.proc: asyncio.subprocess.Process | None = None
        self.per_command_us: list[float] = []
        self.total_ns = 0
        self.commands = 0
        #: CPU of each scrape of /metrics, measured apart from the commands.
        self.scrape_us: list[float] = []

    async def start(self, home: Path) -> None:
        create(self.name, backend="sqlite", dsn=None, prefix="!",
               owners=(self.discord.owner.id,), token=None)  # fmt: skip
        args = ["run", self.name, "--discord-url", self.discord.api_base]
        if self.metrics_port is not None:
            args += ["--metrics", f"127.0.0.1:{self.metrics_port}"]
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "plughost", *args,
            env={**os.environ, "PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": self.discord.token},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await self.discord.emulator.wait_ready(0, timeout=READY_TIMEOUT)
        await self.discord.send("!ping", expect=1, timeout=READY_TIMEOUT)
        loaded = await self.discord.send(
            "!cog load economy", author=self.discord.owner, expect=1, timeout=READY_TIMEOUT
        )
        assert "economy" in loaded[0].content, loaded[0].content

    async def batch(self, n: int, session: aiohttp.ClientSession) -> None:
        assert self.proc is not None
        alice = self.discord.member("alice")
        before = cpu_ns(self.proc.pid)
        for i in range(n):
            await self.discord.send(SCRIPT[i % 2], author=alice, expect=1, timeout=30)
        after = cpu_ns(self.proc.pid)
        spent = after - before
        self.total_ns += spent
        self.commands += n
        self.per_command_us.append(spent / n / 1000)
        if self.metrics_port is not None:
            async with session.get(f"http://127.0.0.1:{self.metrics_port}/metrics") as response:
                assert response.status == 200
                await response.read()
            self.scrape_us.append((cpu_ns(self.proc.pid) - after) / 1000)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), 30)


async def main(rounds: int, batch: int, same: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="plughost-bench-metrics-") as tmp:
        home = Path(tmp)
        os.environ["PLUGHOST_HOME"] = str(home)
        async with FakeDiscord() as quiet, FakeDiscord() as watched:
            port = None if same else free_port()  # --same: an A/A run, both off
            sides = [Side("off", quiet, None), Side("on", watched, port)]
            try:
                for side in sides:
                    await side.start(home)
                async with aiohttp.ClientSession() as session:
                    for side in sides:  # warm-up: caches, first-call imports
                        await side.batch(batch, session)
                        side.per_command_us.clear()
                        side.total_ns = side.commands = 0
                    for r in range(rounds):
                        for side in sides if r % 2 == 0 else sides[::-1]:
                            await side.batch(batch, session)
                    scraped = ""
                    if (port := sides[1].metrics_port) is not None:
                        url = f"http://127.0.0.1:{port}/metrics"
                        async with session.get(url) as response:
                            scraped = await response.text()
            finally:
                for side in sides:
                    await side.stop()
    off, on = sides
    ratios = [b / a for a, b in zip(off.per_command_us, on.per_command_us, strict=True)]
    counted = sum(
        float(line.rsplit(" ", 1)[1])
        for line in scraped.splitlines()
        if line.startswith("plughost_command_duration_seconds_count{")
    )
    print(f"{rounds} rounds of {batch} commands per side ({' / '.join(SCRIPT)}), alternating\n")
    print(f"{'side':<6} {'CPU us/command (median)':>24} {'min':>8} {'max':>8} {'total us/cmd':>13}")
    for side in sides:
        print(
            f"{side.name:<6} {statistics.median(side.per_command_us):>24.1f} "
            f"{min(side.per_command_us):>8.1f} {max(side.per_command_us):>8.1f} "
            f"{side.total_ns / side.commands / 1000:>13.1f}"
        )
    total_ratio = (on.total_ns / on.commands) / (off.total_ns / off.commands)
    print(
        f"\nmetrics on vs off: {statistics.median(ratios) - 1:+.1%} (median of per-round ratios), "
        f"{total_ratio - 1:+.1%} (totals); per-round range "
        f"{min(ratios) - 1:+.1%} .. {max(ratios) - 1:+.1%}"
    )
    scrape = statistics.median(on.scrape_us or [0.0])
    print(
        f"one scrape of /metrics: {scrape / 1000:.2f} ms CPU (median of {len(on.scrape_us)}); "
        f"at one scrape per 15 s that is {scrape / 15e6:.3%} of a core"
    )
    # Warm-up, rounds, and the load/ping at startup: every command the "on" bot ran.
    print(f"commands counted by the 'on' bot's /metrics: {counted:.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument(
        "--same", action="store_true", help="both sides without metrics (an A/A check)"
    )
    options = parser.parse_args()
    asyncio.run(main(options.rounds, options.batch, options.same))
