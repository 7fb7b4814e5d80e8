"""PostgreSQL: another process's write reaches this process's cache by notification."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest

from plughost.config import Config, connect
from plughost.config.backends.postgres import PostgresStore

from .conftest import terminate_listener, worker_command

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: Seen well before any polling or expiry would show it: the notification did it. Not a
#: latency target (bench/config.py measures that); 50 ms failed on a loaded machine.
NOTIFIED = 0.5


async def _seen_after_other_process_sets(conf: Config, dsn: str, value: str) -> float:
    """Seconds from another process acknowledging ``value`` until this one reads it."""
    proc = await asyncio.create_subprocess_exec(
        *worker_command("set", dsn, value), stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    assert (await proc.stdout.readline()).strip() == b"done"
    acknowledged = time.perf_counter()
    while (await conf.value()) != value:
        assert time.perf_counter() - acknowledged < 1.0, f"{value!r} still not seen after 1s"
        await asyncio.sleep(0)  # let the listener's notification in; no fixed wait
    seen = time.perf_counter() - acknowledged
    assert await proc.wait() == 0
    return seen


async def test_write_in_another_process_is_seen_by_notification(pg_schema_dsn: str) -> None:
    async with connect(pg_schema_dsn) as store:
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        await conf.value.set("mine")
        assert await conf.value() == "mine"  # now cached here
        assert store.cache.peek(conf.value._key) is not None
        assert await _seen_after_other_process_sets(conf, pg_schema_dsn, "theirs") < NOTIFIED


async def test_listener_loss_flushes_the_cache_and_resubscribes(pg_schema_dsn: str) -> None:
    async with connect(pg_schema_dsn) as store:
        assert isinstance(store, PostgresStore)
        conf = Config.get_conf(None, identifier=42, cog_name="Example")
        await conf.value.set("before")
        assert await conf.value() == "before"
        await terminate_listener(pg_schema_dsn, store)
        # While the listener is down nothing stale is served ...
        assert await _seen_after_other_process_sets(conf, pg_schema_dsn, "during") < NOTIFIED
        # ... and once it is back, notifications flow again.
        await store.listener.wait_connected()
        assert store.listener.losses == 1
        assert await conf.value() == "during"
        assert await _seen_after_other_process_sets(conf, pg_schema_dsn, "after") < NOTIFIED
