"""``connect()``: open Tortoise on a DSN, migrate the schema, and serve a config store.

The store opened by the innermost ``connect()`` block is what ``Config`` uses
(the first one opened is also the fallback for tasks created before it, such as
a bot's tasks started elsewhere). Tortoise's context is set the same way: bound
to the current context, plus Tortoise's global fallback when no other Tortoise
context exists, so that tasks created before ``connect()`` see it too.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sqlite3
import urllib.parse
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final, Literal

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext, get_current_context, set_global_context
from tortoise.migrations.executor import MigrationExecutor

from plughost.config.backends.cache import DEFAULT_MAX_DOCUMENTS, DocumentCache
from plughost.config.backends.filelock import InstanceLock
from plughost.config.backends.store import ConfigStore
from plughost.config.errors import StoreNotOpenError, StoreUnavailableError

if TYPE_CHECKING:
    from tortoise.backends.asyncpg.client import AsyncpgDBClient

__all__ = ["DEFAULT_POOL_MAX", "connect", "current_store", "parse_dsn"]

#: Pool size for a bot: Tortoise's default of 5 queues a busy bot's config
#: calls behind each other; PostgreSQL's default max_connections is 100.
DEFAULT_POOL_MAX: Final = 20
_APP: Final = "plughost_config"
_APPS: Final = {
    _APP: {
        "models": ["plughost.config.models"],
        "migrations": "plughost.config.migrations",
        "default_connection": "default",
    }
}
#: ``PRAGMA journal_size_limit`` in bytes: the WAL file kept after a checkpoint.
_WAL_SIZE_LIMIT: Final = 64 * 1024 * 1024
#: Serialises schema migrations of processes starting together on one database.
_MIGRATION_LOCK: Final = 0x706C7567686F7374  # "plughost"

_current: contextvars.ContextVar[ConfigStore | None] = contextvars.ContextVar(
    "plughost_config_store", default=None
)
_fallback: list[ConfigStore] = []


def current_store() -> ConfigStore:
    """The store of the innermost open ``connect()`` block; StoreNotOpenError if none is."""
    store = _current.get()
    if store is None or store.closed:
        store = _fallback[-1] if _fallback else None
    if store is None:
        raise StoreNotOpenError(
            "no config store is open: wrap the code in `async with plughost.config.connect(dsn):`"
        )
    return store


def parse_dsn(dsn: str) -> tuple[Literal["sqlite", "postgres"], str]:
    """``("sqlite", absolute path)`` or ``("postgres", dsn)``; ValueError otherwise."""
    scheme, _, rest = dsn.partition("://")
    if scheme == "sqlite":
        path = urllib.parse.unquote(rest.partition("?")[0])
        if not path or path == ":memory:":
            raise ValueError("plughost config needs an SQLite file, e.g. sqlite:///abs/path.db")
        return "sqlite", os.path.abspath(path)
    if scheme in ("postgres", "postgresql"):
        return "postgres", dsn
    raise ValueError(f"unsupported config DSN {dsn!r}: use sqlite:///path or postgres://...")


def _probe_sqlite(path: str) -> None:
    """Open the file once with the standard library, to fail with a clear message.

    Tortoise's SQLite client keeps its connection lock when opening fails, so a
    bad path (a folder, an unreadable file) would otherwise hang the first query.
    """
    try:
        probe = sqlite3.connect(path)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.Error as exc:
        raise StoreUnavailableError(f"cannot open the SQLite database {path}: {exc}") from exc


async def _migrate(client: Any) -> None:
    executor = MigrationExecutor(client, _APPS)
    await executor.migrate()


def _tortoise_connection(
    dsn: str, kind: str, target: str, synchronous: str, pool_max: int
) -> dict[str, Any]:
    connection = expand_db_url(dsn)
    credentials = connection["credentials"]
    if kind == "sqlite":
        credentials["file_path"] = target
        credentials["journal_mode"] = "WAL"
        credentials["synchronous"] = synchronous.upper()
        # Tortoise's default of 16 KB truncates the WAL file at every
        # checkpoint reset, so the next ~4 MB of commits regrow it block by
        # block. Bounded at 64 MB instead (the WAL normally stays near 4 MB,
        # SQLite's 1,000-page auto-checkpoint). Measured with sqlite3 alone,
        # 4 alternating runs of 20,000 upserts: 23.6 -> 20.4 us per upsert
        # (best 22.3 -> 17.5); raw aiosqlite, the benchmark's ceiling, keeps
        # SQLite's default (no truncation).
        credentials["journal_size_limit"] = _WAL_SIZE_LIMIT
    else:
        credentials["maxsize"] = pool_max
        credentials["minsize"] = 1
        credentials.setdefault("application_name", "plughost")
    return connection


async def _open_store(
    client: Any, kind: str, dsn: str, target: str, cache: DocumentCache
) -> ConfigStore:
    """Bring the schema up to date and build the store for Tortoise's ``client``.

    Each backend's module is imported only for its own kind of DSN: the PostgreSQL
    store pulls in asyncpg and Tortoise's asyncpg client (about 3 MB resident and
    60 ms of imports, ``python -X importtime``), which an SQLite bot never uses.
    """
    if kind == "sqlite":
        from plughost.config.backends.sqlite import SQLiteStore  # noqa: PLC0415

        await _migrate(client)
        return SQLiteStore(client, target, cache)
    from plughost.config.backends.postgres import PostgresStore  # noqa: PLC0415

    clean_dsn = dsn.partition("?")[0]
    await _check_schema(clean_dsn, client.schema)
    await _migrate_postgres(client, clean_dsn)
    parsed = urllib.parse.urlsplit(clean_dsn)
    location = f"{parsed.hostname}:{parsed.port or 5432}{parsed.path}"
    return PostgresStore(client, clean_dsn, location, cache)


@contextlib.asynccontextmanager
async def connect(
    dsn: str,
    *,
    synchronous: Literal["normal", "full"] = "normal",
    pool_max: int = DEFAULT_POOL_MAX,
    cache_size: int = DEFAULT_MAX_DOCUMENTS,
) -> AsyncIterator[ConfigStore]:
    """Open the config store at ``dsn`` for the duration of the block.

    - ``sqlite:///abs/path.db``: one process only (a second one gets
      :class:`~plughost.config.StoreLockedError`); ``synchronous="full"`` makes
      every commit survive power loss, not only a crash of the process.
    - ``postgres://user@host:5432/db``: shared by any number of processes;
      ``pool_max`` connections in Tortoise's pool, plus one listener.
      ``?schema=name`` keeps the tables in that schema.

    ``cache_size`` bounds the per-process cache, in documents. On exit every
    accepted write is committed and every connection is closed.
    """
    kind, target = parse_dsn(dsn)
    if synchronous not in ("normal", "full"):
        raise ValueError("synchronous must be 'normal' or 'full'")
    cache = DocumentCache(cache_size)
    connection = _tortoise_connection(dsn, kind, target, synchronous, pool_max)
    lock = InstanceLock(target) if kind == "sqlite" else None
    if lock is not None:
        lock.acquire()
        try:
            _probe_sqlite(target)
        except BaseException:
            lock.release()
            raise
    ctx = TortoiseContext()
    # Only the first Tortoise context of the process may be the global fallback.
    use_global = get_current_context() is None
    store: ConfigStore | None = None
    token: contextvars.Token[ConfigStore | None] | None = None
    try:
        ctx.__enter__()
        await ctx.init(config={"connections": {"default": connection}, "apps": _APPS})
        if use_global:
            # What init(_enable_global_fallback=True) does as its last step (Tortoise
            # 1.1.9), through the public function instead of the private parameter.
            set_global_context(ctx)
        store = await _open_store(ctx.db("default"), kind, dsn, target, cache)
        await store.start()
        token = _current.set(store)
        _fallback.append(store)
        yield store
    finally:
        try:
            if store is not None:
                if store in _fallback:
                    _fallback.remove(store)
                await store.close()
        finally:
            if token is not None:
                _reset(token)
            await ctx.close_connections()
            with contextlib.suppress(ValueError):  # see _reset
                ctx.__exit__(None, None, None)
            if lock is not None:
                lock.release()


def _reset(token: contextvars.Token[ConfigStore | None]) -> None:
    # A test framework may run the end of the block in a copy of the context
    # it started in; the token then belongs to another context and there is
    # nothing to restore here.
    with contextlib.suppress(ValueError):
        _current.reset(token)


async def _check_schema(dsn: str, schema: str | None) -> None:
    """Refuse a ``?schema=`` that the database does not have, in words (asyncpg says
    "no schema has been selected to create in" from deep inside the migration)."""
    if not schema:
        return
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415 - PostgreSQL only

    conn = await asyncpg.connect(dsn)
    try:
        found = await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema)
    finally:
        await conn.close()
    if found is None:
        raise StoreUnavailableError(
            f"the PostgreSQL database has no schema {schema!r} (from ?schema= in the DSN): "
            f"create it first (CREATE SCHEMA {schema}), or leave ?schema= out"
        )


async def _migrate_postgres(client: AsyncpgDBClient, dsn: str) -> None:
    # Shard processes start together: one migrates, the others wait, then find
    # nothing left to do. The session lock goes away with this connection.
    import asyncpg  # noqa: PLC0415 - PostgreSQL only

    guard = await asyncpg.connect(dsn)
    try:
        await guard.execute("SELECT pg_advisory_lock($1::bigint)", _MIGRATION_LOCK)
        await _migrate(client)
    finally:
        await guard.close()
