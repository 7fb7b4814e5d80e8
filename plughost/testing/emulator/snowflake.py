"""Discord-shaped snowflake ids and timestamps for the emulator."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["DISCORD_EPOCH_MS", "SnowflakeGenerator", "iso_timestamp", "shard_for", "snowflake_time"]

DISCORD_EPOCH_MS = 1_420_070_400_000


def shard_for(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a guild's events to."""
    return (guild_id >> 22) % shard_count


def snowflake_time(snowflake: int) -> float:
    """Unix time (seconds) encoded in a snowflake."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000


def iso_timestamp(unix: float | None = None) -> str:
    """An ISO 8601 timestamp the way Discord writes them."""
    moment = datetime.fromtimestamp(time.time() if unix is None else unix, UTC)
    return moment.isoformat(timespec="microseconds")


class SnowflakeGenerator:
    """Hands out increasing snowflakes whose timestamp part grows by at least 1 per id.

    Real snowflakes share a millisecond and differ in the low counter bits, which would
    put every guild created in one test on the same shard. Bumping the timestamp part
    instead keeps ids close to wall-clock time (so interaction expiry checks in the
    client still pass) while spreading consecutive ids across shards.
    """

    __slots__ = ("_last_ms", "_worker")

    def __init__(self, worker: int = 1) -> None:
        self._last_ms = 0
        self._worker = worker & 0x3FF

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last_ms = max(now_ms, self._last_ms + 1)
        return (self._last_ms << 22) | (self._worker << 12)

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id that `shard_for` maps to ``shard_id``."""
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"shard {shard_id} is outside 0..{shard_count - 1}")
        while True:
            candidate = self.next()
            if shard_for(candidate, shard_count) == shard_id:
                return candidate
