"""The document store interface shared by the SQLite and PostgreSQL backends.

A store reads and writes whole documents by encoded key (see ``keys.py``), and
values at a path inside one document. Reads come from the per-process cache
(``cache.py``); what a backend adds is how writes reach the database and how
other processes' writes reach the cache.
"""

from __future__ import annotations

import abc
import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from functools import partial
from time import perf_counter
from typing import Any, Final

from plughost.config.backends.cache import DocumentCache
from plughost.config.backends.locks import DocumentGuards
from plughost.config.backends.outage import OutageMonitor
from plughost.config.documents import decode
from plughost.config.errors import StoreClosedError, describe
from plughost.config.userdocs import find_user_documents, user_part

__all__ = ["UNREAD", "ConfigStore", "QueryObserver", "RmwToken"]

log = logging.getLogger("plughost.config")

#: Told ``(operation, seconds)`` after a database call: "read", "write" or "scan".
QueryObserver = Callable[[str, float], None]


#: What :meth:`ConfigStore._lock_remote` returns for a document it did not read.
UNREAD: Final = object()


class RmwToken:
    """Proof of holding a document for a read-modify-write (``async with``)."""

    __slots__ = ("document", "generation", "key", "names", "outermost")

    def __init__(
        self, key: str, outermost: bool, generation: int, document: Any, names: tuple[str, ...]
    ) -> None:
        self.key = key
        self.outermost = outermost
        self.generation = generation
        #: The document read under the hold (``enter_rmw(read=True)``; shared: copy it).
        self.document = document
        #: The ``get_lock()`` names held across processes with it.
        self.names = names


class ConfigStore(abc.ABC):
    """Where Config documents live; one per :func:`plughost.config.connect` block."""

    #: "sqlite" or "postgres"
    backend: str
    #: A description of the location, for messages ("/path/plughost.db", "host:5432/db")
    location: str
    #: Whether the database answers; set by each backend (see ``outage.py``).
    outage: OutageMonitor
    #: Set from outside (``plughost.metrics``) to time the database calls of the hot
    #: path: cache-missing reads, writes and scans. None costs one test per call.
    query_observer: QueryObserver | None = None

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache
        self.guards = DocumentGuards()
        #: Config objects handed out by ``Config.get_conf`` while this store is open.
        self.configs: dict[tuple[str, str], Any] = {}
        self.closed = False
        # Cross-process unlocks of `async with` blocks still being sent.
        self._unlocking: set[asyncio.Future[None]] = set()

    # -- reads ------------------------------------------------------------------

    async def read(self, key: str) -> Any:
        """The decoded document at ``key`` or ``MISSING``. Shared: callers copy."""
        entry = self.cache.get(key)
        if entry is not None:
            return entry.value
        return await self._load(key)

    async def _load(self, key: str) -> Any:
        ticket = self.cache.begin(key)
        try:
            value, version = await self._fetch(key)
        except BaseException:
            self.cache.end(ticket)
            raise
        self.cache.offer(ticket, value, version)
        return value

    async def read_for_update(self, key: str) -> Any:
        """Like :meth:`read`, but current across processes (called under :meth:`enter_rmw`)."""
        return await self.read(key)

    @abc.abstractmethod
    async def _fetch(self, key: str) -> tuple[Any, int]:
        """The document and its version from the database (``MISSING``, 0 if absent)."""

    async def scan(self, prefix: str) -> list[tuple[str, Any]]:
        """Every ``(key, document)`` whose key starts with ``prefix``, in key order."""
        return [(key, decode(text)) for key, text in await self.scan_text(prefix)]

    @abc.abstractmethod
    async def scan_text(self, prefix: str) -> Sequence[Any]:
        """Like :meth:`scan`, with each document as JSON text: ``(key, text)`` rows.

        For callers that decode a row and drop it as they go (``all_members``):
        one live copy of each document instead of two keeps the garbage
        collector off (measured ~10 ms of GC in a 10,000-document scan).
        """

    # -- writes -------------------------------------------------------------------

    @abc.abstractmethod
    async def write(self, key: str, path: tuple[str, ...], value: Any, text: str | None) -> None:
        """Store ``value`` (JSON ``text``) at ``path`` in document ``key``; durable on return.

        ``text`` is None when ``value`` is a plain leaf (``documents.plain_leaf``),
        already checked: the store encodes it if it needs its text.
        """

    @abc.abstractmethod
    async def delete(self, key: str, path: tuple[str, ...]) -> None:
        """Remove the document (empty ``path``) or the value at ``path`` in it."""

    @abc.abstractmethod
    async def delete_prefix(self, prefix: str) -> None:
        """Remove every document whose key starts with ``prefix``."""

    @abc.abstractmethod
    async def replace_prefix(self, prefix: str, docs: Sequence[tuple[str, Any, str]]) -> None:
        """Atomically replace every document under ``prefix`` by ``docs`` (key, value, text)."""

    # -- one user's documents (user data deletion and export) ------------------------

    async def user_documents(self, user_id: int) -> list[tuple[str, Any]]:
        """Every USER-scope document of ``user_id`` and their MEMBER-scope documents in
        every guild, of every cog in the store (loaded or not), as ``(key, document)``
        in key order. Every write accepted before the call is included.
        """
        self.check_open()
        user_part(user_id)  # a bad id is refused before any I/O
        await self.flush()
        return await find_user_documents(self, user_id)

    @abc.abstractmethod
    async def _first_key_from(self, low: str) -> str | None:
        """The smallest key ``>= low``, or None (the skip scan of ``userdocs.py``)."""

    @abc.abstractmethod
    async def _scan_ranges_with_suffix(
        self, ranges: tuple[tuple[str, str], tuple[str, str]], suffix: str
    ) -> list[tuple[str, Any]]:
        """``(key, document)`` of keys in either ``[low, high)`` range that end in ``suffix``."""

    @abc.abstractmethod
    async def delete_documents(self, keys: Sequence[str]) -> None:
        """Remove the whole documents at ``keys`` (absent ones are skipped); durable on return.

        Like every other write: this process's cache drops them at once and, on
        PostgreSQL, other processes' caches when it commits.
        """

    # -- read-modify-write -----------------------------------------------------------

    async def enter_rmw(
        self, key: str, *, read: bool = False, names: tuple[str, ...] = ()
    ) -> RmwToken:
        """Hold ``key`` against every other read-modify-write, here and in other processes.

        With ``read``, the token's ``document`` is the document as
        :meth:`read_for_update` returns it, read under the hold. ``names`` are
        ``get_lock()`` locks to take across processes at the same time (see
        :meth:`lock_name`; the caller holds their in-process part).
        """
        outermost = await self.guards.acquire(key)
        generation, document = 0, UNREAD
        if outermost or names:
            try:
                generation, document = await self._lock_remote(key, outermost, read, names)
            except BaseException:
                self.guards.release(key)
                raise
        token = RmwToken(key, outermost, generation, document, names)
        if read and document is UNREAD:
            try:
                token.document = await self.read_for_update(key)
            except BaseException:
                await self.exit_rmw(token)
                raise
        return token

    def verify_rmw(self, token: RmwToken) -> None:  # noqa: B027 - optional hook
        """Raise if the cross-process hold was lost while the block ran (nothing is written)."""

    async def exit_rmw(self, token: RmwToken) -> None:
        """Give the hold back; returns without waiting for the database.

        The cross-process locks are released in the background (errors are
        logged); this process's guard of the key is held until that is done,
        so the next block here on the same document waits for it, and
        :meth:`close` waits for every release in flight.
        """
        key = token.key
        sent = None
        if token.outermost or token.names:
            try:
                sent = self._unlock_remote(token)
            except BaseException:
                self.guards.release(key)
                raise
        if sent is None:
            self.guards.release(key)
        else:
            if token.outermost:
                # Even this task's next block on the document waits for the unlock:
                # re-entering would take it for a nested block and not lock again.
                self.guards.detach(key)
            self._track(sent, partial(self.guards.release, key))

    def _track(self, sent: asyncio.Future[None], then: Callable[[], None] | None = None) -> None:
        """Keep an unlock in flight for :meth:`close`; ``then`` runs once it is done."""
        self._unlocking.add(sent)
        sent.add_done_callback(partial(self._unlocked, then))

    def _unlocked(self, then: Callable[[], None] | None, sent: asyncio.Future[None]) -> None:
        self._unlocking.discard(sent)
        if then is not None:
            then()
        error = None if sent.cancelled() else sent.exception()
        if error is not None:
            log.error("config: releasing a cross-process lock failed: %s", describe(error))

    async def _lock_remote(
        self, key: str, document: bool, read: bool, names: tuple[str, ...]
    ) -> tuple[int, Any]:
        """Take the cross-process locks: ``key``'s if ``document``, and ``names``.

        Nothing to do for a single process. Returns their generation, and the
        document if ``read`` and it was read with the locks (else ``UNREAD``).
        """
        return 0, UNREAD

    # -- named locks (``get_lock()``) -----------------------------------------------------

    #: Whether other processes share this store, so that ``get_lock()`` locks must be
    #: held across them too (see ``plughost.config.locks``).
    shares_locks: bool = False

    async def lock_name(self, name: str) -> int:
        """Take the cross-process lock called ``name``; its session generation."""
        return 0

    async def unlock_name(self, name: str, generation: int) -> bool:
        """Release what :meth:`lock_name` took; False if it was lost meanwhile."""
        return True

    def unlock_name_soon(self, name: str, generation: int) -> bool:
        """:meth:`unlock_name` without waiting for it (sent in the background)."""
        return True

    def _unlock_remote(self, token: RmwToken) -> asyncio.Future[None] | None:
        """Start releasing what :meth:`_lock_remote` took; done when released (or None)."""
        return None

    async def _settle(self) -> None:
        """Wait for the unlocks started so far."""
        while self._unlocking:
            await asyncio.gather(*self._unlocking, return_exceptions=True)

    # -- whole-store operations (backup, restore, convert) ----------------------------

    @abc.abstractmethod
    def iter_rows(self, batch_size: int = 1000) -> AsyncIterator[list[tuple[str, str]]]:
        """Every document as ``(key, JSON text)``, in key order, a batch at a time."""

    @abc.abstractmethod
    async def insert_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        """Insert or overwrite documents given as ``(key, JSON text)``."""

    async def count(self) -> int:
        total = 0
        async for batch in self.iter_rows():
            total += len(batch)
        return total

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Called once by ``connect()`` after the schema is current."""

    async def flush(self) -> None:  # noqa: B027 - optional hook
        """Wait until every write accepted so far is committed."""

    async def close(self) -> None:
        """Flush and stop background work; ``connect()`` then closes Tortoise."""
        self.closed = True
        await self._settle()

    def _observe(self, operation: str, started: float) -> None:
        if self.query_observer is not None:
            self.query_observer(operation, perf_counter() - started)

    async def ping(self) -> None:
        """Answer a trivial query, or raise: what a readiness probe asks of the store."""
        self.check_open()
        await self._first_key_from("")

    def check_open(self) -> None:
        if self.closed:
            raise StoreClosedError("this config store is closed (its connect() block has ended)")
