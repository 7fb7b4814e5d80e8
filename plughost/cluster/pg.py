"""Dedicated asyncpg connections for the cluster machinery, honouring ``?schema=``."""

from __future__ import annotations

import urllib.parse
from typing import Any

import asyncpg  # type: ignore[import-untyped]

__all__ = ["CONNECTION_ERRORS", "open_connection"]

#: What a lost or refused connection raises.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
)


async def open_connection(dsn: str, *, application_name: str = "plughost-cluster") -> Any:
    """A new connection to ``dsn``; a ``?schema=name`` query selects the search path."""
    base, _, query = dsn.partition("?")
    settings = {"application_name": application_name}
    schema = urllib.parse.parse_qs(query).get("schema")
    if schema:
        settings["search_path"] = schema[0]
    return await asyncpg.connect(base, server_settings=settings, timeout=10)
