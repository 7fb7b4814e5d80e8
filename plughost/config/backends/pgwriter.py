"""Group commit for PostgreSQL: concurrent writes of one process share a transaction.

Measured here (PostgreSQL 15, 2 shared cores): one write per transaction tops
out near 3,000/s with 100 writers (every commit flushes WAL and takes the
NOTIFY queue lock), while 100 writes in one transaction sent with
``executemany`` run at ~56,000/s. So one writer task takes whatever writes are
waiting: a lone write goes alone, as one statement that returns the new
document (the cache keeps it); several go together in one transaction, sorted
by key so that processes take row locks in the same order. Statements that
return one row each go through ``fetchmany``, so every write of a batch gets its
new document and version too and the cache keeps it (read-your-writes: the
first read after a set is served from the cache, not the database); the others
(a path delete may match nothing) through ``executemany``, and the cache drops
those keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from plughost.config.backends.outage import OutageMonitor
from plughost.config.errors import StoreClosedError

__all__ = ["PgGroupCommit"]

log = logging.getLogger("plughost.config")

#: A queued write: (SQL, arguments, key, waiter).
_Write = tuple[str, tuple[Any, ...], str, "asyncio.Future[Any]"]
#: Lock-order deadlocks cannot happen between sorted batches, but a batch can
#: still deadlock with a read-modify-write elsewhere; the whole batch was
#: rolled back then, so running it again is safe.
_RETRIES: Final = 5


class PgGroupCommit:
    """The single writer task of a :class:`~plughost.config.backends.postgres.PostgresStore`."""

    def __init__(
        self,
        client: AsyncpgDBClient,
        outage: OutageMonitor,
        one_row: frozenset[str] = frozenset(),
    ) -> None:
        self._client = client
        self._outage = outage
        #: Statements that return exactly one row per execution (``fetchmany``-safe).
        self.one_row = one_row
        self._queue: list[_Write] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name="plughost-config-postgres-writer"
        )

    def submit(self, sql: str, args: tuple[Any, ...], key: str) -> asyncio.Future[Any]:
        """Queue a write; the future gets the statement's row (alone) or None (batched)."""
        if self._task is None or self._task.done():
            raise StoreClosedError("the PostgreSQL config writer is not running")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((sql, args, key, future))
        self._wake.set()
        return future

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                batch, self._queue = self._queue, []
                try:
                    if len(batch) == 1:
                        await self._alone(batch[0])
                    else:
                        await self._together(batch)
                except asyncio.CancelledError:
                    self._fail(batch, StoreClosedError("config store closed before this write"))
                    raise

    async def _alone(self, write: _Write) -> None:
        sql, args, _, future = write
        try:
            async with self._client.acquire_connection() as conn:
                row = await conn.fetchrow(sql, *args)
                # Committed: answer now, not after the release, whose reset
                # (asyncpg's RESET ALL and friends) is one more round trip.
                if self._outage.down:
                    self._outage.recovered()
                if not future.done():
                    future.set_result(row)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._fail([write], exc)  # a failed release after the answer changes nothing

    async def _together(self, batch: list[_Write]) -> None:
        ordered = sorted(batch, key=lambda write: write[2])  # stable: same-key order kept
        for attempt in itertools.count(1):
            try:
                async with self._client.acquire_connection() as conn:
                    rows = await self._commit(conn, ordered)
                    # Committed: answer before the release's reset round trip.
                    if self._outage.down:
                        self._outage.recovered()
                    self.batches += 1
                    for write in batch:
                        if not write[3].done():
                            write[3].set_result(rows.get(id(write)))
            except asyncio.CancelledError:
                raise
            except asyncpg.DeadlockDetectedError as exc:
                if attempt < _RETRIES:
                    log.info("config: batch of %d writes deadlocked; retrying", len(batch))
                    continue
                self._fail(batch, exc)
            except Exception as exc:
                self._fail(batch, exc)  # a failed release after the answers changes nothing
            return

    async def _commit(self, conn: Any, ordered: list[_Write]) -> dict[int, Any]:
        """Run the batch in one transaction; the row each one-row write returned, by id."""
        rows: dict[int, Any] = {}
        async with conn.transaction():
            for sql, grouped in itertools.groupby(ordered, key=lambda write: write[0]):
                group = list(grouped)
                arguments = [write[1] for write in group]
                if sql in self.one_row:
                    found = await conn.fetchmany(sql, arguments)
                    if len(found) == len(group):  # else: no row is known to be whose
                        rows.update(zip(map(id, group), found, strict=True))
                else:
                    await conn.executemany(sql, arguments)
        return rows

    def _fail(self, batch: list[_Write], exc: BaseException) -> None:
        # Not committed, or not known to be: every writer of the batch hears it
        # (a lost connection as StoreOutageError, counted once for the batch).
        exc = self._outage.translate(exc)
        for *_, future in batch:
            if not future.done():
                future.set_exception(exc)

    async def stop(self) -> None:
        """Commit everything queued or in flight, then end the writer task."""
        task = self._task
        if task is None:
            return
        if not task.done():
            await self.submit("SELECT 1", (), "")  # a barrier behind every earlier write
        self._task = None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
