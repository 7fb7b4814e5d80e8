"""Several processes on one PostgreSQL migrate a cog's data once: one migrates, the rest wait."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from plughost.instances import create

from .inplace import InPlace, in_place
from .test_migrations import GOOD_STEP, _read, _setup_v1_data, v3

__all__ = ["in_place"]

pytestmark = pytest.mark.postgres

PROCESSES = 3
# Long enough that every process has started (and is waiting for the lock) before
# the first one's first step is done: starting one takes ~1-2 s here.
STEP_SECONDS = 4

SLOW = "import asyncio\n" + v3(GOOD_STEP).replace(
    "async def rename_count(config):\n",
    f"async def rename_count(config):\n    await asyncio.sleep({STEP_SECONDS})\n",
)


async def _migrate_in(site: Path, home: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "plughost", "cogs", "migrate", "ledger", "-i", "shared", "--no-backup"),
        env={**os.environ, "PLUGHOST_HOME": str(home), "PYTHONPATH": str(site)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_one_process_migrates_and_the_others_wait_then_find_it_done(
    home: Path, in_place: InPlace, pg_dsn: str
) -> None:
    in_place.install({"ledger": "Ledger"}, SLOW)
    instance = create("shared", backend="postgres", dsn=pg_dsn, prefix="!", owners=(1,))
    await asyncio.to_thread(_setup_v1_data, instance.dsn)

    results = await asyncio.gather(*(_migrate_in(in_place.site, home) for _ in range(PROCESSES)))
    assert [code for code, _ in results] == [0] * PROCESSES, results
    outputs = [out for _, out in results]
    migrated = [o for o in outputs if "migrated its data from version 1 to 3" in o]
    waited = [o for o in outputs if "data at version 3: up to date" in o]
    assert (len(migrated), len(waited)) == (1, PROCESSES - 1), outputs
    # Each step ran once in all: a second run would have counted again.
    data = await asyncio.to_thread(_read, instance.dsn)
    assert data["global"] == {"tally": 2, "ran": 2}
    assert data["guilds"] == {7: {"names": {"alice": True, "bob": True}}}
