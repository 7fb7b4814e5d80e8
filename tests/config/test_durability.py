"""A process killed with SIGKILL in the middle of a write storm loses no acknowledged write."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import pytest

from plughost.config import Config, connect

from .conftest import worker_command

ACKS_BEFORE_KILL = 1500


@pytest.fixture(
    params=[
        ("sqlite", "normal"),
        ("sqlite", "full"),
        pytest.param(("postgres", "normal"), marks=pytest.mark.postgres),
    ],
    ids=["sqlite-normal", "sqlite-full", "postgres"],
)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(DSN, synchronous setting) of the store the storm writes to."""
    backend, synchronous = request.param
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'plughost.db'}", synchronous
    return str(request.getfixturevalue("pg_schema_dsn")), synchronous


@pytest.mark.slow
async def test_sigkill_loses_no_acknowledged_write(target: tuple[str, str]) -> None:
    dsn, synchronous = target
    proc = await asyncio.create_subprocess_exec(
        *worker_command("storm", dsn, synchronous), stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    acked: dict[int, int] = {}
    seen = 0
    while seen < ACKS_BEFORE_KILL:
        line = await proc.stdout.readline()
        assert line, "the writer exited before the kill"
        _, slot, value = line.split()
        acked[int(slot)] = int(value)
        seen += 1
    proc.send_signal(signal.SIGKILL)
    # Acknowledgements already in the pipe count too: read them all.
    for line in (await proc.stdout.read()).splitlines():
        parts = line.split()
        if len(parts) == 3:
            acked[int(parts[1])] = int(parts[2])
    assert await proc.wait() == -signal.SIGKILL

    async with connect(dsn):
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        stored = {gid: data.get("counter") for gid, data in (await conf.all_guilds()).items()}
    # Each slot's writer writes increasing numbers one at a time: what is on
    # disk is at least the last number it was told was written.
    lost = {
        slot: (value, stored.get(slot))
        for slot, value in acked.items()
        if (stored.get(slot) or 0) < value
    }
    assert not lost, f"acknowledged writes lost (acked, stored): {lost}"
