"""Leader election by a PostgreSQL session advisory lock.

The leader is the process whose control connection holds the advisory lock
``LEADER_LOCK``. Every process tries ``pg_try_advisory_lock`` once per
heartbeat; PostgreSQL releases the lock when the holder's session ends (the
process exits, is killed, or loses its connection), so another process takes
over within one heartbeat of noticing. The heartbeat goes over the same
connection: a process that can no longer report itself cannot stay leader.
A process that hangs with its connection open keeps the lock; see
docs/cluster.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Final

from plughost.cluster.pg import CONNECTION_ERRORS, open_connection

__all__ = ["LEADER_LOCK", "ControlConnection"]

log = logging.getLogger("plughost.cluster")

#: The advisory lock id of the leader ("plughost-leader" folded into 63 bits).
LEADER_LOCK: Final = 0x706C_6864_6C65_6164


class ControlConnection:
    """One process's control session: the leader lock and the heartbeats."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: Any = None
        self._io = asyncio.Lock()
        self._leader = False

    @property
    def is_leader(self) -> bool:
        """Whether this process holds the leader lock (as of the last check)."""
        return self._leader and self._conn is not None

    @property
    def backend_pid(self) -> int | None:
        return None if self._conn is None else int(self._conn.get_server_pid())

    async def connect(self) -> None:
        """Open the session (raises when PostgreSQL cannot be reached)."""
        conn = await open_connection(self._dsn, application_name="plughost-cluster-control")
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    def _on_lost(self, conn: Any) -> None:
        if conn is self._conn:
            self._conn = None
            if self._leader:
                log.warning("cluster: lost the control connection; no longer the leader")
            self._leader = False

    async def try_lead(self) -> bool:
        """Take the leader lock if it is free; reconnect first if the session was lost."""
        if self._conn is None:
            try:
                await self.connect()
            except CONNECTION_ERRORS as exc:
                log.warning("cluster: cannot reach PostgreSQL for the control session: %s", exc)
                return False
        if not self._leader:
            got = await self.run(
                lambda c: c.fetchval("SELECT pg_try_advisory_lock($1::bigint)", LEADER_LOCK)
            )
            self._leader = bool(got)
        return self.is_leader

    async def run(self, action: Any) -> Any:
        """``await action(connection)`` on the control session; None when it is down."""
        conn = self._conn
        if conn is None:
            return None
        try:
            async with self._io:
                return await action(conn)
        except CONNECTION_ERRORS:
            log.warning("cluster: control connection failed", exc_info=True)
            return None

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        self._leader = False
        if conn is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                await conn.close()
