"""Where a test's bot keeps its data: an SQLite file, or a fresh PostgreSQL schema.

By default every test gets an SQLite file in its ``tmp_path``. Given a PostgreSQL
DSN (``--plughost-dsn``, the ``PLUGHOST_TEST_DSN`` environment variable, or the
``plughost_dsn`` ini option, in that order), every test gets a new schema in that
database instead, dropped after the test, so tests never see each other's data.
"""

from __future__ import annotations

import contextlib
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

__all__ = ["DSN_ENV", "postgres_schema", "sqlite_dsn", "validate_base_dsn"]

#: The environment variable naming the PostgreSQL database tests run on.
DSN_ENV: Final = "PLUGHOST_TEST_DSN"
_SCHEMES: Final = ("postgres", "postgresql")


def sqlite_dsn(directory: Path) -> str:
    """The DSN of a store file in ``directory`` (created on first connect)."""
    return f"sqlite:///{directory / 'plughost.db'}"


def validate_base_dsn(dsn: str) -> str | None:
    """Why ``dsn`` cannot be the tests' PostgreSQL database, or None if it can."""
    parts = urllib.parse.urlsplit(dsn)
    if parts.scheme not in _SCHEMES:
        return f"{dsn!r} is not a PostgreSQL DSN (postgres://user@host:5432/database)"
    if not parts.path.strip("/"):
        return f"{dsn!r} names no database (postgres://user@host:5432/database)"
    if "schema" in urllib.parse.parse_qs(parts.query):
        return f"{dsn!r} names a schema; each test makes its own, leave ?schema= out"
    return None


@contextlib.asynccontextmanager
async def postgres_schema(base_dsn: str) -> AsyncIterator[str]:
    """Create an empty schema in ``base_dsn``'s database; yield a DSN using it; drop it."""
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415 - only with a DSN

    schema = f"plughost_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(base_dsn, timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise RuntimeError(f"cannot reach the test database {base_dsn}: {exc}") from exc
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        separator = "&" if urllib.parse.urlsplit(base_dsn).query else "?"
        try:
            yield f"{base_dsn}{separator}schema={schema}"
        finally:
            await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await admin.close()
