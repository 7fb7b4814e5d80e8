"""The SQLite store: one process, a write-through cache, and group commit.

Only the process holding the instance lock (``filelock.py``) opens the file, so
the cache is authoritative: a write updates it at once and is acknowledged when
its transaction has committed. Writes queue up while a commit is running and
then go to the database together, in one transaction (one fsync with
``synchronous=FULL``), in the order they were made.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Final, cast

from tortoise.backends.sqlite.client import SqliteClient

from plughost.config.backends.cache import DocumentCache, Entry
from plughost.config.backends.driver_internals import (
    Job,
    aiosqlite_enqueue,
    aiosqlite_sqlite3,
    sqlite_client_lock,
)
from plughost.config.backends.store import ConfigStore
from plughost.config.documents import MISSING, decode, encode, remove_path, set_path
from plughost.config.errors import StoreClosedError
from plughost.config.keys import prefix_range
from plughost.config.models import TABLE

__all__ = ["SQLiteStore"]

_UPSERT: Final = (
    f"INSERT INTO {TABLE} (key, data, version) VALUES (?, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET data = excluded.data, version = excluded.version"
)
_DELETE: Final = f"DELETE FROM {TABLE} WHERE key = ?"
_DELETE_RANGE: Final = f"DELETE FROM {TABLE} WHERE key >= ? AND key < ?"
_SELECT: Final = f"SELECT data, version FROM {TABLE} WHERE key = ?"
_SCAN: Final = f"SELECT key, data FROM {TABLE} WHERE key >= ? AND key < ? ORDER BY key"
_ROWS_AFTER: Final = f"SELECT key, data FROM {TABLE} WHERE key > ? ORDER BY key LIMIT ?"
_FIRST_FROM: Final = f"SELECT key FROM {TABLE} WHERE key >= ? ORDER BY key LIMIT 1"
# substr(key, -n): the last n characters (SQLite counts characters of text, as
# Python's len() does).
_SCAN_SUFFIX: Final = (
    f"SELECT key, data FROM {TABLE} "
    "WHERE ((key >= ? AND key < ?) OR (key >= ? AND key < ?)) AND substr(key, ?) = ?"
)

# A queued operation: (SQL, parameters, cache entry pinned until it commits).
# None is a barrier: it only waits for everything queued before it.
_Statement = tuple[str, tuple[Any, ...], Entry | None]
_Op = _Statement | None


_Fetch = Callable[[sqlite3.Connection, str, tuple[Any, ...]], list[Any]]
_Finish = Callable[[list[_Op], list[asyncio.Future[None]], BaseException | None], None]


def _apply_batch(
    db: sqlite3.Connection,
    ops: list[_Op],
    futures: list[asyncio.Future[None]],
    loop: asyncio.AbstractEventLoop,
    finish: _Finish,
) -> None:
    """Run in aiosqlite's thread: every op of the batch in one transaction, then report."""
    error: BaseException | None = None
    # A lone write (writes that do not overlap) skips building the list.
    statements = cast(
        "list[_Statement]",
        ops if len(ops) == 1 and ops[0] is not None else [op for op in ops if op is not None],
    )
    try:
        if len(statements) == 1:
            # One statement: SQLite's autocommit (Tortoise opens the connection
            # with isolation_level=None) commits it, or rolls it back, before
            # execute() returns, as BEGIN/statement/COMMIT would, in one
            # sqlite3 call instead of three: 22.1 -> 20.0 us per upsert, mean
            # of 6 runs of 20,000 with sqlite3 alone (spread 0-5 us).
            db.execute(statements[0][0], statements[0][1])
        elif statements:
            db.execute("BEGIN")
            try:
                for op in statements:
                    db.execute(op[0], op[1])
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
    except BaseException as exc:  # reported to every writer of the batch
        error = exc
    loop.call_soon_threadsafe(finish, ops, futures, error)


def _select_few(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Run in aiosqlite's thread: the rows of a query that returns at most a few.

    What aiosqlite's ``execute_fetchall`` runs; the rows are ``sqlite3.Row``
    (Tortoise's row factory), cheaper than a cursor of our own for one row.
    """
    return db.execute(sql, params).fetchall()


def _select(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Run in aiosqlite's thread: the rows of a query as plain tuples.

    Tortoise sets ``row_factory = sqlite3.Row`` on its connection; a cursor of
    our own without it skips building a Row per row (measured 1-2 ms of the
    ~9 ms fetch of a 10,000-member guild).
    """
    cursor = db.cursor()
    cursor.row_factory = None
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


class _GroupCommit:
    """Collects writes while a commit runs; commits them together, in order.

    No task drives it: the first write hands its batch to aiosqlite's thread,
    and the thread's completion callback resolves the writers and hands over
    the writes that queued up meanwhile. A write therefore costs what a raw
    ``await db.execute(...)`` costs (two event-loop turns), where a writer
    task took four (measured: 5.8k vs 9.4k sets/s with a writer task).

    This puts functions on aiosqlite's worker queue and reads Tortoise's client
    lock: the batch is only handed over while no Tortoise transaction holds the
    connection, and the worker's FIFO keeps everything queued later behind our
    COMMIT. Both are private APIs, reached through ``driver_internals.py`` once,
    at setup: the hot path calls the bound ``locked`` and ``put_nowait``.
    """

    __slots__ = (
        "_cache",
        "_client",
        "_db",
        "_enqueue",
        "_futures",
        "_in_flight",
        "_locked",
        "_loop",
        "_ops",
        "_waiting_for_lock",
        "failures",
    )

    #: aiosqlite's sqlite3 connection and its worker queue's put (set by start()).
    _db: sqlite3.Connection
    _enqueue: Callable[[Job], None]

    def __init__(self, client: SqliteClient, cache: DocumentCache) -> None:
        self._client = client
        self._cache = cache
        #: True while a Tortoise operation or transaction uses the connection.
        self._locked = sqlite_client_lock(client).locked
        self._ops: list[_Op] = []
        self._futures: list[asyncio.Future[None]] = []
        self._in_flight = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting_for_lock: asyncio.Task[None] | None = None
        self.failures = 0

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        # Makes Tortoise open its aiosqlite connection now (and hands it over).
        async with self._client.acquire_connection() as conn:
            pass
        self._db = aiosqlite_sqlite3(conn)
        self._enqueue = aiosqlite_enqueue(conn)

    def submit(self, op: _Op) -> asyncio.Future[None]:
        loop = self._loop
        if loop is None:
            raise StoreClosedError("the SQLite config writer is not running")
        if op is not None and op[2] is not None:
            op[2].pins += 1
        future: asyncio.Future[None] = loop.create_future()
        self._ops.append(op)
        self._futures.append(future)
        if not self._in_flight:
            self._dispatch()
        return future

    def _dispatch(self) -> None:
        if self._locked():
            # A Tortoise transaction is using the connection: go after it.
            if self._waiting_for_lock is None:
                self._waiting_for_lock = asyncio.get_running_loop().create_task(
                    self._dispatch_after_lock()
                )
            return
        ops, futures = self._ops, self._futures
        self._ops, self._futures = [], []
        self._in_flight = True
        loop = self._loop
        assert loop is not None  # set by start()
        work = functools.partial(_apply_batch, self._db, ops, futures, loop, self._finish)
        self._enqueue((None, work))

    async def _dispatch_after_lock(self) -> None:
        try:
            async with self._client.acquire_connection():
                if self._ops and not self._in_flight:
                    self._waiting_for_lock = None
                    self._dispatch()
        finally:
            self._waiting_for_lock = None

    def _finish(
        self, ops: list[_Op], futures: list[asyncio.Future[None]], error: BaseException | None
    ) -> None:
        self._in_flight = False
        for op in ops:
            if op is not None and op[2] is not None:
                op[2].pins -= 1
        if error is not None:
            self.failures += 1
            # The cache holds writes that never reached the disk: forget them all.
            self._cache.clear()
        for future in futures:
            if not future.done():
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)
        if self._ops:
            self._dispatch()

    def select(
        self, sql: str, params: tuple[Any, ...], fetch: _Fetch = _select
    ) -> asyncio.Future[list[Any]] | None:
        """Queue a read on aiosqlite's thread, or None while Tortoise holds the connection.

        What ``async with client.acquire_connection()`` plus ``execute_fetchall``
        does, minus the lock's coroutines and aiosqlite's wrapper coroutine.
        Uncached gets vs raw aiosqlite in the same run (2 runs each, loaded
        2-core VM): 0.64-0.75 of raw before, 0.92 after, together with the
        Row-free cursor and _fetch's inlining. It is safe for the same
        reason as group commit: while the lock is free no Tortoise transaction
        is open, and the worker's FIFO runs the read before anything queued
        later. Returns None when the caller must take the lock instead.
        """
        loop = self._loop
        if loop is None or self._locked():
            return None
        future: asyncio.Future[list[Any]] = loop.create_future()
        self._enqueue((future, functools.partial(fetch, self._db, sql, params)))
        return future

    async def drain(self) -> None:
        if self._ops or self._in_flight:
            await self.submit(None)

    async def stop(self) -> None:
        await self.drain()
        if self._waiting_for_lock is not None:
            await self._waiting_for_lock
        self._loop = None


class SQLiteStore(ConfigStore):
    """Config documents in one SQLite file owned by this process."""

    backend = "sqlite"

    def __init__(self, client: SqliteClient, path: str, cache: DocumentCache) -> None:
        super().__init__(cache)
        self._client = client
        self.location = path
        self._writer = _GroupCommit(client, cache)
        self._version = 0

    async def start(self) -> None:
        _, rows = await self._client.execute_query(f"SELECT COALESCE(MAX(version), 0) FROM {TABLE}")
        self._version = int(rows[0][0])
        await self._writer.start()

    def _next_version(self) -> int:
        self._version += 1
        return self._version

    # -- reads -------------------------------------------------------------------

    async def _select(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        """The rows of a read, as tuples; straight to aiosqlite unless Tortoise holds it."""
        future = self._writer.select(sql, params)
        if future is not None:
            return await future
        # Execute_query's extra work (NUL rewriting, change counting) cost
        # ~10% of an uncached get: aiosqlite under Tortoise's lock instead.
        async with self._client.acquire_connection() as conn:
            return [tuple(row) for row in await conn.execute_fetchall(sql, params)]

    async def _fetch(self, key: str) -> tuple[Any, int]:
        self.check_open()
        # The lock-free path inlined: one coroutine frame fewer per uncached get.
        future = self._writer.select(_SELECT, (key,))
        rows = await (future if future is not None else self._select(_SELECT, (key,)))
        if not rows:
            return MISSING, 0
        return decode(rows[0][0]), int(rows[0][1])

    async def _load(self, key: str) -> Any:
        # ConfigStore._load with _fetch inlined: an uncached read is this one
        # coroutine and aiosqlite's future, as a raw execute_fetchall is.
        started = time.perf_counter()
        cache = self.cache
        ticket = cache.begin(key)
        try:
            if self.closed:
                self.check_open()
            future = self._writer.select(_SELECT, (key,), _select_few)
            rows = await (future if future is not None else self._select(_SELECT, (key,)))
        except BaseException:
            cache.end(ticket)
            raise
        if rows:
            value = decode(rows[0][0])
            cache.offer(ticket, value, rows[0][1])
        else:
            value = MISSING
            cache.offer(ticket, value, 0)
        self._observe("read", started)
        return value

    async def scan_text(self, prefix: str) -> Sequence[Any]:
        self.check_open()
        started = time.perf_counter()
        await self._writer.drain()  # the database must hold every accepted write
        rows = await self._select(_SCAN, prefix_range(prefix))
        self._observe("scan", started)
        return rows

    # -- writes -------------------------------------------------------------------

    async def _entry(self, key: str) -> Entry:
        """The cache entry of ``key``, loaded if needed (a path write patches it)."""
        while True:
            entry = self.cache.peek(key)
            if entry is not None:
                return entry
            ticket = self.cache.begin(key)
            try:
                value, version = await self._fetch(key)
            finally:
                self.cache.end(ticket)
            if not ticket.stale and self.cache.peek(key) is None:
                entry = self.cache.put(key, value, version)
                if entry is not None:
                    return entry

    async def write(self, key: str, path: tuple[str, ...], value: Any, text: str | None) -> None:
        if self.closed:
            self.check_open()
        started = time.perf_counter()
        if path:
            # peek() first: a cached document (nearly every set) skips the
            # _entry() coroutine frame (0-130 ns measured; cheap to keep).
            entry = self.cache.peek(key) or await self._entry(key)
            # In place: readers only ever get copies of cached documents.
            value = set_path(entry.value if entry.value is not MISSING else {}, path, value)
            text = encode(value)
        elif text is None:
            text = encode(value)
        self._version += 1  # _next_version(), inlined on the hot path
        version = self._version
        pinned = self.cache.put(key, value, version)
        await self._writer.submit((_UPSERT, (key, text, version), pinned))
        self._observe("write", started)

    async def delete(self, key: str, path: tuple[str, ...]) -> None:
        self.check_open()
        if not path:
            pinned = self.cache.put(key, MISSING, self._next_version())
            await self._writer.submit((_DELETE, (key,), pinned))
            return
        entry = await self._entry(key)
        if entry.value is MISSING or not remove_path(entry.value, path):
            return
        version = self._next_version()
        pinned = self.cache.put(key, entry.value, version)
        await self._writer.submit((_UPSERT, (key, encode(entry.value), version), pinned))

    def _forget_prefix(self, prefix: str) -> None:
        # Pinned entries (writes still queued) must read as absent too: the
        # range delete is queued after them and will remove them on disk.
        for key in self.cache.keys_under(prefix):
            self.cache.put(key, MISSING, self._next_version())
        # And a read of an uncached key under it, still out, ran before the
        # range delete: its result must not be cached.
        self.cache.mark_prefix(prefix)

    async def delete_prefix(self, prefix: str) -> None:
        self.check_open()
        low, high = prefix_range(prefix)
        self._forget_prefix(prefix)
        await self._writer.submit((_DELETE_RANGE, (low, high), None))

    async def replace_prefix(self, prefix: str, docs: Sequence[tuple[str, Any, str]]) -> None:
        self.check_open()
        low, high = prefix_range(prefix)
        self._forget_prefix(prefix)
        futures = [self._writer.submit((_DELETE_RANGE, (low, high), None))]
        for key, value, text in docs:
            version = self._next_version()
            entry = self.cache.put(key, value, version)
            futures.append(self._writer.submit((_UPSERT, (key, text, version), entry)))
        # Queued back to back with no await between: they commit in one batch.
        await asyncio.gather(*futures)

    # -- one user's documents ---------------------------------------------------------

    async def _first_key_from(self, low: str) -> str | None:
        rows = await self._select(_FIRST_FROM, (low,))
        return str(rows[0][0]) if rows else None

    async def _scan_ranges_with_suffix(
        self, ranges: tuple[tuple[str, str], tuple[str, str]], suffix: str
    ) -> list[tuple[str, Any]]:
        (low1, high1), (low2, high2) = ranges
        params = (low1, high1, low2, high2, -len(suffix), suffix)
        rows = await self._select(_SCAN_SUFFIX, params)
        return [(key, decode(data)) for key, data in rows]

    async def delete_documents(self, keys: Sequence[str]) -> None:
        self.check_open()
        futures = []
        for key in keys:
            # As delete(): the cache answers "absent" at once, pinned until the
            # row is gone from the file, so no read can fetch the old row meanwhile.
            pinned = self.cache.put(key, MISSING, self._next_version())
            futures.append(self._writer.submit((_DELETE, (key,), pinned)))
        await asyncio.gather(*futures)

    # -- whole store ------------------------------------------------------------------

    async def iter_rows(self, batch_size: int = 1000) -> AsyncIterator[list[tuple[str, str]]]:
        self.check_open()
        await self._writer.drain()
        after = ""
        while True:
            _, rows = await self._client.execute_query(_ROWS_AFTER, [after, batch_size])
            if not rows:
                return
            yield [(row[0], row[1]) for row in rows]
            after = rows[-1][0]

    async def insert_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        self.check_open()
        futures = []
        for key, text in rows:
            self.cache.invalidate(key)
            futures.append(self._writer.submit((_UPSERT, (key, text, self._next_version()), None)))
        await asyncio.gather(*futures)

    async def count(self) -> int:
        self.check_open()
        await self._writer.drain()
        _, rows = await self._client.execute_query(f"SELECT COUNT(*) FROM {TABLE}")
        return int(rows[0][0])

    # -- lifecycle -------------------------------------------------------------------

    async def flush(self) -> None:
        await self._writer.drain()

    async def close(self) -> None:
        await self._writer.stop()
        await super().close()
