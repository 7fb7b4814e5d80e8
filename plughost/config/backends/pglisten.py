"""A dedicated PostgreSQL connection that LISTENs, and comes back when it is lost.

LISTEN only works on a connection of its own (a pooled one would lose its
listeners when returned to the pool), and such a connection can drop at any
time: the server restarts, an operator terminates the backend, the network
goes away. :class:`ListeningConnection` holds that connection for its owner
(the config cache's ``NotificationListener``, the cluster's ``EventBus``):

- :meth:`~ListeningConnection.connect` opens it with the owner's connect
  function and subscribes every channel; the owner's ``on_connected`` runs
  once it is listening.
- When the server side goes away, ``on_lost`` runs at once (the owner stops
  trusting what it heard), ``losses`` counts it, and unless the owner is closing
  a task reconnects with back-off (50 ms, doubling up to ``max_delay``),
  logging each failed attempt; ``on_reconnected`` runs once it listens again.
- :meth:`~ListeningConnection.close` stops reconnecting and closes the
  connection; :meth:`~ListeningConnection.stop_reconnecting` is its first half,
  for an owner with work to finish before the connection goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

__all__ = ["ListeningConnection"]

#: The first pause after a failed reconnect; it doubles up to ``max_delay``.
_FIRST_DELAY: Final = 0.05


def _nothing() -> None:
    """The default ``on_connected`` / ``on_lost``: nothing to do."""


async def _nothing_async() -> None:
    """The default ``on_reconnected``: nothing to do."""


class ListeningConnection:
    """One LISTEN connection with reconnect; see the module docstring.

    ``connect`` opens a new asyncpg connection (with the owner's settings and
    timeout); ``channels`` maps each channel to listen on to a callback taking
    the notification's payload; ``retry_on`` is what a failed reconnect attempt
    may raise (anything else ends the reconnect task). Log lines go to ``log``
    and start with ``name`` (``"config: listener"``); the reconnect task is
    named ``task_name``.
    """

    def __init__(
        self,
        *,
        connect: Callable[[], Awaitable[Any]],
        channels: Mapping[str, Callable[[str], None]],
        retry_on: tuple[type[BaseException], ...],
        log: logging.Logger,
        name: str,
        task_name: str,
        max_delay: float,
        on_connected: Callable[[], None] = _nothing,
        on_lost: Callable[[], None] = _nothing,
        on_reconnected: Callable[[], Awaitable[None]] = _nothing_async,
    ) -> None:
        self._open = connect
        self._channels = dict(channels)
        self._retry_on = retry_on
        self._log = log
        self._name = name
        self._task_name = task_name
        self._max_delay = max_delay
        self._on_connected = on_connected
        self._on_lost_hook = on_lost
        self._on_reconnected = on_reconnected
        self._conn: Any = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closing = False
        #: Times the connection was lost (and notifications may have been missed).
        self.losses = 0

    @property
    def connection(self) -> Any:
        """The listening asyncpg connection; None while lost or closed."""
        return self._conn

    @property
    def closing(self) -> bool:
        """True once :meth:`close` (or :meth:`stop_reconnecting`) was called."""
        return self._closing

    @property
    def backend_pid(self) -> int | None:
        """The server process id of the listening connection (for tests and logs)."""
        return None if self._conn is None else int(self._conn.get_server_pid())

    async def connect(self) -> None:
        """Connect and listen on every channel; raises when that fails."""
        conn = await self._open()
        try:
            for channel, callback in self._channels.items():
                await conn.add_listener(channel, _payload_only(callback))
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(self._on_terminated)
        self._conn = conn
        self._on_connected()

    def _on_terminated(self, conn: Any) -> None:
        if conn is not self._conn:
            return  # an older connection, or the one close() is closing
        self._conn = None
        self.losses += 1
        self._on_lost_hook()
        if not self._closing:
            self._log.warning("%s connection lost; reconnecting", self._name)
            self._reconnecting = asyncio.get_running_loop().create_task(
                self._reconnect(), name=self._task_name
            )

    async def _reconnect(self) -> None:
        delay = _FIRST_DELAY
        while not self._closing:
            try:
                await self.connect()
            except self._retry_on as exc:
                self._log.warning(
                    "%s reconnect failed (%s); retrying in %.2fs", self._name, exc, delay
                )
                await asyncio.sleep(delay)  # back-off between reconnect attempts
                delay = min(delay * 2, self._max_delay)
                continue
            await self._on_reconnected()
            return

    async def stop_reconnecting(self) -> None:
        """Mark the connection as closing and end any reconnect in progress."""
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting

    async def close(self) -> None:
        """Stop reconnecting and close the connection (errors closing it propagate)."""
        await self.stop_reconnecting()
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()


def _payload_only(callback: Callable[[str], None]) -> Callable[[Any, int, str, str], None]:
    """Adapt a payload callback to asyncpg's ``(conn, pid, channel, payload)`` listener."""

    def listener(conn: Any, pid: int, channel: str, payload: str) -> None:
        callback(payload)

    return listener
