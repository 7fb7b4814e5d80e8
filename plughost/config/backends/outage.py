"""A store outage: the driver's connection errors as one exception, and two log lines.

When the database goes away under a running bot (a PostgreSQL connection reset
or refused, an SQLite file that became read-only or whose disk filled up), each
backend turns its driver's error into :class:`~plughost.config.errors.StoreOutageError`
through its `OutageMonitor`, so that the bot's error boundary can answer every
such failure with one short reply. The owner gets one WARNING when the outage
starts and one when the store answers again (with how long it lasted and how
many operations were refused), not an ERROR per command: during a 6 s cut the
bot used to log 14 tracebacks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from types import TracebackType
from typing import Final, Literal

from plughost.config.errors import StoreOutageError, describe

__all__ = ["OutageMonitor", "QuietDuringOutage"]

log: Final = logging.getLogger("plughost.config")


class OutageMonitor:
    """Whether a store is reachable, as its last operation found.

    ``with monitor:`` around an operation turns a connection error (as
    ``is_outage`` decides) into `StoreOutageError`, and notes a success;
    ``with monitor.translating:`` only translates, for operations whose success
    proves nothing (an SQLite read works on a file that takes no writes).
    """

    __slots__ = ("_since", "down", "is_outage", "location", "refused", "translating")

    def __init__(self, location: str, is_outage: Callable[[BaseException], bool]) -> None:
        self.location = location
        self.is_outage = is_outage
        #: True from the first refused operation until one succeeds again.
        self.down = False
        #: Operations refused in the current outage.
        self.refused = 0
        self._since = 0.0
        self.translating = _Translating(self)

    def refuse(self, error: BaseException) -> StoreOutageError:
        """Note that an operation failed because of ``error``; the exception to raise."""
        if not self.down:
            self.down = True
            self.refused = 0
            self._since = time.monotonic()
            log.warning(
                "config store %s is unavailable (%s); commands that need it answer "
                "'storage is unavailable' until it is back",
                self.location,
                describe(error),
            )
        self.refused += 1
        outage = StoreOutageError(self.location, error)
        outage.__cause__ = error
        return outage

    def translate(self, error: BaseException) -> BaseException:
        """``error`` itself, or the `StoreOutageError` it stands for."""
        return self.refuse(error) if self.is_outage(error) else error

    def recovered(self) -> None:
        """Note that the store answered; ends an outage (one log line)."""
        if self.down:
            self.down = False
            log.warning(
                "config store %s is available again after %.1f s (%d operations refused)",
                self.location,
                time.monotonic() - self._since,
                self.refused,
            )

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if exc is None:
            if self.down:
                self.recovered()
        elif self.is_outage(exc):
            raise self.refuse(exc)
        return False


class _Translating:
    """``with monitor.translating:``: a connection error becomes `StoreOutageError`."""

    __slots__ = ("_monitor",)

    def __init__(self, monitor: OutageMonitor) -> None:
        self._monitor = monitor

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if exc is not None and self._monitor.is_outage(exc):
            raise self._monitor.refuse(exc)
        return False


class QuietDuringOutage(logging.Filter):
    """Drops a driver's own per-retry warnings while the monitor's outage line stands.

    asyncpg's pool logs a traceback each time it fails to reconnect its floor of
    connections (1 s, 2 s, 4 s, ... apart); the owner was already told once.
    """

    def __init__(self, monitor: OutageMonitor) -> None:
        super().__init__()
        self.monitor = monitor

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.monitor.down
