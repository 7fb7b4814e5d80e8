"""What a PostgreSQL instance keeps in its database, said before the folder goes, and dropped.

Deleting an instance removes its folder; a PostgreSQL instance's data lives in the
database its DSN names, which plughost did not create and may share with other
things. Issue 14 (item 8): ``delete`` said nothing about it. :func:`pg_leftovers`
lists plughost's tables there with their row counts, and :func:`drop_pg_data`
drops them (in one transaction), refusing while a process of the instance still
sends heartbeats or when another instance uses the same database and schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, final
from urllib.parse import urlsplit

from plughost.instances.errors import InstanceError
from plughost.instances.postgres import (
    CONNECT_TIMEOUT,
    redact_dsn,
    run_to_completion,
    split_schema,
)

__all__ = ["Leftover", "describe_leftovers", "drop_pg_data", "pg_leftovers", "same_database"]

#: Tortoise's migration records; plughost's rows are those of this app.
_MIGRATIONS_TABLE: Final = "tortoise_migrations"
_MIGRATIONS_APP: Final = "plughost_config"
#: A heartbeat this recent means a shard process of the instance is running (the
#: cluster beats every second and calls a process stale after three missed beats).
_LIVE_SECONDS: Final = 10


@final
@dataclass(frozen=True, slots=True)
class Leftover:
    """One of plughost's tables in the instance's database."""

    schema: str
    table: str
    rows: int
    """Rows plughost owns there (for the migration records: plughost's own)."""

    def __str__(self) -> str:
        return f"{self.schema}.{self.table} ({self.rows} rows)"


def describe_leftovers(leftovers: Iterable[Leftover]) -> str:
    """``s.plughost_config (12 rows), s.tortoise_migrations (3 rows)``."""
    return ", ".join(map(str, leftovers))


def _plughost_tables() -> tuple[str, ...]:
    # Imported on use: the model module pulls in Tortoise.
    from plughost.config.models import COOLDOWN_TABLE, PROCESS_TABLE, TABLE  # noqa: PLC0415

    return (TABLE, PROCESS_TABLE, COOLDOWN_TABLE)


def same_database(a: str, b: str) -> bool:
    """Whether two DSNs name one database and schema (passwords and options aside)."""

    def key(dsn: str) -> tuple[object, ...]:
        clean, schema = split_schema(dsn)
        parts = urlsplit(clean)
        return (parts.hostname, parts.port or 5432, parts.path.strip("/"), schema or "public")

    try:
        return key(a) == key(b)
    except ValueError:
        return False


async def _connect(dsn: str) -> tuple[Any, str]:
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415 - PostgreSQL only

    clean, schema = split_schema(dsn)
    try:
        connection = await asyncpg.connect(clean, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise InstanceError(f"cannot connect to PostgreSQL at {redact_dsn(dsn)}: {exc}") from exc
    if schema is None:
        schema = str(await connection.fetchval("SELECT current_schema()"))
    return connection, schema


async def _leftovers(connection: Any, schema: str) -> list[Leftover]:
    present = {
        str(row["table_name"])
        for row in await connection.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
        )
    }
    found = []
    for table in _plughost_tables():
        if table in present:
            rows = await connection.fetchval(f'SELECT count(*) FROM "{schema}"."{table}"')
            found.append(Leftover(schema, table, int(rows)))
    if _MIGRATIONS_TABLE in present:
        rows = await connection.fetchval(
            f'SELECT count(*) FROM "{schema}"."{_MIGRATIONS_TABLE}" WHERE app = $1',
            _MIGRATIONS_APP,
        )
        if rows:
            found.append(Leftover(schema, _MIGRATIONS_TABLE, int(rows)))
    return found


def pg_leftovers(dsn: str) -> list[Leftover]:
    """plughost's tables in the database (and schema) ``dsn`` names, with row counts."""

    async def run() -> list[Leftover]:
        connection, schema = await _connect(dsn)
        try:
            return await _leftovers(connection, schema)
        finally:
            await connection.close()

    return run_to_completion(run())


def drop_pg_data(dsn: str) -> list[Leftover]:
    """Drop plughost's tables at ``dsn`` in one transaction; return what was dropped.

    Refused (nothing dropped) while a process of the instance sent a heartbeat in
    the last few seconds: a running bot would fail on every command.
    """

    async def run() -> list[Leftover]:
        connection, schema = await _connect(dsn)
        try:
            found = await _leftovers(connection, schema)
            await _refuse_if_running(connection, schema, found)
            async with connection.transaction():
                for leftover in found:
                    name = f'"{schema}"."{leftover.table}"'
                    if leftover.table != _MIGRATIONS_TABLE:
                        await connection.execute(f"DROP TABLE {name}")
                        continue
                    # Shared with any other Tortoise app in the schema: only plughost's rows.
                    await connection.execute(f"DELETE FROM {name} WHERE app = $1", _MIGRATIONS_APP)
                    if not await connection.fetchval(f"SELECT count(*) FROM {name}"):
                        await connection.execute(f"DROP TABLE {name}")
            return found
        finally:
            await connection.close()

    return run_to_completion(run())


async def _refuse_if_running(connection: Any, schema: str, found: list[Leftover]) -> None:
    from plughost.config.models import PROCESS_TABLE  # noqa: PLC0415

    if not any(leftover.table == PROCESS_TABLE for leftover in found):
        return
    live = await connection.fetchval(
        f'SELECT count(*) FROM "{schema}"."{PROCESS_TABLE}" '
        f"WHERE heartbeat_at > now() - make_interval(secs => $1)",
        _LIVE_SECONDS,
    )
    if live:
        raise InstanceError(
            f"{live} process(es) of this instance are running on {schema}: "
            "stop them before dropping its data"
        )
