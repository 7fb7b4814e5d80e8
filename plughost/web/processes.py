"""The processes of a cluster, from its PostgreSQL process table, as ``plughost status``
reads them: one connection per look, closed after (the status page refreshes every
5 s; a pooled connection would be held by a page nobody is watching)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import final

import asyncpg  # type: ignore[import-untyped]

from plughost.cluster.coordinator import HEARTBEAT_SECONDS
from plughost.cluster.heartbeat import read_status
from plughost.cluster.pg import CONNECTION_ERRORS, open_connection
from plughost.cluster.shards import format_shards

__all__ = ["ProcessLine", "cluster_processes"]

log = logging.getLogger("plughost.web")


@final
@dataclass(frozen=True, slots=True)
class ProcessLine:
    """One process of the cluster, as the status page shows it."""

    id: str
    where: str
    shards: str
    role: str
    latency: str
    heartbeat: str
    alive: bool
    events: str


async def cluster_processes(dsn: str) -> tuple[list[ProcessLine], str | None]:
    """The cluster's processes, and a short reason when they cannot be read."""
    try:
        conn = await open_connection(dsn, application_name="plughost-web")
    except (*CONNECTION_ERRORS, asyncpg.PostgresError) as exc:
        log.warning("web: cannot read the process table: %s", exc)
        return [], "The instance's database cannot be reached; the log says why."
    try:
        rows = await read_status(conn)
    except asyncpg.UndefinedTableError:
        rows = []  # no process has run on this database yet
    finally:
        await conn.close()
    lines = []
    for status in rows:
        row = status.row
        known = [ms for ms in row.latency_ms.values() if ms is not None]
        lines.append(
            ProcessLine(
                id=row.id,
                where=f"{row.host}:{row.pid}",
                shards=f"{format_shards(row.shards)} of {row.total_shards}",
                role="leader" if row.leader else "follower",
                latency=f"{max(known):.0f} ms" if known else "-",
                heartbeat=f"{status.age:.1f} s ago",
                alive=status.alive(HEARTBEAT_SECONDS),
                events=str(row.events),
            )
        )
    return lines, None
