"""PostgreSQL LISTEN/NOTIFY: cache invalidation and cross-process document locks.

One dedicated asyncpg connection per process (a pooled connection would lose
its listeners when returned to the pool). It carries:

- ``plughost_config`` notifications, sent by every write in the same statement
  (so they arrive only once it commits): ``"<version>:<key>"`` drops that
  document from this process's cache unless it is this process's own write;
  ``"p:<prefix>"`` drops every document under a prefix. Measured here: another
  process's NOTIFY arrives about 0.6 ms (p50) after the commit.
- session-level advisory locks for ``async with`` read-modify-writes and
  ``get_lock()``. One ``plughost_config_lock`` call (migration 0005) sends the
  unlocks queued so far, tries every lock asked for (all or none) and, for an
  ``async with``, reads the document once they are held; when one is busy the
  waiter sleeps until the holder's ``plughost_config_unlock`` notification (or
  a one second re-try, for a holder that died without sending one). Unlocks
  are queued (``unlock`` returns a future) and ride with the next lock call, or
  go out on their own in one statement. Holding a lock keeps no pooled
  connection and no transaction open across the cog's code.

If the connection drops, the cache is flushed and switched off (every read
goes to the database), the locks it held are gone (``generation`` changes, and
blocks still running under them refuse to write), and it reconnects with
back-off; once listening again the cache is flushed again and switched on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Sequence
from functools import partial
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]

from plughost.config.backends.cache import DocumentCache
from plughost.config.backends.outage import OutageMonitor
from plughost.config.backends.pglisten import ListeningConnection
from plughost.config.errors import StoreClosedError

__all__ = ["CHANNEL", "UNLOCK_CHANNEL", "NotificationListener", "lock_id"]

log = logging.getLogger("plughost.config")

CHANNEL: Final = "plughost_config"
UNLOCK_CHANNEL: Final = "plughost_config_unlock"
#: Fallback re-try while waiting for a lock whose holder may have died silently.
_LOCK_RETRY_SECONDS: Final = 1.0
#: How long after losing the connection a lock still waits for it to come back
#: before refusing (StoreOutageError): a blip is ridden out, while later in an
#: outage a lock refuses at once, so the command still answers within Discord's
#: 3 s interaction deadline.
_RECONNECT_GRACE_SECONDS: Final = 2.5
#: Release, take and read in one call (migration 0005).
_LOCK_SQL: Final = (
    "SELECT busy, data, version "
    "FROM plughost_config_lock($1::bigint[], $2::bigint[], $3::bigint[], $4::text)"
)
#: Release and clear waiting marks, when no lock call is about to carry them.
_UNLOCK_SQL: Final = (
    "SELECT count(*) FROM plughost_config_lock($1::bigint[], $2::bigint[], '{}', NULL)"
)
_CONNECTION_LOST: Final = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError)


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)


def lock_id(key: str) -> int:
    """A signed 64-bit advisory lock id for a document key (collisions only serialise)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class NotificationListener:
    """The per-process LISTEN connection; see the module docstring."""

    def __init__(
        self, dsn: str, cache: DocumentCache, outage: OutageMonitor, schema: str | None = None
    ) -> None:
        self._cache = cache
        self._outage = outage
        self._lost_at = 0.0
        self._io = asyncio.Lock()
        self._up = asyncio.Event()
        self._waiters: dict[int, list[asyncio.Future[None]]] = {}
        # Unlocks waiting to be sent, and the futures of their callers.
        self._unlocks: list[int] = []
        self._unlocked: list[asyncio.Future[None]] = []
        # Waiting marks (see migration 0005) to clear with the next call.
        self._unwaits: list[int] = []
        self._flusher: asyncio.Task[None] | None = None
        # The schema's search path, as Tortoise sets it on its pool, finds
        # plughost_config_lock (migration 0005) there.
        settings = {"search_path": schema} if schema else {}
        self._listen = ListeningConnection(
            connect=lambda: asyncpg.connect(dsn, server_settings=settings),
            channels={CHANNEL: self._on_change, UNLOCK_CHANNEL: self._on_unlock},
            retry_on=(OSError, asyncpg.PostgresError, asyncpg.InterfaceError),
            log=log,
            name="config: listener",
            task_name="plughost-config-listener-reconnect",
            max_delay=2.0,
            on_connected=self._on_connected,
            on_lost=self._on_lost,
            on_reconnected=self._on_reconnected,
            # The outage monitor says it once; not a line per reconnect attempt.
            loss_level=logging.DEBUG,
        )
        #: Changes whenever the connection (and every lock it held) is lost.
        self.generation = 0

    @property
    def losses(self) -> int:
        """Times the listening connection was lost."""
        return self._listen.losses

    @property
    def connected(self) -> bool:
        return self._listen.connection is not None

    @property
    def backend_pid(self) -> int | None:
        """The server process id of the listening connection (for tests and logs)."""
        return self._listen.backend_pid

    async def start(self) -> None:
        await self._listen.connect()

    async def wait_connected(self) -> None:
        """Return once the listener is connected (and the cache is on)."""
        await self._connection()

    def _on_connected(self) -> None:
        self.generation += 1
        # Whatever changed while nobody listened is unknown: start from empty.
        self._cache.clear()
        self._cache.enabled = True
        self._up.set()
        self._wake_all()

    def _on_change(self, payload: str) -> None:
        if payload.startswith("p:"):
            self._cache.invalidate_prefix(payload[2:])
            return
        version, _, key = payload.partition(":")
        self._cache.invalidate(key, int(version))

    def _on_unlock(self, payload: str) -> None:
        for waiter in self._waiters.get(int(payload), ()):
            if not waiter.done():
                waiter.set_result(None)

    def _wake_all(self) -> None:
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def _on_lost(self) -> None:
        self._lost_at = time.monotonic()
        # Queued unlocks and waiting marks went with the session.
        _resolve(self._take_unlocks()[1])
        self._unwaits.clear()
        self._outage.refuse(ConnectionError("the LISTEN connection was lost"))
        self._up.clear()
        self._cache.enabled = False
        self._cache.clear()
        self.generation += 1
        self._wake_all()

    async def _on_reconnected(self) -> None:
        log.debug("config: listener reconnected; cache flushed")
        self._outage.recovered()

    async def _connection(self) -> Any:
        while (conn := self._listen.connection) is None:
            if self._listen.closing:
                raise StoreClosedError("the config store is closed")
            try:
                left = self._lost_at + _RECONNECT_GRACE_SECONDS - time.monotonic()
                await asyncio.wait_for(self._up.wait(), max(left, 0.0))
            except TimeoutError:
                raise self._outage.refuse(
                    ConnectionError(
                        f"the LISTEN connection did not come back within "
                        f"{_RECONNECT_GRACE_SECONDS:g} s"
                    )
                ) from None
        return conn

    async def lock(self, lockids: Sequence[int], key: str | None = None) -> tuple[int, Any]:
        """Take every advisory lock of ``lockids`` (all or none; waits while one is busy).

        With ``key``, the document is read in the same call, after the locks are
        held. Returns the generation the locks belong to, and the row
        ``(busy, data, version)`` (``data`` None: no such document). Unlocks
        queued by :meth:`unlock` ride along in the same call.
        """
        loop = asyncio.get_running_loop()
        marked: tuple[int, int] | None = None  # (lock id, generation) this session waits for
        try:
            while True:
                conn = await self._connection()
                generation = self.generation
                if marked is not None:
                    self._clear_mark(marked)  # by this call, which marks again if still busy
                    marked = None
                waiter: asyncio.Future[None] = loop.create_future()
                for lockid in lockids:
                    self._waiters.setdefault(lockid, []).append(waiter)
                try:
                    try:
                        row = await self._try(conn, lockids, key, generation)
                    except _CONNECTION_LOST:
                        continue  # connection lost: wait for the reconnect and try again
                    if row[0] is None:
                        if generation == self.generation:
                            return generation, row
                        continue
                    marked = (int(row[0]), generation)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(waiter, _LOCK_RETRY_SECONDS)
                finally:
                    for lockid in lockids:
                        waiters = self._waiters[lockid]
                        waiters.remove(waiter)
                        if not waiters:
                            del self._waiters[lockid]
        finally:
            if marked is not None:
                self._clear_mark(marked)
                self._kick()

    def _clear_mark(self, marked: tuple[int, int]) -> None:
        lockid, generation = marked
        if generation == self.generation:  # else it went with the session
            self._unwaits.append(lockid)

    async def _try(
        self, conn: Any, lockids: Sequence[int], key: str | None, generation: int
    ) -> Any:
        """One ``plughost_config_lock`` call; it runs to its end even if the caller is cancelled."""
        await self._io.acquire()
        try:
            unlocks, done = self._take_unlocks()
            call = asyncio.ensure_future(
                conn.fetchrow(_LOCK_SQL, unlocks, self._take_unwaits(), list(lockids), key)
            )
        except BaseException:
            self._io.release()
            raise
        call.add_done_callback(partial(self._tried, unlocks, done))
        try:
            return await asyncio.shield(call)
        except asyncio.CancelledError:
            # The call may still take the locks: give them back when it does.
            call.add_done_callback(partial(self._abandoned, lockids, generation))
            raise

    def _tried(self, unlocks: list[int], done: list[asyncio.Future[None]], call: Any) -> None:
        self._io.release()
        error = None if call.cancelled() else call.exception()
        if error is not None and not isinstance(error, _CONNECTION_LOST):
            # Not known to have run: the flusher sends them again, in plain SQL.
            self._queue_unlocks(unlocks, done)
            return
        # Sent, or the session holding them is gone (and its locks with it).
        _resolve(done)

    def _abandoned(self, lockids: Sequence[int], generation: int, call: Any) -> None:
        if call.cancelled() or call.exception() is not None:
            return
        busy = call.result()[0]
        if busy is None:
            self.unlock(lockids, generation)
        else:
            self._clear_mark((int(busy), generation))
            self._kick()

    def unlock(self, lockids: Sequence[int], generation: int) -> asyncio.Future[None]:
        """Release ``lockids`` soon; the future is done once that was sent.

        The unlocks go with the next :meth:`lock` call of this process if one
        comes first, else in one statement of their own (with every other
        unlock queued by then), each with its NOTIFY to the processes waiting.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._listen.connection is None or generation != self.generation:
            done.set_result(None)  # the session that held them is gone, and the locks with it
            return done
        self._queue_unlocks(list(lockids), [done])
        return done

    def _queue_unlocks(self, lockids: list[int], done: list[asyncio.Future[None]]) -> None:
        self._unlocks.extend(lockids)
        self._unlocked.extend(done)
        self._kick()

    def _kick(self) -> None:
        """Make sure the flusher will send whatever is queued."""
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(
                self._flush_unlocks(), name="plughost-config-unlock"
            )

    def _take_unwaits(self) -> list[int]:
        unwaits, self._unwaits = self._unwaits, []
        return unwaits

    def _take_unlocks(self) -> tuple[list[int], list[asyncio.Future[None]]]:
        unlocks, done = self._unlocks, self._unlocked
        self._unlocks, self._unlocked = [], []
        return unlocks, done

    async def _flush_unlocks(self) -> None:
        while self._unlocks or self._unwaits:
            async with self._io:
                unlocks, done = self._take_unlocks()
                unwaits = self._take_unwaits()
                conn = self._listen.connection
                if not (unlocks or unwaits) or conn is None:
                    _resolve(done)  # taken by a lock call meanwhile, or the session is gone
                    continue
                try:
                    await conn.fetchval(_UNLOCK_SQL, unlocks, unwaits)
                except _CONNECTION_LOST:
                    pass  # the session, and its locks, are gone
                except Exception as exc:
                    for future in done:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                _resolve(done)

    async def drain(self) -> None:
        """Return once every unlock queued so far was sent."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def close(self) -> None:
        try:
            await self.drain()
            await self._listen.close()
        finally:
            self._up.set()  # release anyone waiting for a connection; they see it closing
