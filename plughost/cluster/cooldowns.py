"""Cooldowns that hold across every shard process: the window lives in the database.

interactions.py's ``@cooldown`` counts in the memory of one process, so a user
whose guilds sit on different shards (or a DM and a guild) gets a fresh quota
in each. A :class:`SharedCooldown` keeps one row per bucket in
``plughost_cooldowns`` and counts with one atomic upsert, on the database's
clock (PostgreSQL) or this process's (SQLite, one process anyway)::

    from plughost.cluster import SharedCooldown

    class Economy(Cog):
        daily_cooldown = SharedCooldown("economy.daily", per=86_400, bucket="user")

        @prefixed.prefixed_command()
        async def daily(self, ctx):
            await self.daily_cooldown.hit(ctx)   # raises CommandOnCooldown when used up
            ...

A command on cooldown answers like any other (``That command is on cooldown;
try again in 42 s.``). Fixed windows: the first use opens a window of ``per``
seconds in which ``rate`` uses are allowed.
"""

from __future__ import annotations

import time
from typing import Any, Final, Literal, final

from interactions.client.errors import CommandOnCooldown
from tortoise import connections

from plughost.config.models import COOLDOWN_TABLE

__all__ = ["Bucket", "SharedCooldown"]

Bucket = Literal["user", "member", "channel", "guild", "global"]
_BUCKETS: Final = ("user", "member", "channel", "guild", "global")

_PG_USE: Final = (
    f"INSERT INTO {COOLDOWN_TABLE} AS c (key, window_end, uses) "
    "VALUES ($1, extract(epoch FROM clock_timestamp()) + $2, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    "uses = CASE WHEN c.window_end <= EXCLUDED.window_end - $2 THEN 1 ELSE c.uses + 1 END, "
    "window_end = CASE WHEN c.window_end <= EXCLUDED.window_end - $2 "
    "THEN EXCLUDED.window_end ELSE c.window_end END "
    "RETURNING uses, window_end - extract(epoch FROM clock_timestamp()) AS remaining"
)
_SQLITE_USE: Final = (
    f"INSERT INTO {COOLDOWN_TABLE} AS c (key, window_end, uses) VALUES (?, ? + ?, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    "uses = CASE WHEN c.window_end <= excluded.window_end - ? THEN 1 ELSE c.uses + 1 END, "
    "window_end = CASE WHEN c.window_end <= excluded.window_end - ? "
    "THEN excluded.window_end ELSE c.window_end END "
    "RETURNING uses, window_end - ? AS remaining"
)


@final
class _Remaining:
    """What ``CommandOnCooldown.cooldown`` needs to say how long to wait."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def get_cooldown_time(self) -> float:
        return self.seconds


@final
class SharedCooldown:
    """``rate`` uses per ``per`` seconds for each bucket, counted across all shard processes."""

    __slots__ = ("bucket", "name", "per", "rate")

    def __init__(self, name: str, *, per: float, rate: int = 1, bucket: Bucket = "user") -> None:
        if not name:
            raise ValueError("a shared cooldown needs a name")
        if per <= 0 or rate < 1:
            raise ValueError("a shared cooldown needs per > 0 and rate >= 1")
        if bucket not in _BUCKETS:
            raise ValueError(f"bucket must be one of {', '.join(_BUCKETS)}, not {bucket!r}")
        self.name = name
        self.per = float(per)
        self.rate = int(rate)
        self.bucket: Bucket = bucket

    def key_for(self, ctx: Any) -> str:
        """The bucket a command context falls in (``name:bucket:ids``)."""
        guild = int(ctx.guild_id) if getattr(ctx, "guild_id", None) else 0
        author = int(ctx.author_id) if getattr(ctx, "author_id", None) else int(ctx.author.id)
        parts = {
            "user": (author,),
            "member": (guild, author),
            "channel": (int(ctx.channel_id),),
            "guild": (guild,),
            "global": (),
        }[self.bucket]
        return ":".join([self.name, self.bucket, *map(str, parts)])

    async def hit(self, ctx: Any) -> None:
        """Count one use for ``ctx``; raise ``CommandOnCooldown`` when the bucket is used up."""
        wait = await self.use(self.key_for(ctx))
        if wait > 0:
            raise CommandOnCooldown(ctx.command, _Remaining(wait))  # type: ignore[arg-type]  # only get_cooldown_time is read

    async def use(self, key: str) -> float:
        """Count one use of bucket ``key``; 0.0 if allowed, else seconds until it is."""
        client = connections.get("default")
        if client.capabilities.dialect == "postgres":
            rows = await client.execute_query_dict(_PG_USE, [key, self.per])
        else:
            now = time.time()
            rows = await client.execute_query_dict(
                _SQLITE_USE, [key, now, self.per, self.per, self.per, now]
            )
        uses, remaining = int(rows[0]["uses"]), float(rows[0]["remaining"])
        return 0.0 if uses <= self.rate else max(remaining, 0.001)

    async def reset(self, key: str) -> None:
        """Forget bucket ``key`` (its next use opens a new window)."""
        client = connections.get("default")
        mark = "$1" if client.capabilities.dialect == "postgres" else "?"
        await client.execute_query(f"DELETE FROM {COOLDOWN_TABLE} WHERE key = {mark}", [key])
