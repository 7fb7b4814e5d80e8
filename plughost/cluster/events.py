"""Cluster events: one process's change announced to every other, by LISTEN/NOTIFY.

Each process keeps one dedicated asyncpg connection (a pooled one would lose its
listeners when returned to the pool) listening on ``plughost_cluster``, and
publishes on it too. An event is a small JSON object: its kind (``cog.loaded``,
``cog.unloaded``, ``cog.reloaded``, ``cog.installed``, ``cog.enabled``,
``cog.disabled``, ``permissions.changed``), the process and shard it came from,
and its data. The publishing process receives its own events as well, which is
how its other shards hear them; the shard that made the change skips it.

Events are handed to one consumer task, in the order PostgreSQL delivered them
(commit order). If the connection drops, events sent meanwhile are lost: the
bus reconnects with back-off and then calls ``on_resubscribed``, which re-reads
the shared state from the store (see ``apply.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final, final

from plughost.cluster.pg import CONNECTION_ERRORS, open_connection
from plughost.config.backends.pglisten import ListeningConnection

__all__ = ["CHANNEL", "ClusterEvent", "EventBus"]

log = logging.getLogger("plughost.cluster")

CHANNEL: Final = "plughost_cluster"
#: PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more.
_MAX_PAYLOAD: Final = 7900


@final
@dataclass(frozen=True, slots=True)
class ClusterEvent:
    """A change made in one process, for every other process to apply."""

    kind: str
    origin: str
    """The id of the process that made the change."""
    shard: int | None
    """The shard (bot) of that process that made it; None: the process as a whole."""
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        return json.dumps({"k": self.kind, "o": self.origin, "s": self.shard, "d": self.data})

    @classmethod
    def decode(cls, payload: str) -> ClusterEvent:
        """Parse a NOTIFY payload; ValueError when it is not an event."""
        try:
            raw = json.loads(payload)
            kind, origin, shard, data = raw["k"], raw["o"], raw["s"], raw["d"]
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"not a cluster event: {payload[:80]!r}") from exc
        if not isinstance(kind, str) or not isinstance(origin, str) or not isinstance(data, dict):
            raise ValueError(f"not a cluster event: {payload[:80]!r}")
        if shard is not None and not isinstance(shard, int):
            raise ValueError(f"not a cluster event: {payload[:80]!r}")
        return cls(kind, origin, shard, data)

    def describe(self) -> str:
        """One line for logs and ``plughost status``."""
        details = " ".join(f"{k}={v}" for k, v in sorted(self.data.items()))
        return f"{self.kind} {details}".strip()


Handler = Callable[[ClusterEvent], Awaitable[None]]


class EventBus:
    """The LISTEN/NOTIFY connection of one process; see the module docstring."""

    def __init__(
        self,
        dsn: str,
        *,
        on_event: Handler,
        on_resubscribed: Callable[[], Awaitable[None]],
    ) -> None:
        self._on_event = on_event
        self._on_resubscribed = on_resubscribed
        self._io = asyncio.Lock()
        self._queue: asyncio.Queue[ClusterEvent | None] = asyncio.Queue()
        self._consumer: asyncio.Task[None] | None = None
        self._listen = ListeningConnection(
            connect=lambda: open_connection(dsn, application_name="plughost-cluster-events"),
            channels={CHANNEL: self._on_notify},
            retry_on=CONNECTION_ERRORS,
            log=log,
            name="cluster: event",
            task_name="plughost-cluster-events-reconnect",
            max_delay=5.0,
            on_reconnected=self._resubscribed,
        )

    @property
    def losses(self) -> int:
        """Times the connection was lost (and events may have been missed)."""
        return self._listen.losses

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection (tests terminate it)."""
        return self._listen.backend_pid

    async def start(self) -> None:
        """Connect and listen; raises when PostgreSQL cannot be reached."""
        await self._listen.connect()
        self._consumer = asyncio.create_task(self._consume(), name="plughost-cluster-events")

    def _on_notify(self, payload: str) -> None:
        try:
            event = ClusterEvent.decode(payload)
        except ValueError:
            log.warning("ignored a malformed cluster event", exc_info=True)
            return
        self._queue.put_nowait(event)

    async def _consume(self) -> None:
        while (event := await self._queue.get()) is not None:
            try:
                await self._on_event(event)
            except Exception:
                log.exception("applying cluster event %s failed", event.describe())

    async def _resubscribed(self) -> None:
        log.info("cluster: event connection back; re-reading shared state")
        try:
            await self._on_resubscribed()
        except Exception:
            log.exception("cluster: re-reading shared state after a reconnect failed")

    async def publish(self, event: ClusterEvent) -> bool:
        """Send ``event`` to every process (this one included); False if it could not be sent.

        A failure is logged, never raised: the change itself is already stored,
        and other processes pick it up when they next re-read the store.
        """
        payload = event.encode()
        if len(payload.encode()) > _MAX_PAYLOAD:
            log.error("cluster event too large to send: %s", event.describe()[:200])
            return False
        conn = self._listen.connection
        if conn is None:
            log.warning("cluster: not connected; event not sent: %s", event.describe())
            return False
        try:
            async with self._io:
                await conn.execute("SELECT pg_notify($1::text, $2::text)", CHANNEL, payload)
        except CONNECTION_ERRORS:
            log.warning("cluster: event not sent: %s", event.describe(), exc_info=True)
            return False
        return True

    async def close(self) -> None:
        await self._listen.stop_reconnecting()
        if self._consumer is not None:
            self._queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer
        with contextlib.suppress(*CONNECTION_ERRORS):
            await self._listen.close()
