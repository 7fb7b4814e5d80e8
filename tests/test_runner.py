"""``plughost run`` as a real process against the emulator: serving, shards, clean stops."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

import pytest
from interactions import Intents

from plughost.instances import create, edit
from plughost.testing.emulator import FakeDiscord

pytestmark = pytest.mark.slow

STOP_TIMEOUT = 20.0
READY_TIMEOUT = 30.0


def _plughost() -> list[str]:
    # `python -m plughost` runs this interpreter's plughost, whatever PATH holds.
    return [sys.executable, "-m", "plughost"]


@asynccontextmanager
async def running_process(
    args: list[str],
    env: Mapping[str, str],
    *,
    python_options: Sequence[str] = (),
    stdout: int = asyncio.subprocess.PIPE,
    stderr: int | IO[bytes] = asyncio.subprocess.STDOUT,
) -> AsyncIterator[asyncio.subprocess.Process]:
    python, *rest = _plughost()
    proc = await asyncio.create_subprocess_exec(
        python,
        *python_options,
        *rest,
        *args,
        env={**os.environ, **env},
        stdout=stdout,
        stderr=stderr,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _output(proc: asyncio.subprocess.Process) -> str:
    assert proc.stdout is not None
    return (await proc.stdout.read()).decode(errors="replace")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_run_serves_then_stops_cleanly(
    home: Path, fake_discord: FakeDiscord, stop_signal: signal.Signals
) -> None:
    create("solo", backend="sqlite", dsn=None, prefix="?", owners=(), token=None)
    instance = edit("solo", requests_per_second=90)  # Discord raised this bot's limit
    env = {"PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": fake_discord.token}
    args = ["run", "solo", "--discord-url", fake_discord.api_base]
    async with running_process(args, env) as proc:
        await fake_discord.emulator.wait_ready(0, timeout=READY_TIMEOUT)
        replies = await fake_discord.send("?ping", expect=1, timeout=READY_TIMEOUT)
        assert replies[0].content.startswith("pong (shard 0/1, ")

        proc.send_signal(stop_signal)
        code = await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
        output = await _output(proc)
    assert code == 0, output
    assert "Traceback" not in output
    log_text = (instance.path / "logs" / "plughost.log").read_text()
    assert "stop requested" in log_text
    assert "REST throttle: 90 requests a second per shard" in log_text
    assert fake_discord.token not in log_text
    assert fake_discord.token not in output


@pytest.mark.postgres
async def test_two_processes_each_serve_only_their_shard(home: Path, pg_dsn: str) -> None:
    create("sharded", backend="postgres", dsn=pg_dsn, prefix="!", owners=(), token=None)
    async with FakeDiscord(shard_count=2) as discord:
        guilds = [discord.guild, *(discord.add_guild(f"Guild {n}") for n in range(3))]
        by_shard = {shard: [g for g in guilds if (g.id >> 22) % 2 == shard] for shard in (0, 1)}
        assert by_shard[0], "the emulator's ids put no guild on shard 0"
        assert by_shard[1], "the emulator's ids put no guild on shard 1"
        env = {"PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": discord.token}
        base = ["run", "sharded", "--total-shards", "2", "--discord-url", discord.api_base]
        async with (
            running_process([*base, "--shards", "0"], env) as first,
            running_process([*base, "--shards", "1"], env) as second,
        ):
            for shard in (0, 1):
                await discord.emulator.wait_ready(shard, timeout=READY_TIMEOUT)
            for shard, shard_guilds in by_shard.items():
                for guild in shard_guilds:
                    channel = discord.add_channel("shard-test", guild=guild)
                    replies = await discord.send(
                        "!ping", channel=channel, expect=1, timeout=READY_TIMEOUT
                    )
                    assert [r.content.split(",")[0] for r in replies] == [f"pong (shard {shard}/2"]
            for proc in (first, second):
                proc.send_signal(signal.SIGTERM)
            codes = [await asyncio.wait_for(p.wait(), STOP_TIMEOUT) for p in (first, second)]
        assert codes == [0, 0]
        for shard in (0, 1):
            assert discord.emulator.shard(shard).identifies == 1


async def test_run_without_store_fails_in_one_line(home: Path, fake_discord: FakeDiscord) -> None:
    instance = create("broken", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    # A directory where the database file should be: the store cannot open it.
    db = instance.path / "data" / "plughost.db"
    db.mkdir(parents=True)
    env = {"PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": fake_discord.token}
    async with running_process(
        ["run", "broken", "--discord-url", fake_discord.api_base], env
    ) as proc:
        code = await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
        output = await _output(proc)
    assert code != 0
    assert "Traceback" not in output
    assert output.strip().splitlines()[-1].startswith("error: ")


async def test_run_without_a_privileged_intent_says_which_to_enable(
    home: Path, fake_discord: FakeDiscord
) -> None:
    # The application has Server Members but not Message Content switched on; the
    # bot asks for both, so the local Discord closes its IDENTIFY with 4014.
    fake_discord.set_privileged_intents(Intents.GUILD_MEMBERS)
    instance = create("nocontent", backend="sqlite", dsn=None, prefix="!", owners=(), token=None)
    env = {"PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": fake_discord.token}
    args = ["run", "nocontent", "--discord-url", fake_discord.api_base]
    async with running_process(args, env) as proc:
        code = await asyncio.wait_for(proc.wait(), READY_TIMEOUT)
        output = await _output(proc)
    assert code != 0, output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, output
    assert '"Message Content Intent"' in errors[0]
    assert "Server Members" not in errors[0]  # enabled: not asked for
    assert "developer portal" in errors[0]
    assert "4014" in errors[0]
    assert fake_discord.emulator.shard(0).readies == 0
    assert "Traceback" not in (instance.path / "logs" / "plughost.log").read_text()


#: What an SQLite bot's process must never import: each is a measured cost to its start
#: and resident memory (issue 16: asyncpg ~3 MB and the cluster coordinator on PostgreSQL
#: only; the web console, metrics, scaffolder, importers, offline console and rich's
#: terminal only when asked for), or not ours to load at all (discord.py, playwright).
NOT_ON_SQLITE = (
    "asyncpg",
    "tortoise.backends.asyncpg",
    "plughost.cluster.coordinator",
    "plughost.cluster.events",
    "plughost.config.backends.postgres",
    "plughost.config.backends.pglisten",
    "plughost.web.serve",
    "plughost.web.app",
    "plughost.metrics.endpoint",
    "plughost.scaffold",
    "plughost.importers",
    "plughost.offline",
    "plughost.testing",
    "plughost.cli.authoring",
    "plughost.cli.import_red",
    "plughost.cli.emulator",
    "aiohttp.web",
    "jinja2",
    "prometheus_client",
    "babel",
    "rich",
    "playwright",
    "discord",
)


def _imported(importtime_output: str) -> set[str]:
    """Module names from ``python -X importtime``'s lines: "import time: self | cum | name"."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_output.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


async def test_an_sqlite_bot_never_imports_what_only_postgres_or_other_commands_need(
    home: Path, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    create("lean", backend="sqlite", dsn=None, prefix="?", owners=(), token=None)
    env = {"PLUGHOST_HOME": str(home), "PLUGHOST_TOKEN": fake_discord.token}
    args = ["run", "lean", "--discord-url", fake_discord.api_base]
    # To a file: about 900 lines, more than a pipe holds before the process blocks.
    stderr_path = tmp_path / "importtime.txt"
    with stderr_path.open("wb") as stderr:
        async with running_process(
            args,
            env,
            python_options=["-X", "importtime"],
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        ) as proc:
            await fake_discord.emulator.wait_ready(0, timeout=READY_TIMEOUT)
            replies = await fake_discord.send("?ping", expect=1, timeout=READY_TIMEOUT)
            assert replies[0].content.startswith("pong")
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), STOP_TIMEOUT) == 0
    imported = _imported(stderr_path.read_text(errors="replace"))
    # The parse found the real thing: the process ran the bot on Tortoise's SQLite client.
    assert {"interactions", "tortoise.backends.sqlite.client", "plughost.runtime.bot"} <= imported
    unwanted = sorted(
        name
        for name in imported
        if any(name == top or name.startswith(f"{top}.") for top in NOT_ON_SQLITE)
    )
    assert unwanted == []
