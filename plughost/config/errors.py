"""Exceptions raised by the config store."""

from __future__ import annotations

__all__ = [
    "ConfigLockLostError",
    "ConfigLockTimeoutError",
    "StoreClosedError",
    "StoreLockedError",
    "StoreNotOpenError",
    "StoreUnavailableError",
]


class StoreNotOpenError(RuntimeError):
    """No config store is open: Config was used outside every ``connect()`` block.

    Code that works without a store (a bare ``Bot`` in a unit test keeps its
    state in memory) catches this, and only this. A RuntimeError, as it was
    before it had a type of its own.
    """


class StoreClosedError(StoreNotOpenError):
    """The store was used after ``connect()``'s block ended (or while it was ending).

    A kind of :class:`StoreNotOpenError`: the store that was in use is not open
    any more, so code that works without a store carries on without it.
    """


class StoreLockedError(RuntimeError):
    """Another process has this SQLite instance open.

    SQLite allows one writer process; plughost refuses a second one up front
    instead of letting it fail later with "database is locked".
    """

    def __init__(self, path: str, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"pid {pid}" if pid else "a process whose pid is unknown"
        super().__init__(
            f"{path} is in use by another plughost process ({holder}); "
            "stop it first, or use PostgreSQL to run several processes"
        )


class ConfigLockLostError(RuntimeError):
    """The cross-process lock of an ``async with`` block was lost while it ran.

    The PostgreSQL connection holding the lock dropped, so another process may
    have changed the document meanwhile; the block's changes were not written.
    """


class ConfigLockTimeoutError(TimeoutError):
    """A ``get_lock()`` lock stayed held by another process for too long."""

    def __init__(self, name: str, timeout: float) -> None:
        self.name = name
        super().__init__(
            f"could not take the lock {name} within {timeout:g} s: "
            "another process has held it all that time"
        )


class StoreUnavailableError(RuntimeError):
    """The store cannot be opened: a missing folder, a file that is not a database, ..."""
