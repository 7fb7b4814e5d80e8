"""The PostgreSQL store: shared by many processes, cached in each.

Every write is one statement through Tortoise's pool (an atomic upsert, or a
server-side update of one path with ``plughost_config_set``), returning the new
document and its version, and sending the NOTIFY that drops stale copies from
other processes' caches (``listener.py``). Read-modify-writes (``async with``)
hold a cross-process advisory lock from the read to the write.

A lost or refused connection raises ``StoreOutageError`` (``outage.py``): one
WARNING when it starts, one when the store answers again, and asyncpg's pool
warnings in between are held back.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any, Final

from tortoise.backends.asyncpg.client import AsyncpgDBClient

from plughost.config.backends.cache import DocumentCache
from plughost.config.backends.driver_internals import asyncpg_pool
from plughost.config.backends.listener import (
    CHANNEL,
    WANT_CHANNEL,
    NotificationListener,
    lock_id,
)
from plughost.config.backends.outage import OutageMonitor, QuietDuringOutage
from plughost.config.backends.pglisten import is_connection_lost
from plughost.config.backends.pgwriter import PgGroupCommit
from plughost.config.backends.store import UNREAD, ConfigStore, RmwToken
from plughost.config.documents import MISSING, decode, encode
from plughost.config.errors import ConfigLockLostError, describe
from plughost.config.keys import prefix_range
from plughost.config.models import TABLE

__all__ = ["PostgresStore", "jsonb_text"]

# jsonb keeps numbers as `numeric`, which keeps a literal's decimal places but not
# its exponent: `1e+16` (Python's float repr) reads back as 10000000000000000, an
# int, while `10000000000000000.0` reads back as itself. So a float written in
# exponent form is rewritten positionally, with a decimal point, before it reaches
# jsonb. Only a digit followed by an exponent marker can need it.
_EXPONENT: Final = re.compile(r"\d[eE]")
_TOKEN: Final = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?[eE][-+]?\d+')


def _positional(match: re.Match[str]) -> str:
    token = match.group(0)
    if token[0] == '"':
        return token  # a string: left exactly as it is
    text = format(Decimal(token), "f")
    return text if "." in text else text + ".0"


def jsonb_text(text: str) -> str:
    """JSON ``text`` as jsonb keeps it exactly: floats in exponent form made positional."""
    if _EXPONENT.search(text) is None:
        return text
    return _TOKEN.sub(_positional, text)


_SEQ: Final = "nextval('plughost_config_version')"
_NOTIFY_ROW: Final = f"pg_notify('{CHANNEL}', version::text || ':' || $1::text)"

log = logging.getLogger("plughost.config")

_SELECT: Final = f"SELECT data::text, version FROM {TABLE} WHERE key = $1"
_WANT: Final = "SELECT pg_notify($1, $2)"
_UPSERT: Final = (
    f"WITH w AS (INSERT INTO {TABLE} AS d (key, data, version) "
    f"VALUES ($1, $2::jsonb, {_SEQ}) "
    f"ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, version = {_SEQ} "
    "RETURNING d.data::text AS data, d.version) "
    f"SELECT data, version, {_NOTIFY_ROW} FROM w"
)
_SET_PATH: Final = (
    f"WITH w AS (INSERT INTO {TABLE} AS d (key, data, version) "
    f"VALUES ($1, plughost_config_set('{{}}'::jsonb, $2::text[], $3::jsonb), {_SEQ}) "
    "ON CONFLICT (key) DO UPDATE SET "
    f"data = plughost_config_set(d.data, $2::text[], $3::jsonb), version = {_SEQ} "
    "RETURNING d.data::text AS data, d.version) "
    f"SELECT data, version, {_NOTIFY_ROW} FROM w"
)
_DELETE_PATH: Final = (
    f"WITH w AS (UPDATE {TABLE} AS d SET data = d.data #- $2::text[], version = {_SEQ} "
    "WHERE key = $1 AND d.data #> $2::text[] IS NOT NULL "
    "RETURNING d.data::text AS data, d.version) "
    f"SELECT data, version, {_NOTIFY_ROW} FROM w"
)
# The version is drawn after the delete has run (the outer query reads its
# result), so it is newer than any version the deleted row had.
_DELETE: Final = (
    f"WITH gone AS (DELETE FROM {TABLE} WHERE key = $1 RETURNING 1), "
    f"v AS (SELECT {_SEQ} AS version FROM (SELECT count(*) FROM gone) AS c) "
    f"SELECT version, {_NOTIFY_ROW} FROM v"
)
_DELETE_RANGE: Final = (
    f"WITH gone AS (DELETE FROM {TABLE} WHERE key >= $1 AND key < $2 RETURNING 1) "
    f"SELECT count(*), pg_notify('{CHANNEL}', 'p:' || $3::text) FROM gone"
)
_SCAN: Final = f"SELECT key, data::text FROM {TABLE} WHERE key >= $1 AND key < $2 ORDER BY key"
_FIRST_FROM: Final = f"SELECT key FROM {TABLE} WHERE key >= $1 ORDER BY key LIMIT 1"
_SCAN_SUFFIX: Final = (
    f"SELECT key, data::text FROM {TABLE} "
    "WHERE ((key >= $1 AND key < $2) OR (key >= $3 AND key < $4)) AND right(key, $5) = $6"
)
# One statement: every row goes in one transaction, and each deleted key gets a
# fresh version and its own NOTIFY, which other processes handle exactly like
# the NOTIFY of a single delete.
_DELETE_KEYS: Final = (
    f"WITH gone AS (DELETE FROM {TABLE} WHERE key = ANY($1::text[]) RETURNING key), "
    f"v AS (SELECT key, {_SEQ} AS version FROM gone) "
    f"SELECT key, pg_notify('{CHANNEL}', version::text || ':' || key) FROM v"
)
_ROWS_AFTER: Final = f"SELECT key, data::text FROM {TABLE} WHERE key > $1 ORDER BY key LIMIT $2"
_INSERT: Final = (
    f"INSERT INTO {TABLE} (key, data, version) VALUES ($1, $2::jsonb, {_SEQ}) "
    f"ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, version = {_SEQ}"
)


def _name_lock_id(name: str) -> int:
    # Its own id space: a value's get_lock() and the `async with` guard of the
    # document holding it are different locks (a block takes both).
    return lock_id("get_lock:" + name)


class PostgresStore(ConfigStore):
    """Config documents in a PostgreSQL database shared by several processes."""

    backend = "postgres"

    def __init__(
        self, client: AsyncpgDBClient, dsn: str, location: str, cache: DocumentCache
    ) -> None:
        super().__init__(cache)
        self._client = client
        self.location = location
        # Off until the listener is up: a cached copy is only safe to serve
        # while changes from other processes are being heard.
        cache.enabled = False
        #: Whether the database answers; turns lost connections into StoreOutageError.
        self.outage = OutageMonitor(location, is_connection_lost)
        self._quiet = QuietDuringOutage(self.outage)
        self.listener = NotificationListener(dsn, cache, self.outage, client.schema)
        self._writer = PgGroupCommit(
            client, self.outage, one_row=frozenset({_UPSERT, _SET_PATH, _DELETE})
        )
        #: Tortoise's asyncpg pool, for the reads of the hot path (set by start()).
        self._pool: Any = None
        #: Lock ids whose plughost_config_want is on its way.
        self._asking: set[int] = set()

    async def start(self) -> None:
        self._pool = await asyncpg_pool(self._client)
        self.listener.ask = self._ask_for
        logging.getLogger("asyncpg.pool").addFilter(self._quiet)
        await self.listener.start()
        self._writer.start()

    # -- reads -------------------------------------------------------------------

    async def _fetch(self, key: str) -> tuple[Any, int]:
        self.check_open()
        with self.outage:
            async with self._client.acquire_connection() as conn:
                row = await conn.fetchrow(_SELECT, key)
        if row is None:
            return MISSING, 0
        return decode(row[0]), int(row[1])

    async def _load(self, key: str) -> Any:
        # ConfigStore._load with _fetch inlined, and asyncpg's pool.fetchrow
        # (what a raw asyncpg caller runs) instead of Tortoise's wrapper
        # around the same pool: two coroutine frames fewer per uncached read.
        started = time.perf_counter()
        cache = self.cache
        ticket = cache.begin(key)
        try:
            if self.closed:
                self.check_open()
            row = await self._pool.fetchrow(_SELECT, key)
        except BaseException as exc:
            cache.end(ticket)
            if self.outage.is_outage(exc):
                raise self.outage.refuse(exc) from exc
            raise
        if self.outage.down:
            self.outage.recovered()
        self._observe("read", started)
        if row is None:
            cache.offer(ticket, MISSING, 0)
            return MISSING
        value = decode(row[0])
        cache.offer(ticket, value, row[1])
        return value

    async def read_for_update(self, key: str) -> Any:
        # Under the advisory lock: read the database, not a cached copy that a
        # NOTIFY in flight may be about to drop.
        return await self._load(key)

    async def scan_text(self, prefix: str) -> Sequence[Any]:
        self.check_open()
        low, high = prefix_range(prefix)
        started = time.perf_counter()
        with self.outage:
            rows = await self._pool.fetch(_SCAN, low, high)
        self._observe("scan", started)
        return rows  # type: ignore[no-any-return]

    # -- writes ---------------------------------------------------------------------

    async def _write_row(self, key: str, sql: str, *args: Any) -> None:
        ticket = self.cache.begin(key)
        started = time.perf_counter()
        try:
            row = await self._writer.submit(sql, (key, *args), key)
        except BaseException:
            # It may or may not have committed: forget what we had.
            self.cache.end(ticket)
            self.cache.invalidate(key)
            raise
        self._observe("write", started)
        if row is None:
            # Written in a batch (no row comes back), or nothing matched.
            self.cache.end(ticket)
            self.cache.invalidate(key)
            return
        value = decode(row[0]) if len(row) == 3 else MISSING
        self.cache.offer(ticket, value, int(row[len(row) - 2]), written=True)

    async def write(self, key: str, path: tuple[str, ...], value: Any, text: str | None) -> None:
        self.check_open()
        text = jsonb_text(encode(value) if text is None else text)
        if path:
            await self._write_row(key, _SET_PATH, list(path), text)
        else:
            await self._write_row(key, _UPSERT, text)

    async def delete(self, key: str, path: tuple[str, ...]) -> None:
        self.check_open()
        if path:
            await self._write_row(key, _DELETE_PATH, list(path))
        else:
            await self._write_row(key, _DELETE)

    async def delete_prefix(self, prefix: str) -> None:
        self.check_open()
        low, high = prefix_range(prefix)
        try:
            with self.outage:
                async with self._client.acquire_connection() as conn:
                    await conn.fetchrow(_DELETE_RANGE, low, high, prefix)
        finally:
            self.cache.invalidate_prefix(prefix)

    async def replace_prefix(self, prefix: str, docs: Sequence[tuple[str, Any, str]]) -> None:
        self.check_open()
        low, high = prefix_range(prefix)
        try:
            with self.outage:
                async with self._client.acquire_connection() as conn, conn.transaction():
                    await conn.fetchrow(_DELETE_RANGE, low, high, prefix)
                    if docs:
                        await conn.executemany(
                            _INSERT, [(key, jsonb_text(text)) for key, _, text in docs]
                        )
        finally:
            self.cache.invalidate_prefix(prefix)

    # -- one user's documents -------------------------------------------------------------

    async def _first_key_from(self, low: str) -> str | None:
        with self.outage:
            async with self._client.acquire_connection() as conn:
                key = await conn.fetchval(_FIRST_FROM, low)
        return None if key is None else str(key)

    async def _scan_ranges_with_suffix(
        self, ranges: tuple[tuple[str, str], tuple[str, str]], suffix: str
    ) -> list[tuple[str, Any]]:
        (low1, high1), (low2, high2) = ranges
        with self.outage:
            async with self._client.acquire_connection() as conn:
                rows = await conn.fetch(_SCAN_SUFFIX, low1, high1, low2, high2, len(suffix), suffix)
        return [(row[0], decode(row[1])) for row in rows]

    async def delete_documents(self, keys: Sequence[str]) -> None:
        self.check_open()
        if not keys:
            return
        # This process's writes queued before the call must not land after it
        # (the statement below bypasses the group-commit queue).
        await self.flush()
        try:
            with self.outage:
                async with self._client.acquire_connection() as conn:
                    await conn.fetch(_DELETE_KEYS, list(keys))
        finally:
            # As delete_prefix(): also drops what a read cached while the
            # statement ran; our own NOTIFY comes later and finds nothing.
            for key in keys:
                self.cache.invalidate(key)

    # -- read-modify-write ------------------------------------------------------------

    async def _lock_remote(
        self, key: str, document: bool, read: bool, names: tuple[str, ...]
    ) -> tuple[int, Any]:
        ids = [_name_lock_id(name) for name in names]
        if document:
            ids.append(lock_id(key))
        kept = self.listener.take_kept(ids)
        if kept is not None:
            # Held since this process's last block on them: no other block
            # wrote meanwhile, so the cached copy (if any) is current, but for
            # a plain write from elsewhere whose NOTIFY is still on its way.
            entry = self.cache.get(key) if read and document else None
            return kept, UNREAD if entry is None else entry.value
        if not (read and document):
            generation, _ = await self.listener.lock(ids)
            return generation, UNREAD
        # Lock and read in one call (plughost_config_lock): the read runs after
        # the locks are held, so it sees every write committed before their release.
        cache = self.cache
        ticket = cache.begin(key)
        try:
            if self.closed:
                self.check_open()
            generation, row = await self.listener.lock(ids, key)
        except BaseException:
            cache.end(ticket)
            raise
        if row[1] is None:
            cache.offer(ticket, MISSING, 0)
            return generation, MISSING
        value = decode(row[1])
        cache.offer(ticket, value, int(row[2]))
        return generation, value

    def _ask_for(self, lockid: int) -> None:
        """Tell the session holding ``lockid`` that this one waits (a keeper gives it back)."""
        if lockid in self._asking or self.closed:
            return
        self._asking.add(lockid)
        self._track(asyncio.ensure_future(self._send_want(lockid)))

    async def _send_want(self, lockid: int) -> None:
        # On a pooled connection: the NOTIFY's commit waits for the server-wide
        # NOTIFY lock, which would hold up the listener's lock calls.
        try:
            await self._pool.execute(_WANT, WANT_CHANNEL, str(lockid))
        except Exception as exc:  # the waiter still re-tries each second
            log.debug("config: asking for lock %d failed: %s", lockid, describe(exc))
        finally:
            self._asking.discard(lockid)

    shares_locks = True

    async def lock_name(self, name: str) -> int:
        generation, _ = await self.listener.lock((_name_lock_id(name),))
        return generation

    async def unlock_name(self, name: str, generation: int) -> bool:
        if generation != self.listener.generation:
            return False  # the session that held it is gone, and the lock with it
        await self.listener.unlock((_name_lock_id(name),), generation)
        return True

    def unlock_name_soon(self, name: str, generation: int) -> bool:
        if generation != self.listener.generation:
            return False
        self._track(self.listener.unlock((_name_lock_id(name),), generation))
        return True

    def verify_rmw(self, token: RmwToken) -> None:
        if (token.outermost or token.names) and token.generation != self.listener.generation:
            raise ConfigLockLostError(
                "lost the PostgreSQL connection holding this document's lock; "
                "the changes made in this `async with` block were not saved"
            )

    def _unlock_remote(self, token: RmwToken) -> asyncio.Future[None] | None:
        # Kept for this process's next block on them, until another session wants them.
        ids = [_name_lock_id(name) for name in token.names]
        if token.outermost:
            ids.append(lock_id(token.key))
        return self.listener.keep(ids, token.generation)

    # -- whole store ---------------------------------------------------------------------

    async def iter_rows(self, batch_size: int = 1000) -> AsyncIterator[list[tuple[str, str]]]:
        self.check_open()
        after = ""
        while True:
            with self.outage:
                async with self._client.acquire_connection() as conn:
                    rows = await conn.fetch(_ROWS_AFTER, after, batch_size)
            if not rows:
                return
            yield [(row[0], row[1]) for row in rows]
            after = rows[-1][0]

    async def insert_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        self.check_open()
        try:
            with self.outage:
                async with self._client.acquire_connection() as conn, conn.transaction():
                    await conn.executemany(_INSERT, [(key, jsonb_text(text)) for key, text in rows])
                    await conn.execute(f"SELECT pg_notify('{CHANNEL}', 'p:')")
        finally:
            self.cache.clear()

    async def count(self) -> int:
        self.check_open()
        with self.outage:
            async with self._client.acquire_connection() as conn:
                return int(await conn.fetchval(f"SELECT count(*) FROM {TABLE}"))

    # -- lifecycle -----------------------------------------------------------------------

    async def flush(self) -> None:
        await self._writer.submit("SELECT 1", (), "")

    async def close(self) -> None:
        try:
            await self._writer.stop()
            await self._settle()  # unlocks in flight go out before the listener closes
            await self.listener.close()
            await super().close()
        finally:
            logging.getLogger("asyncpg.pool").removeFilter(self._quiet)
