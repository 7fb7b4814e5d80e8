"""Every use of aiosqlite's and Tortoise-ORM's private attributes, in one place.

The config hot path goes below these libraries' public APIs in a few measured
places (each function says where and why). Each private access is one function
here, called when a store starts; the store keeps what it returns (a lock's
bound ``locked``, a queue's bound ``put_nowait``, a connection or a pool), so a
read or a write pays nothing for the indirection.

What makes keeping them safe: ``connect()`` owns the Tortoise context, and closes
its connections only after the store is closed, so the objects bound here live
at least as long as the store that holds them.

When upgrading aiosqlite or Tortoise-ORM, re-read each function against the new
version's source and update its "checked against" line. A missing attribute
fails ``connect()`` with :class:`~plughost.config.StoreUnavailableError` naming
the version this was checked against, instead of an AttributeError at the
first write.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, cast

import aiosqlite

from plughost.config.errors import StoreUnavailableError

if TYPE_CHECKING:
    # Annotations only: importing Tortoise's asyncpg client imports asyncpg, which an
    # SQLite store never needs (plughost.config.connection).
    from tortoise.backends.asyncpg.client import AsyncpgDBClient
    from tortoise.backends.sqlite.client import SqliteClient

__all__ = ["Job", "aiosqlite_enqueue", "aiosqlite_sqlite3", "asyncpg_pool", "sqlite_client_lock"]

#: Work for aiosqlite's thread: a future for the result (None: nobody waits for
#: it) and the function to run there.
Job = tuple["asyncio.Future[Any] | None", Callable[[], Any]]

_AIOSQLITE: Final = "aiosqlite 0.22.1"
_TORTOISE: Final = "Tortoise-ORM 1.1.9"


def _private(obj: object, name: str, checked: str) -> Any:
    """``obj.name``, or a clear error when the library no longer has it."""
    try:
        return getattr(obj, name)
    except AttributeError:
        kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
        raise StoreUnavailableError(
            f"{kind} has no attribute {name!r}: plughost's config store uses it and was "
            f"checked against {checked}; install that version, or update "
            "plughost/config/backends/driver_internals.py"
        ) from None


def sqlite_client_lock(client: SqliteClient) -> asyncio.Lock:
    """The lock Tortoise's SQLite client holds while anything uses its connection.

    Why private: ``acquire_connection()`` and every Tortoise transaction take
    it; the SQLite store hands work straight to aiosqlite's thread only while
    it is free, and goes through ``acquire_connection()`` otherwise. Tortoise
    has no public "is the connection in use" query, and taking the lock for
    every operation costs its coroutines on every read and write.

    Checked against Tortoise-ORM 1.1.9: ``SqliteClient.__init__`` sets
    ``self._lock = asyncio.Lock()``, never replaced; ``acquire_connection()``
    returns ``ConnectionWrapper(self._lock, self)``, and transactions take it
    through ``SqliteTransactionContext``.
    """
    return cast("asyncio.Lock", _private(client, "_lock", _TORTOISE))


def aiosqlite_enqueue(conn: aiosqlite.Connection) -> Callable[[Job], None]:
    """Put a :data:`Job` on the queue of aiosqlite's worker thread (bound ``put_nowait``).

    Why private: aiosqlite's public methods are coroutines that run one
    statement per trip to its thread (``execute`` wraps a Cursor around it);
    group commit runs a whole batch (BEGIN, every statement, COMMIT) in one
    trip, and a read needs only the future, not the wrapper coroutine (the
    measurements are at ``_GroupCommit`` and ``_GroupCommit.select`` in
    ``sqlite.py``).

    Checked against aiosqlite 0.22.1: ``Connection._tx`` is a
    ``SimpleQueue[tuple[Future | None, Callable[[], Any]]]`` created in
    ``__init__``; the worker thread (``_connection_worker_thread``) takes jobs
    in FIFO order, runs each, and resolves its future (if any) through
    ``call_soon_threadsafe``. That FIFO is what keeps work queued later behind
    the store's COMMIT.
    """
    queue = _private(conn, "_tx", _AIOSQLITE)
    return cast("Callable[[Job], None]", queue.put_nowait)


def aiosqlite_sqlite3(conn: aiosqlite.Connection) -> sqlite3.Connection:
    """The ``sqlite3.Connection`` inside an open aiosqlite connection.

    Why private: the jobs of :func:`aiosqlite_enqueue` run in aiosqlite's
    thread and call sqlite3 directly; aiosqlite exposes no public handle to
    the connection it wraps.

    Checked against aiosqlite 0.22.1: ``Connection._conn`` is a property
    returning the connection ``_connect()`` opened (ValueError once closed).
    Tortoise opens it with ``isolation_level=None`` (autocommit) and sets
    ``row_factory = sqlite3.Row``; the SQLite store relies on both.
    """
    return cast("sqlite3.Connection", _private(conn, "_conn", _AIOSQLITE))


async def asyncpg_pool(client: AsyncpgDBClient) -> Any:
    """The asyncpg pool behind Tortoise's PostgreSQL client, created if it is not yet.

    Why private: ``acquire_connection()`` wraps ``pool.acquire()`` and
    ``pool.release()`` in coroutines of its own; an uncached read through the
    pool's ``fetchrow`` (what a raw asyncpg caller runs) is two coroutine frames
    fewer.

    Checked against Tortoise-ORM 1.1.9: ``AsyncpgDBClient._pool`` is None until
    ``create_connection()`` (run by the first ``acquire_connection()``, here the
    schema migration) and again after ``close()``.
    """
    pool = _private(client, "_pool", _TORTOISE)
    if pool is None:
        async with client.acquire_connection():
            pass  # makes Tortoise create its pool now (public API)
        pool = _private(client, "_pool", _TORTOISE)
    return pool
