"""The event bus (delivery, loss and re-subscription) and cross-shard cooldowns."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from plughost.cluster import SharedCooldown
from plughost.cluster.events import ClusterEvent, EventBus
from plughost.config import connect


class _Inbox:
    def __init__(self) -> None:
        self.events: asyncio.Queue[ClusterEvent] = asyncio.Queue()
        self.resubscribed = asyncio.Event()

    async def on_event(self, event: ClusterEvent) -> None:
        await self.events.put(event)

    async def on_resubscribed(self) -> None:
        self.resubscribed.set()

    def bus(self, dsn: str) -> EventBus:
        return EventBus(dsn, on_event=self.on_event, on_resubscribed=self.on_resubscribed)


@pytest.mark.postgres
async def test_events_reach_every_bus_and_survive_a_lost_connection(pg_dsn: str) -> None:
    mine, theirs = _Inbox(), _Inbox()
    sender, receiver = mine.bus(pg_dsn), theirs.bus(pg_dsn)
    await sender.start()
    await receiver.start()
    try:
        event = ClusterEvent("cog.disabled", "p1", 0, {"name": "fun", "guild_id": 7})
        assert await sender.publish(event)
        assert await asyncio.wait_for(theirs.events.get(), 5) == event
        assert await asyncio.wait_for(mine.events.get(), 5) == event  # the sender hears it too

        pid = receiver.backend_pid
        admin = await asyncpg.connect(pg_dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await asyncio.wait_for(theirs.resubscribed.wait(), 10)
        assert receiver.losses == 1
        assert receiver.backend_pid not in (None, pid)

        later = ClusterEvent("permissions.changed", "p1", None, {"guild_id": None})
        assert await sender.publish(later)
        assert await asyncio.wait_for(theirs.events.get(), 5) == later
    finally:
        await sender.close()
        await receiver.close()


def test_malformed_payloads_are_refused() -> None:
    for payload in ("", "{}", "[1]", '{"k": 1, "o": "x", "s": null, "d": {}}', "not json"):
        with pytest.raises(ValueError, match="not a cluster event"):
            ClusterEvent.decode(payload)
    event = ClusterEvent("cog.loaded", "abc", 3, {"name": "x"})
    assert ClusterEvent.decode(event.encode()) == event


_OTHER_PROCESS = """
import asyncio, sys
from plughost.cluster import SharedCooldown
from plughost.config import connect

async def main():
    async with connect(sys.argv[1]):
        print(await SharedCooldown("daily", per=3600, rate=2).use("daily:user:42"))

asyncio.run(main())
"""


@pytest.mark.postgres
async def test_shared_cooldown_counts_across_processes(pg_dsn: str) -> None:
    daily = SharedCooldown("daily", per=3600, rate=2)
    async with connect(pg_dsn):
        assert await daily.use("daily:user:42") == 0.0
        other = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _OTHER_PROCESS, pg_dsn, stdout=subprocess.PIPE
        )
        out, _ = await other.communicate()
        assert other.returncode == 0
        assert float(out) == 0.0  # the second use of two, in another process
        wait = await daily.use("daily:user:42")  # the third: refused here
        assert 3590 < wait <= 3600
        assert await daily.use("daily:user:43") == 0.0  # other buckets are apart
        await daily.reset("daily:user:42")
        assert await daily.use("daily:user:42") == 0.0


async def test_shared_cooldown_on_sqlite(tmp_path: Path) -> None:
    once = SharedCooldown("once", per=60, bucket="guild")
    async with connect(f"sqlite:///{tmp_path / 'x.db'}"):
        assert await once.use("k") == 0.0
        assert 59 < await once.use("k") <= 60


def test_shared_cooldown_refuses_bad_settings() -> None:
    with pytest.raises(ValueError, match="per > 0"):
        SharedCooldown("x", per=0)
    with pytest.raises(ValueError, match="bucket must be one of"):
        SharedCooldown("x", per=1, bucket="planet")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a name"):
        SharedCooldown("", per=1)
