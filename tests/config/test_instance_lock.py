"""Only one process may open an SQLite instance; the second gets a clear error."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from plughost.config import Config, StoreLockedError, connect

from .conftest import worker_command


@pytest.mark.slow
async def test_second_process_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    database = tmp_path / "plughost.db"
    dsn = f"sqlite:///{database}"
    holder = await asyncio.create_subprocess_exec(
        *worker_command("hold", dsn), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    assert (await holder.stdout.readline()).strip() == b"open"
    try:
        with pytest.raises(StoreLockedError) as refused:
            async with connect(dsn):
                pass
        message = str(refused.value)
        assert str(database) in message
        assert f"pid {holder.pid}" in message
        assert "database is locked" not in message
        assert "\n" not in message
    finally:
        holder.stdin.close()
        assert await holder.wait() == 0
    async with connect(dsn):  # free again once the holder has gone
        await Config.get_conf(None, identifier=1, cog_name="After").ok.set(True)


async def test_second_open_in_the_same_process_is_refused(tmp_path: Path) -> None:
    dsn = f"sqlite:///{tmp_path / 'plughost.db'}"
    async with connect(dsn):
        with pytest.raises(StoreLockedError):
            async with connect(dsn):
                pass


async def test_unopenable_sqlite_file_fails_clearly(tmp_path: Path) -> None:
    """A folder where the database should be: a clear error, not a hang in Tortoise."""
    from plughost.config import StoreUnavailableError, connect

    (tmp_path / "plughost.db").mkdir()
    with pytest.raises(StoreUnavailableError, match="cannot open the SQLite database"):
        async with connect(f"sqlite:///{tmp_path / 'plughost.db'}"):
            pass
    # The instance lock was released: a good path next to it opens at once.
    async with connect(f"sqlite:///{tmp_path / 'other.db'}"):
        pass


@pytest.mark.postgres
async def test_a_schema_that_does_not_exist_is_one_clear_error(
    request: pytest.FixtureRequest,
) -> None:
    from plughost.config import StoreUnavailableError, connect
    from plughost.testing.stores import require_postgres

    base = await require_postgres(request.config)
    with pytest.raises(StoreUnavailableError, match="has no schema 'plughost_no_such'"):
        async with connect(base + "?schema=plughost_no_such"):
            pass
