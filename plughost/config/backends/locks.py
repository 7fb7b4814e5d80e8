"""In-process locks: Red's per-value locks, and the per-document guard of ``async with``.

Red gives each value path its own ``asyncio.Lock`` (``get_lock()``), so two
``async with`` blocks on different paths of one document (``.all()`` and
``.balance()``) can still lose each other's update. plughost adds a guard per
document around every read-modify-write. The guard is re-entrant for the task
that holds it, so nesting ``async with`` on one document in one task does not
deadlock (the inner write is then overwritten by the outer one, as in Red).
"""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["DocumentGuards"]


class _Holder:
    __slots__ = ("depth", "owner", "waiters")

    def __init__(self, owner: asyncio.Task[object] | None) -> None:
        self.owner = owner
        self.depth = 1
        self.waiters: deque[tuple[asyncio.Task[object] | None, asyncio.Future[None]]] = deque()


class DocumentGuards:
    """Task-re-entrant mutual exclusion keyed by document key."""

    __slots__ = ("_held",)

    def __init__(self) -> None:
        self._held: dict[str, _Holder] = {}

    def held(self, key: str) -> bool:
        return key in self._held

    async def acquire(self, key: str) -> bool:
        """Wait for ``key``; True when this is the outermost hold of this task."""
        task = asyncio.current_task()
        holder = self._held.get(key)
        if holder is None:
            self._held[key] = _Holder(task)
            return True
        if holder.owner is task:
            holder.depth += 1
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        holder.waiters.append((task, waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Ownership was handed to us just as we were cancelled: pass it on.
                self.release(key)
            else:
                holder.waiters.remove((task, waiter))
            raise
        return True

    def detach(self, key: str) -> None:
        """Keep the outermost hold of ``key`` until :meth:`release`, against its own
        task too: what is being released is no longer the task's to re-enter."""
        self._held[key].owner = None

    def release(self, key: str) -> None:
        holder = self._held[key]
        holder.depth -= 1
        if holder.depth:
            return
        while holder.waiters:
            task, waiter = holder.waiters.popleft()
            if not waiter.done():
                holder.owner = task
                holder.depth = 1
                waiter.set_result(None)
                return
        del self._held[key]
