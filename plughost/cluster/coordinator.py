"""One shard process's part in a cluster: events, leadership, heartbeats.

:func:`coordinate` wraps the bots of a process (``plughost.runtime.runner``). On an
SQLite instance it does nothing: such an instance is one process, and nothing
needs coordinating. On PostgreSQL it

- publishes local changes (cogs loaded, unloaded, reloaded, installed, enabled,
  disabled; permission rules changed) as cluster events and applies everyone
  else's (``events.py``, ``apply.py``);
- takes part in leader election; the leader's first shard pushes global
  application commands, and a new leader compares that scope with Discord as
  soon as it takes over (``leader.py``);
- writes a heartbeat row with its shards, gateway latency, leadership and the
  events it applied, and its commands per second, errors and p99 latency, for
  ``plughost status`` (``heartbeat.py``, ``throughput.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]

from plughost.cluster import heartbeat
from plughost.cluster.apply import apply_event, resync
from plughost.cluster.errors import ClusterUnavailable
from plughost.cluster.events import ClusterEvent, EventBus
from plughost.cluster.leader import ControlConnection
from plughost.cluster.member import ClusterMember
from plughost.cluster.pg import CONNECTION_ERRORS
from plughost.cluster.throughput import CommandWindow
from plughost.config.connection import parse_dsn

__all__ = ["HEARTBEAT_SECONDS", "ClusterUnavailable", "Coordinator", "coordinate"]

log = logging.getLogger("plughost.cluster")

#: Seconds between heartbeats (and leader-lock attempts): a dead leader is
#: replaced within about one interval of PostgreSQL noticing its session end.
HEARTBEAT_SECONDS: Final = 1.0


class Coordinator:
    """The cluster side of one process serving ``bots``; see the module docstring."""

    def __init__(
        self,
        dsn: str,
        bots: Sequence[ClusterMember],
        *,
        total_shards: int,
        interval: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.bots = sorted(bots, key=lambda bot: int(bot.shard_id))
        self.total_shards = total_shards
        self.interval = interval
        #: This process's id in events and in the process table.
        self.id = uuid.uuid4().hex[:12]
        self.bus = EventBus(dsn, on_event=self._on_event, on_resubscribed=self._resync)
        self.control = ControlConnection(dsn)
        #: Cluster events applied here (by at least one shard), and the last one.
        self.events_applied = 0
        self.last_event = ""
        #: Commands per second, errors and p99 for the heartbeat; its ``source`` is
        #: set when the metrics count this process's commands.
        self.throughput = CommandWindow()
        self._loop_task: asyncio.Task[None] | None = None
        self._claim: asyncio.Task[None] | None = None
        self._was_leader = False

    @property
    def is_leader(self) -> bool:
        return self.control.is_leader

    async def start(self) -> None:
        """Listen, try for leadership, write the first heartbeat, then keep beating."""
        await self.bus.start()
        await self.control.connect()
        for bot in self.bots:
            # Each bot's local changes become cluster events, and only the leader's
            # first bot pushes global commands.
            bot.cogs.announcer = functools.partial(self._announce, bot)
            bot.cogs.sync.owns_global_commands = functools.partial(self._owns_global, bot)
            if bot.permission_store is not None:
                bot.permission_store.announcer = functools.partial(self._permissions_changed, bot)
        await self._tick()
        self._loop_task = asyncio.create_task(self._beat_forever(), name="plughost-cluster-beat")

    async def close(self) -> None:
        """Stop beating, remove this process's row, give up leadership, stop listening."""
        for bot in self.bots:
            bot.cogs.announcer = None
            if bot.permission_store is not None:
                bot.permission_store.announcer = None
        for task in (self._loop_task, self._claim):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.control.run(lambda conn: heartbeat.remove(conn, self.id))
        await self.control.close()
        await self.bus.close()

    # -- events ---------------------------------------------------------------------

    async def _permissions_changed(self, bot: ClusterMember, guild_id: int | None) -> None:
        await self._announce(bot, "permissions.changed", {"guild_id": guild_id})

    async def _announce(self, bot: ClusterMember, kind: str, data: dict[str, Any]) -> None:
        event = ClusterEvent(kind, self.id, int(bot.shard_id), data)
        log.debug("cluster: announcing %s", event.describe())
        await self.bus.publish(event)

    async def _on_event(self, event: ClusterEvent) -> None:
        skip = None
        if event.origin == self.id:
            skip = next((b for b in self.bots if int(b.shard_id) == event.shard), None)
        applied = await apply_event(event, self.bots, skip=skip)
        if applied:
            self.events_applied += 1
            self.last_event = event.describe()
            log.info("cluster: applied %s from process %s", event.describe(), event.origin)

    async def _resync(self) -> None:
        await resync(self.bots)
        self.last_event = "resync after a lost event connection"

    # -- leadership and heartbeats ----------------------------------------------------

    def _owns_global(self, bot: ClusterMember) -> bool:
        return self.control.is_leader and bool(self.bots) and bot is self.bots[0]

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)  # the heartbeat period itself
            try:
                await self._tick()
            except Exception:
                log.exception("cluster: heartbeat failed")

    async def _tick(self) -> None:
        leader = await self.control.try_lead()
        if leader and not self._was_leader:
            log.info("cluster: this process (%s) is now the leader", self.id)
            self._claim_global_commands()
        self._was_leader = leader
        row = heartbeat.ProcessRow(
            id=self.id,
            host=socket.gethostname(),
            pid=os.getpid(),
            shards=tuple(int(bot.shard_id) for bot in self.bots),
            total_shards=self.total_shards,
            leader=leader,
            latency_ms={int(bot.shard_id): _latency_ms(bot) for bot in self.bots},
            events=self.events_applied,
            last_event=self.last_event,
            commands=self.throughput.sample(time.monotonic()),
        )
        await self.control.run(lambda conn: heartbeat.beat(conn, row))
        if leader:
            await self.control.run(heartbeat.forget_stale)

    def _claim_global_commands(self) -> None:
        if not self.bots or not self.bots[0].cogs.sync.started:
            return  # the first sync, still to come, includes the global scope
        manager = self.bots[0].cogs

        async def claim() -> None:
            try:
                written = await manager.claim_global_commands()
            except Exception:
                log.exception("cluster: syncing global commands after taking over failed")
                return
            log.info("cluster: took over global commands (%d scope written)", written)

        self._claim = asyncio.create_task(claim(), name="plughost-cluster-claim")


def _latency_ms(bot: ClusterMember) -> float | None:
    try:
        seconds = float(bot.latency)
    except (AttributeError, TypeError, ValueError):
        return None
    return round(seconds * 1000, 1) if math.isfinite(seconds) else None


@contextlib.asynccontextmanager
async def coordinate(
    dsn: str, bots: Sequence[ClusterMember], *, total_shards: int
) -> AsyncIterator[Coordinator | None]:
    """Coordinate ``bots`` with the other processes on ``dsn``; nothing on SQLite."""
    kind, _ = parse_dsn(dsn)
    if kind != "postgres":
        yield None
        return
    coordinator = Coordinator(dsn, bots, total_shards=total_shards)
    try:
        try:
            await coordinator.start()
        except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
            log.debug("starting the cluster coordinator failed", exc_info=True)
            raise ClusterUnavailable(f"cannot join the cluster on PostgreSQL: {exc}") from exc
        yield coordinator
    finally:
        await coordinator.close()
