"""Shard processes on one PostgreSQL against the emulator: helpers and fixtures.

The subprocesses are ordinary ``python -m plughost run`` / ``cluster`` processes
pointed at the emulator with ``--discord-url`` (as in tests/test_runner.py).
A tiny cog distribution (``clustertest``: ``!hello`` answers with its shard) is
written as a real installed distribution (``.dist-info`` with an entry point)
into a folder on the subprocesses' ``PYTHONPATH``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from plughost.cluster.heartbeat import ProcessStatus, read_status
from plughost.testing.emulator import FakeDiscord
from plughost.testing.emulator.models import Guild

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
TOTAL_SHARDS = 4

_COG = '''
from interactions.ext import prefixed_commands as prefixed

from plughost.cogs import Cog


class ClusterTest(Cog):
    """Answers !hello with the shard that served it."""

    end_user_data_statement = "Stores nothing."

    @prefixed.prefixed_command(name="hello")
    async def hello(self, ctx):
        await ctx.send(f"hello from shard {ctx.bot.shard_id}")
'''


@pytest.fixture
def cog_path(tmp_path: Path) -> Path:
    """A folder holding the installed ``clustertest`` cog distribution."""
    site = tmp_path / "site"
    package = site / "phtest_cluster"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(_COG)
    info = site / "phtest_cluster-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: phtest-cluster\nVersion: 1.0\n"
        "Summary: A cog for the cluster tests.\nRequires-Dist: plughost>=0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[plughost.cogs]\nclustertest = phtest_cluster:ClusterTest\n"
    )
    return site


def env_for(home: Path, discord: FakeDiscord, cog_path: Path) -> dict[str, str]:
    paths = [str(cog_path), os.environ.get("PYTHONPATH", "")]
    return {
        "PLUGHOST_HOME": str(home),
        "PLUGHOST_TOKEN": discord.token,
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
    }


@asynccontextmanager
async def plughost_process(
    args: Sequence[str], env: Mapping[str, str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m plughost ARGS``, killed on the way out if still running.

    Its stderr goes to a file (a pipe nobody reads could fill and block it);
    :func:`output_of` reads it.
    """
    log = tempfile.NamedTemporaryFile(prefix="plughost-", suffix=".err", delete=False)  # noqa: SIM115 - closed below
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "plughost",
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )
    _outputs[proc.pid] = Path(log.name)
    log.close()
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


_outputs: dict[int, Path] = {}


def output_of(proc: asyncio.subprocess.Process) -> str:
    """What ``proc`` (and its children) wrote to stderr so far."""
    return _outputs[proc.pid].read_text(errors="replace")


async def stop(proc: asyncio.subprocess.Process) -> int:
    proc.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)


async def wait_status(
    dsn: str,
    predicate: Callable[[list[ProcessStatus]], bool],
    *,
    timeout: float = READY_TIMEOUT,  # noqa: ASYNC109 - a deadline, not a sleep
    what: str = "the process table",
) -> list[ProcessStatus]:
    """Poll the process table (the cluster's own status) until ``predicate`` holds."""
    conn = await asyncpg.connect(dsn)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                rows = await read_status(conn)
            except asyncpg.UndefinedTableError:
                rows = []
            if predicate(rows):
                return rows
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not reached within {timeout}s; rows: {rows}")
            await asyncio.sleep(0.05)  # polling interval of the status table
    finally:
        await conn.close()


def alive(rows: list[ProcessStatus]) -> list[ProcessStatus]:
    return [r for r in rows if r.alive(1.0)]


def guilds_on_every_shard(discord: FakeDiscord) -> dict[int, Guild]:
    """One guild per shard (the demo guild is on shard 0), with alice a member of each."""
    guilds = {0: discord.guild}
    for shard in range(1, TOTAL_SHARDS):
        guilds[shard] = discord.add_guild(f"Guild {shard}", shard=shard)
    for guild in guilds.values():
        discord.member("alice", guild=guild)
    return guilds
