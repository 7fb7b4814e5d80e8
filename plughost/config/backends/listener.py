"""PostgreSQL LISTEN/NOTIFY: cache invalidation and cross-process document locks.

One dedicated asyncpg connection per process (a pooled connection would lose
its listeners when returned to the pool). It carries:

- ``plughost_config`` notifications, sent by every write in the same statement
  (so they arrive only once it commits): ``"<version>:<key>"`` drops that
  document from this process's cache unless it is this process's own write;
  ``"p:<prefix>"`` drops every document under a prefix. Measured here: another
  process's NOTIFY arrives about 0.6 ms (p50) after the commit.
- session-level advisory locks for ``async with`` read-modify-writes and
  ``get_lock()``. One ``plughost_config_lock_many`` call (migrations 0005 and
  0006) takes the requests of every task that asked meanwhile; it sends the
  unlocks queued so far, tries the locks of each request (all or none) and, for an
  ``async with``, reads the document once they are held; when one is busy the
  waiter sleeps until the holder's ``plughost_config_unlock`` notification (or
  a one second re-try, for a holder that died without sending one). Unlocks
  are queued (``unlock`` returns a future) and ride with the next lock call, or
  go out on their own in one statement. Holding a lock keeps no pooled
  connection and no transaction open across the cog's code.
- kept locks: a finished ``async with`` does not give its locks back at once
  (:meth:`NotificationListener.keep`). The next block of this process on the
  same document takes them with no round trip (:meth:`take_kept`). A session
  that finds one busy sends ``plughost_config_want`` (on a pooled connection),
  and the keeper gives it back then, or when the block using it ends, and keeps it no
  more for ``CONTENDED_SECONDS``; a kept lock nobody used for ``KEEP_SECONDS``
  is given back too, and at most ``MAX_KEPT`` are kept.

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
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import islice
from typing import Any, Final

import asyncpg  # type: ignore[import-untyped]

from plughost.config.backends.cache import DocumentCache
from plughost.config.backends.outage import OutageMonitor
from plughost.config.backends.pglisten import ListeningConnection
from plughost.config.errors import StoreClosedError

__all__ = ["CHANNEL", "UNLOCK_CHANNEL", "WANT_CHANNEL", "NotificationListener", "lock_id"]

log = logging.getLogger("plughost.config")

CHANNEL: Final = "plughost_config"
UNLOCK_CHANNEL: Final = "plughost_config_unlock"
#: "Another session waits for this lock id": a kept lock is given back.
WANT_CHANNEL: Final = "plughost_config_want"
#: Seconds a kept lock that no block used is still kept.
KEEP_SECONDS: Final = 2.0
#: Locks kept at most (each takes a slot of the server's shared lock table).
MAX_KEPT: Final = 256
#: Seconds after another session asked for a lock during which it is not kept.
CONTENDED_SECONDS: Final = 2.0
#: Fallback re-try while waiting for a lock whose holder may have died silently.
_LOCK_RETRY_SECONDS: Final = 1.0
#: How long after losing the connection a lock still waits for it to come back
#: before refusing (StoreOutageError): a blip is ridden out, while later in an
#: outage a lock refuses at once, so the command still answers within Discord's
#: 3 s interaction deadline.
_RECONNECT_GRACE_SECONDS: Final = 2.5
#: Release, take and read for several requests in one call (migration 0006).
_LOCK_MANY_SQL: Final = (
    "SELECT request, busy, data, version FROM plughost_config_lock_many("
    "$1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::text[])"
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


def _log_unlock_failure(done: asyncio.Future[None]) -> None:
    error = None if done.cancelled() else done.exception()
    if error is not None:
        log.error("config: giving back a kept lock failed: %s", error)


@lru_cache(maxsize=8192)  # a block asks for the same ids again: 0.08 against 1.1 us
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
        # Lock requests for the next call: (lock ids, key to read, generation, answer).
        self._requests: list[tuple[list[int], str | None, int, asyncio.Future[Any]]] = []
        self._sender: asyncio.Task[None] | None = None
        #: Lock calls sent so far (each carries every request that was waiting).
        self.lock_calls = 0
        #: Sends ``plughost_config_want`` for a busy lock id, not on this
        #: connection (set by the store; migration 0006 says why).
        self.ask: Callable[[int], None] | None = None
        # Lock ids this session holds for no block (kept for the next one), with
        # when they were kept, oldest first; and ids another session asked for.
        self._kept: dict[int, float] = {}
        self._wanted: dict[int, float] = {}
        self._expiry: asyncio.TimerHandle | None = None
        # The schema's search path, as Tortoise sets it on its pool, finds
        # plughost_config_lock (migration 0005) there.
        settings = {"search_path": schema} if schema else {}
        self._listen = ListeningConnection(
            connect=lambda: asyncpg.connect(dsn, server_settings=settings),
            channels={
                CHANNEL: self._on_change,
                UNLOCK_CHANNEL: self._on_unlock,
                WANT_CHANNEL: self._on_want,
            },
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
        self._forget_kept()
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

    def _on_want(self, payload: str) -> None:
        lockid = int(payload)
        if self._kept.pop(lockid, None) is not None:
            self._give_back((lockid,))
        # The block using it now gives it back at its end, and so do the blocks
        # here for CONTENDED_SECONDS, instead of keeping it: while processes take
        # turns on a lock, keeping it would only add a round trip to each turn.
        wanted = self._wanted
        now = time.monotonic()
        if len(wanted) >= 4 * MAX_KEPT:  # mostly ids of other sessions' locks
            due = now - CONTENDED_SECONDS
            for old in [i for i, at in wanted.items() if at < due]:
                del wanted[old]
        wanted.pop(lockid, None)
        wanted[lockid] = now

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
        self._forget_kept()
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
                await self._connection()
                generation = self.generation
                if marked is not None:
                    self._clear_mark(marked)  # by this call, which marks again if still busy
                    marked = None
                waiter: asyncio.Future[None] = loop.create_future()
                for lockid in lockids:
                    self._waiters.setdefault(lockid, []).append(waiter)
                try:
                    answer = self._try(lockids, key, generation)
                    try:
                        row = await asyncio.shield(answer)
                    except _CONNECTION_LOST:
                        continue  # connection lost: wait for the reconnect and try again
                    except asyncio.CancelledError:
                        # The call may still take the locks: give them back when it does.
                        answer.add_done_callback(partial(self._abandoned, lockids, generation))
                        raise
                    if row[0] is None:
                        if generation == self.generation:
                            return generation, row
                        continue
                    marked = self._busy(int(row[0]), generation)
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

    def _busy(self, lockid: int, generation: int) -> tuple[int, int]:
        """``lockid`` was busy, and this session is marked waiting for it: ask for it
        (another process may only be keeping it)."""
        # Every process hears every want: within CONTENDED_SECONDS of one, none
        # keeps the lock, so asking again (half that time on) would only cost.
        heard = self._wanted.get(lockid)
        if self.ask is not None and (
            heard is None or heard < time.monotonic() - CONTENDED_SECONDS / 2
        ):
            self.ask(lockid)
        return lockid, generation

    def _clear_mark(self, marked: tuple[int, int]) -> None:
        lockid, generation = marked
        if generation == self.generation:  # else it went with the session
            self._unwaits.append(lockid)

    def _try(self, lockids: Sequence[int], key: str | None, generation: int) -> asyncio.Future[Any]:
        """Ask for ``lockids`` (and ``key``'s row) in the next lock call; its row, once sent.

        Requests that come while a call is out go together in the next one
        (``plughost_config_lock_many``, migration 0006). The call runs to its end
        even if the caller is cancelled: see :meth:`_abandoned`.
        """
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        self._requests.append((list(lockids), key, generation, answer))
        if self._sender is None or self._sender.done():
            self._sender = loop.create_task(self._send_requests(), name="plughost-config-lock")
        return answer

    async def _send_requests(self) -> None:
        while self._requests:
            async with self._io:
                batch, self._requests = self._requests, []
                conn = self._listen.connection
                sent = []
                for request in batch:
                    if conn is None or request[2] != self.generation:
                        # Asked for in a session that is gone: the caller asks again.
                        request[3].set_exception(ConnectionError("the LISTEN session changed"))
                    else:
                        sent.append(request)
                if not sent:
                    continue
                unlocks, done = self._take_unlocks()
                flat: list[int] = []
                for lockids, _, _, _ in sent:
                    flat += lockids
                sizes = [len(request[0]) for request in sent]
                keys = [request[1] for request in sent]
                self.lock_calls += 1
                try:
                    rows = await conn.fetch(
                        _LOCK_MANY_SQL, unlocks, self._take_unwaits(), flat, sizes, keys
                    )
                except BaseException as exc:
                    self._tried(unlocks, done, exc)
                    for request in sent:
                        if isinstance(exc, asyncio.CancelledError):
                            request[3].cancel()
                        else:
                            request[3].set_exception(exc)
                    if isinstance(exc, asyncio.CancelledError):
                        raise
                    continue
                _resolve(done)
                for request, row in zip(sent, rows, strict=True):
                    request[3].set_result((row[1], row[2], row[3]))

    def _tried(
        self, unlocks: list[int], done: list[asyncio.Future[None]], error: BaseException
    ) -> None:
        if not isinstance(error, _CONNECTION_LOST):
            # Not known to have run: the flusher sends them again, in plain SQL.
            self._queue_unlocks(unlocks, done)
            return
        # The session holding them is gone (and its locks with it).
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

    # -- kept locks ------------------------------------------------------------------

    def take_kept(self, lockids: Sequence[int]) -> int | None:
        """Hand every lock of ``lockids`` to the caller if all are kept; their generation.

        None (and nothing taken) unless all are: the caller then takes them with
        :meth:`lock`. What is taken is the caller's to :meth:`keep` or :meth:`unlock`.
        """
        kept = self._kept
        if not kept:
            return None
        for lockid in lockids:
            if lockid not in kept:
                return None
        for lockid in lockids:
            del kept[lockid]
        return self.generation

    def keep(self, lockids: Sequence[int], generation: int) -> asyncio.Future[None] | None:
        """Keep the locks a block is done with for the next block here, instead of unlocking.

        What another session asked for in the last ``CONTENDED_SECONDS``, what is
        kept already (the block took the lock once more) and the oldest beyond
        ``MAX_KEPT`` are unlocked instead: the future is done once that was sent;
        None when nothing was to send.
        """
        if self._listen.connection is None or generation != self.generation:
            return None  # the session that held them is gone, and the locks with it
        kept, wanted = self._kept, self._wanted
        now = time.monotonic()
        give_back = []
        for lockid in lockids:
            if lockid in wanted:
                if wanted[lockid] > now - CONTENDED_SECONDS:
                    give_back.append(lockid)
                    continue
                del wanted[lockid]
            if lockid in kept:
                give_back.append(lockid)
            else:
                kept[lockid] = now
        if len(kept) > MAX_KEPT:
            oldest = list(islice(kept, len(kept) - MAX_KEPT))
            for lockid in oldest:
                del kept[lockid]
            give_back += oldest
        if kept and self._expiry is None:
            self._expiry = asyncio.get_running_loop().call_later(KEEP_SECONDS, self._expire)
        return self.unlock(give_back, generation) if give_back else None

    def _expire(self) -> None:
        self._expiry = None
        kept = self._kept
        due = time.monotonic() - KEEP_SECONDS
        idle = []
        for lockid, since in kept.items():
            if since > due:
                break
            idle.append(lockid)
        for lockid in idle:
            del kept[lockid]
        if idle:
            self._give_back(idle)
        if kept:
            first = next(iter(kept.values()))
            self._expiry = asyncio.get_running_loop().call_later(
                first + KEEP_SECONDS - time.monotonic(), self._expire
            )

    def _give_back(self, lockids: Sequence[int]) -> None:
        """Unlock kept locks that no caller waits on (a failure is logged)."""
        self.unlock(lockids, self.generation).add_done_callback(_log_unlock_failure)

    def _forget_kept(self) -> None:
        """The session holding the kept locks is gone (or new): nothing is kept."""
        self._kept.clear()
        self._wanted.clear()
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

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
        self._forget_kept()  # they go with the connection
        try:
            await self.drain()
            await self._listen.close()
        finally:
            self._up.set()  # release anyone waiting for a connection; they see it closing
