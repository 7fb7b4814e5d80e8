"""The process table in PostgreSQL: what each shard process serves, and when it last said so.

Each process upserts its row once per heartbeat (``interval`` seconds) with the
database's clock, so ``plughost status`` compares times from one clock. A row
whose heartbeat is older than ``STALE_AFTER`` intervals belongs to a process that
died or hangs; the leader deletes rows older than ``FORGET_AFTER`` seconds, and a
process deletes its own row when it stops cleanly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, final

from plughost.cluster.throughput import NOT_COUNTED, Throughput
from plughost.config.models import PROCESS_TABLE

__all__ = [
    "FORGET_AFTER",
    "STALE_AFTER",
    "ProcessRow",
    "ProcessStatus",
    "beat",
    "forget_stale",
    "read_status",
    "remove",
]

#: Heartbeats missed before a process is shown as stale.
STALE_AFTER: Final = 3
#: Seconds after which the leader deletes a silent process's row.
FORGET_AFTER: Final = 60.0

_BEAT: Final = (
    f"INSERT INTO {PROCESS_TABLE} (id, host, pid, shards, total_shards, leader, latency, "
    "events, last_event, commands, errors, commands_per_second, p99_ms, started_at, "
    "heartbeat_at) "
    "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, now(), now()) "
    "ON CONFLICT (id) DO UPDATE SET leader = EXCLUDED.leader, latency = EXCLUDED.latency, "
    "events = EXCLUDED.events, last_event = EXCLUDED.last_event, "
    "commands = EXCLUDED.commands, errors = EXCLUDED.errors, "
    "commands_per_second = EXCLUDED.commands_per_second, p99_ms = EXCLUDED.p99_ms, "
    "heartbeat_at = now()"
)
_STATUS: Final = (
    "SELECT id, host, pid, shards::text, total_shards, leader, latency::text, events, "
    "last_event, started_at, heartbeat_at, "
    "extract(epoch FROM now() - heartbeat_at)::float8 AS age, "
    "commands, errors, commands_per_second, p99_ms "
    f"FROM {PROCESS_TABLE}"
)


@final
@dataclass(frozen=True, slots=True)
class ProcessRow:
    """What a process reports about itself at each heartbeat."""

    id: str
    host: str
    pid: int
    shards: tuple[int, ...]
    total_shards: int
    leader: bool
    latency_ms: dict[int, float | None]
    events: int
    last_event: str
    commands: Throughput = NOT_COUNTED
    """Commands of the last window (NOT_COUNTED: the process has no metrics endpoint)."""


@final
@dataclass(frozen=True, slots=True)
class ProcessStatus:
    """A row of the process table, as ``plughost status`` shows it."""

    row: ProcessRow
    started_at: datetime
    heartbeat_at: datetime
    age: float
    """Seconds since the last heartbeat, by the database's clock."""

    def alive(self, interval: float) -> bool:
        return self.age <= STALE_AFTER * interval


async def beat(conn: Any, row: ProcessRow) -> None:
    """Insert or refresh ``row``."""
    latency = {str(shard): ms for shard, ms in row.latency_ms.items()}
    await conn.execute(
        _BEAT,
        row.id,
        row.host,
        row.pid,
        json.dumps(list(row.shards)),
        row.total_shards,
        row.leader,
        json.dumps(latency),
        row.events,
        row.last_event[:200],
        row.commands.commands,
        row.commands.errors,
        row.commands.per_second,
        row.commands.p99_ms,
    )


async def remove(conn: Any, process_id: str) -> None:
    await conn.execute(f"DELETE FROM {PROCESS_TABLE} WHERE id = $1", process_id)


async def forget_stale(conn: Any, seconds: float = FORGET_AFTER) -> int:
    """Delete rows silent for longer than ``seconds``; returns how many."""
    result: str = await conn.execute(
        f"DELETE FROM {PROCESS_TABLE} WHERE heartbeat_at < now() - make_interval(secs => $1)",
        seconds,
    )
    return int(result.rpartition(" ")[2] or 0)


async def read_status(conn: Any) -> list[ProcessStatus]:
    """Every row of the process table, ordered by first shard."""
    found = []
    for r in await conn.fetch(_STATUS):
        latency = {int(k): (None if v is None else float(v)) for k, v in json.loads(r[6]).items()}
        row = ProcessRow(
            id=r[0],
            host=r[1],
            pid=int(r[2]),
            shards=tuple(int(s) for s in json.loads(r[3])),
            total_shards=int(r[4]),
            leader=bool(r[5]),
            latency_ms=latency,
            events=int(r[7]),
            last_event=str(r[8]),
            commands=Throughput(
                commands=int(r[12] or 0),
                errors=int(r[13] or 0),
                per_second=None if r[14] is None else float(r[14]),
                p99_ms=None if r[15] is None else float(r[15]),
            ),
        )
        found.append(ProcessStatus(row, r[9], r[10], float(r[11])))
    found.sort(key=lambda s: (s.row.shards[:1] or (0,), s.started_at))
    return found
