"""Shared fixtures for plughost's own tests.

``home``
    An empty ``PLUGHOST_HOME`` (``tmp_path / "home"``, not created yet), so that
    instances made by a test land in its ``tmp_path``.

PostgreSQL comes from the test kit (plughost/testing/stores.py): the database
named by ``PLUGHOST_TEST_DSN`` (or ``--plughost-dsn``), else
postgresql://127.0.0.1:5432/test. When it does not answer, tests that need it are
skipped, except under ``CI=true``, where they fail.

``pg_schema_dsn``
    A DSN to a new, empty schema of that database (``?schema=``), dropped after
    the test: enough for anything that opens the store with ``connect``.
``pg_dsn``
    A DSN to a new, empty database beside it, dropped after the test. For
    instances (``plughost setup`` and friends connect with plain asyncpg, which
    refuses ``?schema=``) and for the cluster, whose leader lock, LISTEN
    channels and ``pg_stat_activity`` rows are per database: in one shared
    database, two test runs on the server would elect one leader between them.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from plughost.testing.stores import postgres_schema, require_postgres


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PLUGHOST_HOME for this test, in its tmp_path."""
    path = tmp_path / "home"
    monkeypatch.setenv("PLUGHOST_HOME", str(path))
    return path


@pytest.fixture
async def pg_schema_dsn(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A DSN to a new, empty schema of the tests' PostgreSQL database, dropped afterwards."""
    async with postgres_schema(await require_postgres(request.config)) as dsn:
        yield dsn


@pytest.fixture
async def pg_dsn(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A DSN to a new, empty PostgreSQL database, dropped after the test."""
    base = await require_postgres(request.config)
    name = f"plughost_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base, timeout=10)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urllib.parse.urlsplit(base)._replace(path=f"/{name}").geturl()
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
