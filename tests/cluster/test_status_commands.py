"""``plughost status`` shows each process's commands per second, errors and p99 latency.

Two real shard processes with their metrics on, on the real PostgreSQL; commands
go through the local Discord to each process's shards, some of them failing.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from plughost.cluster.heartbeat import ProcessStatus
from plughost.instances import create
from plughost.testing.emulator import FakeDiscord, Guild

from .conftest import (
    READY_TIMEOUT,
    TOTAL_SHARDS,
    alive,
    env_for,
    guilds_on_every_shard,
    plughost_process,
    stop,
    wait_status,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def _say(discord: FakeDiscord, text: str, guild: Guild) -> None:
    member = discord.member("owner", guild=guild)
    channel = discord.channel_named("general", guild)
    replies = await discord.send(text, author=member, channel=channel, timeout=READY_TIMEOUT)
    assert replies, text


def _counted(rows: list[ProcessStatus], commands: dict[int, int]) -> bool:
    """Each process (by first shard) has counted its commands, at a non-zero rate."""
    by_shard = {r.row.shards[0]: r.row.commands for r in alive(rows)}
    return all(
        shard in by_shard
        and by_shard[shard].commands == count
        and (by_shard[shard].per_second or 0) > 0
        for shard, count in commands.items()
    )


async def test_status_shows_each_process_commands_rate_errors_and_p99(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    create("stats", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        guilds = guilds_on_every_shard(discord)
        env = env_for(home, discord, cog_path)
        base = ["run", "stats", "--total-shards", str(TOTAL_SHARDS)]
        base += ["--discord-url", discord.api_base, "--metrics", "127.0.0.1:0"]
        async with (
            plughost_process([*base, "--shards", "0-1"], env) as first,
            plughost_process([*base, "--shards", "2-3"], env) as second,
        ):
            for shard in range(TOTAL_SHARDS):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            await wait_status(pg_dsn, lambda r: len(alive(r)) == 2, what="two processes")
            await _say(discord, "!cog load clustertest", guilds[0])  # process 1's first
            await wait_status(
                pg_dsn,
                lambda r: all("cog.loaded name=clustertest" in s.row.last_event for s in r),
                what="every process loaded the cog",
            )
            # Process 1 (shards 0-1): 1 + 4 + 2 commands, 2 errors; process 2: 3 + 1, 1.
            for text, guild, times in (
                ("!ping", guilds[0], 2),
                ("!hello", guilds[1], 2),
                ("!boom", guilds[1], 2),
                ("!ping", guilds[2], 1),
                ("!hello", guilds[3], 2),
                ("!boom", guilds[3], 1),
            ):
                for _ in range(times):
                    await _say(discord, text, guild)
            rows = await wait_status(
                pg_dsn, lambda r: _counted(r, {0: 7, 2: 4}), what="the commands counted"
            )
            errors = {r.row.shards[0]: r.row.commands.errors for r in rows}
            assert errors == {0: 2, 2: 1}

            table = await _status(env)
            assert table[0].split()[-4:] == ["CMD/S", "ERRORS", "P99", "EVENTS"]
            shown = {}
            for line in table[1:]:
                cells = line.split()
                state = cells.index("alive")
                shown[cells[2]] = cells[state + 1 : state + 4]
            assert sorted(shown) == ["0-1", "2-3"]
            for shard_range, expected_errors in (("0-1", "2"), ("2-3", "1")):
                rate, errors_shown, p99 = shown[shard_range]
                assert float(rate) > 0, table
                assert errors_shown == expected_errors, table
                assert p99.endswith("ms"), table
                assert float(p99.removesuffix("ms")) > 0, table
            assert [await stop(p) for p in (first, second)] == [0, 0]


async def test_status_shows_dashes_without_the_metrics(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    """A process that does not count commands (no --metrics, no --web) shows ``-``."""
    create("stats", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=1) as discord:
        env = env_for(home, discord, cog_path)
        args = ["run", "stats", "--discord-url", discord.api_base]
        async with plughost_process(args, env) as proc:
            await discord.emulator.wait_ready(0, timeout=READY_TIMEOUT)
            await wait_status(pg_dsn, lambda r: len(alive(r)) == 1, what="one process")
            await _say(discord, "!ping", discord.guild)
            table = await _status(env)
            cells = table[1].split()
            state = cells.index("alive")
            assert cells[state + 1 : state + 4] == ["-", "-", "-"], table
            assert await stop(proc) == 0


async def _status(env: dict[str, str]) -> list[str]:
    """The lines ``plughost status stats`` prints."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plughost",
        "status",
        "stats",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out.decode().strip().splitlines()
