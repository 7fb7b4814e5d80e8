"""Where a test keeps its data: an SQLite file, or a fresh schema of the tests' PostgreSQL.

The tests' PostgreSQL database is the one named by ``--plughost-dsn``, the
``PLUGHOST_TEST_DSN`` environment variable or the ``plughost_dsn`` ini option,
in that order (`configured_dsn`). Named, it also holds the store of every test's
``bot``: a new schema per test, dropped after the test, so tests never see each
other's data. Unnamed, ``bot`` uses an SQLite file in ``tmp_path``.

Tests that need PostgreSQL whatever ``bot`` runs on (mark them ``postgres``) ask
`require_postgres` for the database: the configured one, else `DEFAULT_DSN`.
When it does not answer they are skipped, except under ``CI=true``, where they
fail: CI must not go green by skipping them.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest

__all__ = [
    "DEFAULT_DSN",
    "DSN_ENV",
    "configured_dsn",
    "postgres_schema",
    "require_postgres",
    "sqlite_dsn",
    "validate_base_dsn",
]

#: The environment variable naming the PostgreSQL database tests run on.
DSN_ENV: Final = "PLUGHOST_TEST_DSN"
#: Where `require_postgres` looks when no database is configured: a local server,
#: trust auth, the user running the tests.
DEFAULT_DSN: Final = "postgresql://127.0.0.1:5432/test"
_SCHEMES: Final = ("postgres", "postgresql")
#: Whether a database answered, by DSN (None: it did; else why not). Asked once per
#: run, not per test: an address that drops packets would cost the timeout each time.
_answers: dict[str, str | None] = {}


def sqlite_dsn(directory: Path) -> str:
    """The DSN of a store file in ``directory`` (created on first connect)."""
    return f"sqlite:///{directory / 'plughost.db'}"


def configured_dsn(config: pytest.Config) -> str | None:
    """The configured PostgreSQL database: option, environment, ini; None if none is."""
    chosen = (
        config.getoption("plughost_dsn") or os.environ.get(DSN_ENV) or config.getini("plughost_dsn")
    )
    return str(chosen) if chosen else None


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


async def require_postgres(config: pytest.Config) -> str:
    """The DSN of the tests' PostgreSQL database, once it answers.

    When it does not, the calling test is skipped; under ``CI=true`` it fails.
    """
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415 - only for postgres tests

    dsn = configured_dsn(config) or DEFAULT_DSN
    if dsn not in _answers:
        try:
            conn = await asyncpg.connect(dsn, timeout=5)
        except (OSError, asyncpg.PostgresError) as exc:
            _answers[dsn] = str(exc) or type(exc).__name__
        else:
            await conn.close()
            _answers[dsn] = None
    problem = _answers[dsn]
    if problem is None:
        return dsn
    reason = f"PostgreSQL at {_redacted(dsn)} does not answer ({problem}); see {DSN_ENV}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}. Under CI=true the postgres tests must run.", pytrace=False)
    pytest.skip(reason)


def _redacted(dsn: str) -> str:
    # The DSN goes into test reports; a password in it should not.
    parts = urllib.parse.urlsplit(dsn)
    if parts.password is None:
        return dsn
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


@contextlib.asynccontextmanager
async def postgres_schema(base_dsn: str) -> AsyncIterator[str]:
    """Create an empty schema in ``base_dsn``'s database; yield a DSN using it; drop it."""
    import asyncpg  # noqa: PLC0415 - only with a DSN

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
