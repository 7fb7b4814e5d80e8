"""Checking a PostgreSQL DSN before an instance is saved with it."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from plughost.instances.errors import InstanceError

__all__ = ["CONNECT_TIMEOUT", "check_dsn", "redact_dsn", "run_to_completion", "split_schema"]

_T = TypeVar("_T")

#: Seconds to wait for the server before calling it unreachable.
CONNECT_TIMEOUT = 5.0


def redact_dsn(dsn: str) -> str:
    """The DSN with its password (in the netloc or the query) replaced by ``***``."""
    try:
        parts = urlsplit(dsn)
        netloc = parts.netloc
        if parts.password is not None:
            userinfo, _, hostinfo = netloc.rpartition("@")
            user = userinfo.partition(":")[0]
            netloc = f"{user}:***@{hostinfo}"
        query = urlencode(
            [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)],
            safe="*",
        )
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:
        # An unparsable DSN (say a bad port) may still hold a password: show none of it.
        return "<unparsable dsn>"


def split_schema(dsn: str) -> tuple[str, str | None]:
    """The DSN for asyncpg without plughost's ``?schema=`` (asyncpg would send it to
    the server as a setting, which refuses it), and that schema."""
    parts = urlsplit(dsn)
    query = parse_qsl(parts.query)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def check_dsn(dsn: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Connect once to ``dsn`` and disconnect; :class:`InstanceError` says why it failed.

    Synchronous because the instance API is; safe to call from inside a running
    event loop (the console, an async test), where it uses a private thread.
    """
    run_to_completion(_probe(dsn, timeout))


def run_to_completion(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` from synchronous code, even when called inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # asyncio.run() refuses to nest, and blocking the caller's loop on its own
    # connect would deadlock nothing but still stall it; a thread with its own loop
    # keeps both loops independent.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _probe(dsn: str, seconds: float) -> None:
    # Imported here: asyncpg is only needed by PostgreSQL instances, and the CLI's
    # other commands should not pay for loading it. The ignore: asyncpg ships no
    # type hints, and the project has no mypy override for it yet.
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        connection = await asyncpg.connect(split_schema(dsn)[0], timeout=seconds)
    except TimeoutError as exc:
        raise _unreachable(dsn, f"no answer within {seconds:g} s") from exc
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
        raise _unreachable(dsn, _describe(exc, dsn)) from exc
    await connection.close()


def _describe(exc: BaseException, dsn: str) -> str:
    text = str(exc) or type(exc).__name__
    password = _password(dsn)
    if password:
        text = text.replace(password, "***")
    return text


def _password(dsn: str) -> str | None:
    try:
        parts = urlsplit(dsn)
        return parts.password or dict(parse_qsl(parts.query)).get("password")
    except ValueError:
        return None


def _unreachable(dsn: str, why: str) -> InstanceError:
    return InstanceError(f"cannot connect to PostgreSQL at {redact_dsn(dsn)}: {why}")
