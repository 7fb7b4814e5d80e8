"""Two shard processes on one PostgreSQL, four shards on the emulator: serving and sharing."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

from plughost.commands.prefixes import core_config
from plughost.config import connect
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

GROUPS = ((0, 1), (2, 3))


async def _say(discord: FakeDiscord, text: str, guild: Guild, author: str = "owner") -> str:
    """Send ``text`` in the guild's #general and return the first reply's text."""
    member = discord.member(author, guild=guild)
    channel = discord.channel_named("general", guild)
    replies = await discord.send(text, author=member, channel=channel, timeout=READY_TIMEOUT)
    return replies[0].content


async def _no_hello(discord: FakeDiscord, guild: Guild) -> bool:
    """Alice sends !hello then !ping; once ping is answered, say whether hello was not."""
    member = discord.member("alice", guild=guild)
    channel = discord.channel_named("general", guild)
    mark = len(discord.messages(channel))
    await discord.send("!hello", author=member, channel=channel, expect=0)
    replies = await discord.send("!ping", author=member, channel=channel, timeout=READY_TIMEOUT)
    since = discord.messages(channel)[mark:]
    return bool(replies) and not any(m.content.startswith("hello from") for m in since)


async def test_processes_serve_their_shards_and_share_changes(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    create("duo", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        guilds = guilds_on_every_shard(discord)
        env = env_for(home, discord, cog_path)
        base = [
            "run",
            "duo",
            "--total-shards",
            str(TOTAL_SHARDS),
            "--discord-url",
            discord.api_base,
        ]
        async with (
            plughost_process([*base, "--shards", "0-1"], env) as first,
            plughost_process([*base, "--shards", "2-3"], env) as second,
        ):
            for shard in range(TOTAL_SHARDS):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            rows = await wait_status(pg_dsn, lambda r: len(alive(r)) == 2, what="two processes")
            assert sorted(r.row.shards for r in rows) == [(0, 1), (2, 3)]
            assert sum(r.row.leader for r in rows) == 1
            assert {r.row.pid for r in rows} == {first.pid, second.pid}
            table = await _status(env)
            assert table[0].split() == [
                "PROCESS",
                "HOST:PID",
                "SHARDS",
                "ROLE",
                "LATENCY",
                "HEARTBEAT",
                "STATE",
                "CMD/S",
                "ERRORS",
                "P99",
                "EVENTS",
            ]
            assert sorted(line.split()[2] for line in table[1:]) == ["0-1", "2-3"]
            assert sorted(line.split()[5] for line in table[1:]) == ["follower", "leader"]
            assert all(" alive " in line for line in table[1:])

            # Each process serves only its own shards' guilds.
            for shard, guild in guilds.items():
                answer = await _say(discord, "!ping", guild)
                assert answer.startswith(f"pong (shard {shard}/{TOTAL_SHARDS}")
            for shard in range(TOTAL_SHARDS):
                assert discord.emulator.shard(shard).identifies == 1

            # A Config value written by one process is read by another: this test's
            # process caches it, the bot process on shards 2-3 changes it, and the
            # NOTIFY drops the cached copy here.
            async with connect(pg_dsn) as store:
                prefix = core_config().guild_from_id(guilds[2].id).prefix
                assert await prefix() is None
                assert store.cache.peek(prefix._key) is not None
                assert "`?`" in await _say(discord, "!prefix ?", guilds[2])
                deadline = time.monotonic() + 5
                while store.cache.peek(prefix._key) is not None:
                    assert time.monotonic() < deadline, "the write never invalidated this cache"
                    await asyncio.sleep(0.001)  # yield to the listener
                assert await prefix() == "?"
            assert (await _say(discord, "?ping", guilds[2])).startswith("pong (shard 2/")

            # `cog load` in one process loads the cog in every process.
            assert "clustertest" in await _say(discord, "!cog load clustertest", guilds[0])
            await wait_status(
                pg_dsn,
                lambda r: all("cog.loaded name=clustertest" in s.row.last_event for s in r),
                what="every process applied the load",
            )
            for shard, guild in guilds.items():
                prefix_text = "?" if shard == 2 else "!"
                answer = await _say(discord, f"{prefix_text}hello", guild)
                assert answer == f"hello from shard {shard}"

            # `cog reload` in one process reloads it in every process.
            assert "clustertest" in await _say(discord, "!cog reload clustertest", guilds[3])
            await wait_status(
                pg_dsn,
                lambda r: all(
                    "cog.reloaded generation=1 name=clustertest" in s.row.last_event for s in r
                ),
                what="every process applied the reload",
            )
            assert (await _say(discord, "!hello", guilds[1], "alice")) == "hello from shard 1"

            # `cog disable` in one process reaches every process (and stops it there).
            disabled = await _say(discord, "!cog disable clustertest", guilds[0])
            assert disabled == "clustertest disabled in this server."
            await wait_status(
                pg_dsn,
                lambda r: all("cog.disabled guild_id=" in s.row.last_event for s in r),
                what="every process applied the disable",
            )
            assert await _no_hello(discord, guilds[0])
            assert (await _say(discord, "!hello", guilds[3], "alice")) == "hello from shard 3"

            # `cog unload` in process one stops the command in process two.
            await _say(discord, "!cog unload clustertest", guilds[1])
            await wait_status(
                pg_dsn,
                lambda r: all("cog.unloaded name=clustertest" in s.row.last_event for s in r),
                what="every process applied the unload",
            )
            assert await _no_hello(discord, guilds[3])

            # A permission rule set in process one is enforced by process two.
            alice = discord.member("alice", guild=guilds[3])
            assert (await _say(discord, "!ping", guilds[3], "alice")).startswith("pong")
            await _say(discord, f"!perm deny command ping user {alice.id} global", guilds[0])
            await wait_status(
                pg_dsn,
                lambda r: all("permissions.changed" in s.row.last_event for s in r),
                what="every process applied the rule",
            )
            assert not (await _say(discord, "!ping", guilds[3], "alice")).startswith("pong")

            assert [await stop(p) for p in (first, second)] == [0, 0]
        # Clean stops take their rows out of the process table.
        await wait_status(pg_dsn, lambda r: not r, what="no rows after clean stops")
        assert await _status(env) == ["no shard processes are running"]


async def _status(env: dict[str, str]) -> list[str]:
    """The lines ``plughost status duo`` prints."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plughost",
        "status",
        "duo",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0
    return out.decode().strip().splitlines()
