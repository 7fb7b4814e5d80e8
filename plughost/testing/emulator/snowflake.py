"""Discord-shaped snowflake ids and timestamps for the emulator."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

__all__ = ["DISCORD_EPOCH_MS", "SnowflakeGenerator", "iso_timestamp", "shard_for", "snowflake_time"]

DISCORD_EPOCH_MS = 1_420_070_400_000
# Named ids (a seeded generator's): timestamps within 2020, milliseconds since
# Discord's epoch.
_NAMED_EPOCH_MS = 1_577_836_800_000 - DISCORD_EPOCH_MS
_NAMED_SPAN_MS = 366 * 86_400_000


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

    __slots__ = ("_last_ms", "_named", "_seed", "_worker")

    def __init__(self, worker: int = 1, *, seed: str | None = None) -> None:
        self._last_ms = 0
        self._worker = worker & 0x3FF
        self._seed = seed
        self._named: set[int] = set()

    def named(self, kind: str, name: str) -> int:
        """The id of the ``kind`` called ``name`` (a guild, channel, role, user).

        Without a seed, just `next`. With one, the same on every run for the same
        seed, kind and name: the console gives each instance its seed, so the
        demo guild, its channels and members keep their ids, and the data the
        bot stored about them last time is theirs again. The timestamp part lies
        in 2020 (before any message id `next` hands out, so they never collide);
        a hash of seed, kind and name picks the rest.
        """
        if self._seed is None:
            return self.next()
        digest = hashlib.blake2b(f"{self._seed}\0{kind}\0{name}".encode(), digest_size=8)
        number = int.from_bytes(digest.digest(), "big")
        candidate = ((_NAMED_EPOCH_MS + (number >> 22) % _NAMED_SPAN_MS) << 22) | (
            number & 0x3FFFFF
        )
        while candidate in self._named:  # two of a kind with one name: the next one
            candidate += 1 << 22
        self._named.add(candidate)
        return candidate

    def named_on_shard(self, kind: str, name: str, shard_id: int, shard_count: int) -> int:
        """`named`, moved on until `shard_for` maps it to ``shard_id``."""
        if self._seed is None:
            return self.next_on_shard(shard_id, shard_count)
        candidate = self.named(kind, name)
        while shard_for(candidate, shard_count) != shard_id:
            self._named.discard(candidate)
            candidate += 1 << 22
            self._named.add(candidate)
        return candidate

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
