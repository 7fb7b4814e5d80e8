"""Red's ``get_lock()`` locks, held across processes where the store is shared.

Red hands out one ``asyncio.Lock`` per value path, which protects a
read-then-write (``x = await v(); await v.set(x + 1)``) among the tasks of one
process. Several shard processes on one PostgreSQL database each have their own
``asyncio.Lock``, so the pattern lost updates there (316 of 1,000 increments kept
with 4 processes).

:class:`ValueLock` is still an ``asyncio.Lock`` (``locked()``, ``acquire()``,
``release()`` and ``async with`` behave as Red's), and on a store shared by
processes it also takes a PostgreSQL advisory lock named after the value's path
for as long as it is held. What each lock guarantees:

* **SQLite** (one process): exactly Red's: mutual exclusion among this process's
  tasks that take the same path's lock.
* **PostgreSQL**: mutual exclusion among every task of every process that takes
  the same path's lock (same cog, identifier, scope, primary keys and attribute
  path). Taking it waits at most :data:`LOCK_TIMEOUT` seconds, then raises
  :class:`~plughost.config.errors.ConfigLockTimeoutError`. If the process's
  connection to PostgreSQL drops while the lock is held, PostgreSQL releases it
  and another process may take it: the holder is not interrupted, and a warning
  is logged when it releases.

As in Red, the lock covers only code that takes it: a write that does not take
the lock is not held back. A lock on a group's path does not lock the values
under it, and ``async with value() as v`` keeps its own per-document guard (no
``get_lock()`` needed for it).
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Final, Literal

from plughost.config.backends.store import ConfigStore
from plughost.config.connection import current_store
from plughost.config.errors import ConfigLockTimeoutError

__all__ = ["LOCK_TIMEOUT", "ValueLock"]

_log = logging.getLogger("plughost.config")

#: Seconds a `get_lock()` waits for another process before giving up.
LOCK_TIMEOUT: Final = 30.0


class ValueLock(asyncio.Lock):
    """The lock of one value path: in-process first, then across processes."""

    def __init__(self, name: str, *, timeout: float = LOCK_TIMEOUT) -> None:
        super().__init__()
        #: What the lock is named after (the value's path), for messages and the lock id.
        self.name = name
        self.timeout = timeout
        self._remote: tuple[ConfigStore, int] | None = None

    async def acquire(self) -> Literal[True]:
        await super().acquire()
        try:
            store = current_store()
            if store.shares_locks:
                try:
                    async with asyncio.timeout(self.timeout):
                        generation = await store.lock_name(self.name)
                except TimeoutError:
                    raise ConfigLockTimeoutError(self.name, self.timeout) from None
                self._remote = (store, generation)
        except BaseException:
            super().release()
            raise
        return True

    async def acquire_here(self) -> None:
        """Take only this process's part: for a caller that takes the
        cross-process part with other locks in one call (``async with value()``)."""
        await super().acquire()

    def release(self) -> None:
        remote, self._remote = self._remote, None
        super().release()
        if remote is not None:
            # release() is synchronous in asyncio.Lock's API: the unlock is sent
            # right after (with this process's next lock call, if one comes
            # first). Advisory locks count per session, so a task of this
            # process that takes the lock again meanwhile keeps it held.
            store, generation = remote
            if not store.unlock_name_soon(self.name, generation):
                self._warn_lost()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # `async with`: unlock before the block's caller goes on, not in the background.
        remote, self._remote = self._remote, None
        super().release()
        if remote is not None:
            await self._unlock(remote)

    async def _unlock(self, remote: tuple[ConfigStore, int]) -> None:
        store, generation = remote
        if not await store.unlock_name(self.name, generation):
            self._warn_lost()

    def _warn_lost(self) -> None:
        _log.warning(
            "the lock %s was lost while held (the PostgreSQL connection dropped): "
            "another process may have taken it meanwhile",
            self.name,
        )
