"""Shared fixtures for plughost's own tests.

PostgreSQL: tests that need it take the ``pg_dsn`` fixture, which creates a fresh
database per test on the server at ``PLUGHOST_TEST_PG_DSN`` (default
127.0.0.1:5432, trust auth) and drops it afterwards. When the server is
unreachable the test is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

PG_ADMIN_DSN = os.environ.get("PLUGHOST_TEST_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres")


def _with_database(dsn: str, database: str) -> str:
    head, _, _ = dsn.rpartition("/")
    return f"{head}/{database}"


@pytest.fixture
async def pg_dsn() -> AsyncIterator[str]:
    """A DSN to a new, empty PostgreSQL database, dropped after the test."""
    try:
        admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_ADMIN_DSN} is required under CI: {exc}")
        pytest.skip(f"PostgreSQL at {PG_ADMIN_DSN} unreachable: {exc}")
    name = f"plughost_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(PG_ADMIN_DSN, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
