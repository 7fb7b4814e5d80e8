"""Failures: the leader dies (command sync moves), a shard process dies (`cluster` restarts it)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import asyncpg
import pytest

from plughost.config import Config, connect
from plughost.instances import create
from plughost.testing.emulator import FakeDiscord

from .conftest import (
    READY_TIMEOUT,
    TOTAL_SHARDS,
    alive,
    env_for,
    guilds_on_every_shard,
    output_of,
    plughost_process,
    stop,
    wait_status,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _global_writes(discord: FakeDiscord) -> int:
    """PUTs of the application's global commands the emulator received."""
    path = f"/applications/{discord.state.application.id}/commands"
    return sum(1 for r in discord.requests if r.method == "PUT" and r.path == path)


async def test_killing_the_leader_moves_command_sync(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    create("trio", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        guilds_on_every_shard(discord)
        env = env_for(home, discord, cog_path)
        base = [
            "run",
            "trio",
            "--total-shards",
            str(TOTAL_SHARDS),
            "--discord-url",
            discord.api_base,
        ]
        async with (
            plughost_process([*base, "--shards", "0-1"], env) as first,
            plughost_process([*base, "--shards", "2"], env) as second,
            plughost_process([*base, "--shards", "3"], env) as third,
        ):
            procs = {p.pid: p for p in (first, second, third)}
            for shard in range(TOTAL_SHARDS):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            rows = await wait_status(
                pg_dsn,
                lambda r: len(alive(r)) == 3 and sum(s.row.leader for s in r) == 1,
                what="three processes, one leader",
            )
            leader = next(r.row for r in rows if r.row.leader)
            # The leader pushes the global commands once its guilds are known.
            global_commands = await discord.state.changes.wait_for(
                lambda: discord.state.commands(None) or None, READY_TIMEOUT
            )
            assert _global_writes(discord) == 1  # by the leader only
            # Discord loses the global commands; only a leader that takes over finds out.
            global_commands.clear()

            procs[leader.pid].send_signal(signal.SIGKILL)
            await procs[leader.pid].wait()
            rows = await wait_status(
                pg_dsn,
                lambda r: any(s.row.leader and s.row.pid != leader.pid for s in alive(r)),
                what="a new leader",
            )
            new_leader = next(s.row for s in alive(rows) if s.row.leader)
            assert new_leader.pid in procs
            # The new leader compared the global scope with Discord and wrote it back.
            await discord.state.changes.wait_for(
                lambda: discord.state.commands(None) or None, READY_TIMEOUT
            )
            names = {c["name"] for c in discord.state.commands(None).values()}
            assert "cog" in names
            assert _global_writes(discord) == 2
            survivors = [p for pid, p in procs.items() if pid != leader.pid]
            assert [await stop(p) for p in survivors] == [0, 0]


async def test_cluster_restarts_a_killed_shard_process(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    create("fleet", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        guilds = guilds_on_every_shard(discord)
        env = env_for(home, discord, cog_path)
        args = [
            "cluster",
            "fleet",
            "--processes",
            "2",
            "--total-shards",
            str(TOTAL_SHARDS),
            "--restart-delay",
            "0.2",
            "--discord-url",
            discord.api_base,
        ]
        async with plughost_process(args, env) as supervisor:
            for shard in range(TOTAL_SHARDS):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            rows = await wait_status(pg_dsn, lambda r: len(alive(r)) == 2, what="two processes")
            assert sorted(r.row.shards for r in rows) == [(0, 1), (2, 3)]
            victim = next(r.row for r in rows if r.row.shards == (2, 3))
            os.kill(victim.pid, signal.SIGKILL)
            rows = await wait_status(
                pg_dsn,
                lambda r: any(s.row.shards == (2, 3) and s.row.pid != victim.pid for s in alive(r)),
                what="the shard process restarted",
            )
            for shard in (2, 3):
                await discord.emulator.wait_ready(shard, count=2, timeout=READY_TIMEOUT)
            replies = await discord.send(
                "!ping",
                author=discord.member("alice", guild=guilds[3]),
                channel=discord.channel_named("general", guilds[3]),
                timeout=READY_TIMEOUT,
            )
            assert replies[0].content.startswith(f"pong (shard 3/{TOTAL_SHARDS}")
            children = {s.row.pid for s in alive(rows)} - {victim.pid}
            assert len(children) == 2
            assert await stop(supervisor) == 0
            output = output_of(supervisor)
        assert "exited with code -9 after" in output, output
        assert "Traceback" not in output, output
        # The children stopped cleanly: each removed its own row (the killed one's stays stale).
        rows = await wait_status(
            pg_dsn,
            lambda r: not {s.row.pid for s in r} & children,
            what="rows of cleanly stopped processes gone",
        )
        assert [s.row.pid for s in rows] == [victim.pid]


async def test_a_lost_event_connection_resyncs_from_the_store(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    create("resync", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        guilds = guilds_on_every_shard(discord)
        env = env_for(home, discord, cog_path)
        base = ["run", "resync", "--total-shards", str(TOTAL_SHARDS)]
        base += ["--discord-url", discord.api_base]
        async with (
            plughost_process([*base, "--shards", "0-1"], env) as first,
            plughost_process([*base, "--shards", "2-3"], env) as second,
        ):
            for shard in range(TOTAL_SHARDS):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            await wait_status(pg_dsn, lambda r: len(alive(r)) == 2, what="two processes")
            # A change whose event nobody heard: the loaded set, written behind their backs.
            async with connect(pg_dsn):
                cogs = Config.get_conf(None, identifier=0x0C06, cog_name="plughost.cogs")
                cogs.register_global(loaded=None)
                await cogs.loaded.set(["clustertest"])
            admin = await asyncpg.connect(pg_dsn)
            try:
                ended = await admin.fetchval(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'plughost-cluster-events' "
                    "AND datname = current_database()"
                )
            finally:
                await admin.close()
            assert ended == 2
            await wait_status(
                pg_dsn,
                lambda r: len(r) == 2 and all(s.row.last_event.startswith("resync") for s in r),
                what="both processes resynced",
            )
            for shard, guild in guilds.items():
                replies = await discord.send(
                    "!hello",
                    author=discord.member("alice", guild=guild),
                    channel=discord.channel_named("general", guild),
                    timeout=READY_TIMEOUT,
                )
                assert replies[0].content == f"hello from shard {shard}"
            assert [await stop(p) for p in (first, second)] == [0, 0]


async def test_a_reload_missed_while_disconnected_is_caught_up(
    home: Path, pg_dsn: str, cog_path: Path
) -> None:
    instance = create("catchup", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=TOTAL_SHARDS) as discord:
        guilds = guilds_on_every_shard(discord)
        env = env_for(home, discord, cog_path)
        base = ["run", "catchup", "--total-shards", str(TOTAL_SHARDS)]
        base += ["--discord-url", discord.api_base]

        async def say(text: str, shard: int, author: str = "alice") -> str:
            guild = guilds[shard]
            channel = discord.channel_named("general", guild)
            member = discord.member(author, guild=guild)
            replies = await discord.send(
                text, author=member, channel=channel, timeout=READY_TIMEOUT
            )
            return str(replies[0].content)

        async with (
            plughost_process([*base, "--shards", "0-1"], env) as first,
            plughost_process([*base, "--shards", "2-3"], env) as second,
        ):
            for shard in range(TOTAL_SHARDS):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            await wait_status(pg_dsn, lambda r: len(alive(r)) == 2, what="two processes")
            assert "clustertest" in await say("!cog load clustertest", 0, "owner")
            await wait_status(
                pg_dsn,
                lambda r: all("cog.loaded name=clustertest" in s.row.last_event for s in r),
                what="every process loaded the cog",
            )
            assert await say("!hello", 2) == "hello from shard 2"

            # The second process is frozen while its event connection is cut, so it
            # cannot reconnect before the reload is announced: it misses the event.
            second.send_signal(signal.SIGSTOP)
            try:
                admin = await asyncpg.connect(pg_dsn)
                try:
                    ended = await admin.fetchval(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE application_name = 'plughost-cluster-events' "
                        "AND datname = current_database()"
                    )
                finally:
                    await admin.close()
                assert ended == 2
                await wait_status(
                    pg_dsn,
                    lambda r: any(
                        s.row.pid == first.pid and s.row.last_event.startswith("resync") for s in r
                    ),
                    what="the first process listening again",
                )
                module = cog_path / "phtest_cluster" / "__init__.py"
                code = module.read_text()
                module.write_text(code.replace("hello from shard", "hello again from shard"))
                assert await say("!cog reload clustertest", 0, "owner") == "Reloaded clustertest."
                await wait_status(
                    pg_dsn,
                    lambda r: any(
                        s.row.pid == first.pid
                        and s.row.last_event == "cog.reloaded generation=1 name=clustertest"
                        for s in r
                    ),
                    what="the first process's other shard applied the reload",
                )
                assert await say("!hello", 1) == "hello again from shard 1"
            finally:
                second.send_signal(signal.SIGCONT)
            # Back, it reconnects, re-reads the store and finds a newer generation.
            await wait_status(
                pg_dsn,
                lambda r: any(
                    s.row.pid == second.pid and s.row.last_event.startswith("resync") for s in r
                ),
                what="the second process resynced",
            )
            for shard in (2, 3):
                assert await say("!hello", shard) == f"hello again from shard {shard}"
            assert [await stop(p) for p in (first, second)] == [0, 0]
    # Caught up once by each of the second process's two shards, by nobody else.
    log = (instance.path / "logs" / "plughost.log").read_text()
    assert log.count("cog 'clustertest' was reloaded elsewhere meanwhile") == 2, log
