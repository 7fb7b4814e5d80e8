"""CPU per command of a bot process with ``--metrics`` on and off, side by side.

    python bench/metrics.py [--epochs 3] [--rounds 8] [--batch 150] [--same]

One run, two real ``plughost run`` processes, each on its own local Discord in this
process: "off" without metrics, "on" with ``--metrics 127.0.0.1:PORT``. Both load
the economy cog and answer the same script: ``!balance`` (a hybrid command that
reads Config) and ``!ping`` (core), alternately. Batches alternate between the two
bots, the order flipped every round; each "on" batch is followed by one scrape of
``/metrics``, whose CPU is measured apart (Prometheus scrapes every 15 s or so,
not once per batch) and reported on its own line.

Two processes differ a little however alike they are (hash seeds, memory layout),
so the run starts ``--epochs`` fresh pairs one after the other; ``--same`` runs both
sides without metrics, an A/A check of that spread.

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
from plughost.testing.emulator import FakeDiscord, RateLimits

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


async def epoch(
    home: Path, index: int, rounds: int, batch: int, same: bool
) -> tuple[Side, Side, str]:
    """One fresh pair of processes, warmed up, then ``rounds`` alternating batches each."""
    async with (
        FakeDiscord(rate_limits=RateLimits.relaxed()) as quiet,
        FakeDiscord(rate_limits=RateLimits.relaxed()) as watched,
    ):
        port = None if same else free_port()  # --same: an A/A run, both off
        sides = [Side(f"off{index}", quiet, None), Side(f"on{index}", watched, port)]
        try:
            for side in sides:
                await side.start(home)
            async with aiohttp.ClientSession() as session:
                for side in sides:  # warm-up: caches, first-call imports
                    await side.batch(batch, session)
                    side.per_command_us.clear()
                    side.scrape_us.clear()
                    side.total_ns = side.commands = 0
                for r in range(rounds):
                    for side in sides if r % 2 == 0 else sides[::-1]:
                        await side.batch(batch, session)
                scraped = ""
                if port is not None:
                    async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                        scraped = await response.text()
        finally:
            for side in sides:
                await side.stop()
    return sides[0], sides[1], scraped


async def main(epochs: int, rounds: int, batch: int, same: bool = False) -> None:
    results: list[tuple[Side, Side, str]] = []
    with tempfile.TemporaryDirectory(prefix="plughost-bench-metrics-") as tmp:
        home = Path(tmp)
        os.environ["PLUGHOST_HOME"] = str(home)
        for index in range(epochs):
            results.append(await epoch(home, index, rounds, batch, same))
    print(
        f"{epochs} pairs of fresh processes x {rounds} rounds of {batch} commands per side "
        f"({' / '.join(SCRIPT)}), alternating; CPU of the bot process in us per command\n"
    )
    print(f"{'pair':<5} {'off (median)':>13} {'on (median)':>12} {'on vs off':>10} {'range':>18}")
    all_ratios: list[float] = []
    for index, (off, on, _) in enumerate(results):
        ratios = [b / a for a, b in zip(off.per_command_us, on.per_command_us, strict=True)]
        all_ratios += ratios
        median = statistics.median(ratios) - 1
        print(
            f"{index:<5} {statistics.median(off.per_command_us):>13.1f} "
            f"{statistics.median(on.per_command_us):>12.1f} {median:>+10.1%} "
            f"{min(ratios) - 1:>+8.1%} .. {max(ratios) - 1:<+7.1%}"
        )
    off_total = sum(off.total_ns for off, _, _ in results) / sum(o.commands for o, _, _ in results)
    on_total = sum(on.total_ns for _, on, _ in results) / sum(o.commands for _, o, _ in results)
    print(
        f"\nmetrics on vs off: {statistics.median(all_ratios) - 1:+.1%} (median of all "
        f"{len(all_ratios)} per-round ratios), {on_total / off_total - 1:+.1%} (totals: "
        f"{off_total / 1000:.1f} vs {on_total / 1000:.1f} us)"
    )
    scrapes = [us for _, on, _ in results for us in on.scrape_us]
    scrape = statistics.median(scrapes or [0.0])
    print(
        f"one scrape of /metrics: {scrape / 1000:.2f} ms CPU (median of {len(scrapes)}); "
        f"at one scrape per 15 s that is {scrape / 15e6:.3%} of a core"
    )
    # Warm-up, rounds, and the load and ping at startup: every command the bot ran.
    scraped = results[-1][2]
    counted = sum(
        float(line.rsplit(" ", 1)[1])
        for line in scraped.splitlines()
        if line.startswith("plughost_command_duration_seconds_count{")
    )
    print(f"commands counted by the last 'on' bot's /metrics: {counted:.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3, help="fresh process pairs")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batch", type=int, default=150)
    parser.add_argument(
        "--same", action="store_true", help="both sides without metrics (an A/A check)"
    )
    options = parser.parse_args()
    asyncio.run(main(options.epochs, options.rounds, options.batch, options.same))
