"""One asyncio task per pending reminder, owned by the cog and cancelled with it.

A task waits on the cog's clock until its reminder is due, then runs the cog's
``fire`` callback. Rescheduling a reminder (a snooze) replaces its task;
``close()`` cancels the waits, lets deliveries under way finish, and returns
once every task is gone, so that nothing of the cog is left running after
``cog_unload``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from plughost_reminders.clock import Clock

__all__ = ["Scheduler"]

log = logging.getLogger("plughost.cogs.reminders")

#: How long ``close()`` lets a delivery under way finish before cancelling it (seconds).
DELIVERY_GRACE: Final = 5.0

Fire = Callable[[int, int, bool], Awaitable[None]]
"""``fire(owner_id, reminder_id, late)``."""


class Scheduler:
    """Pending reminders as tasks: ``schedule``, ``cancel``, ``close``."""

    def __init__(self, clock: Clock, fire: Fire) -> None:
        self.clock = clock
        self._fire = fire
        self._tasks: dict[int, asyncio.Task[None]] = {}  # waiting, by reminder id
        self._all: set[asyncio.Task[None]] = set()  # waiting or delivering
        self._closed = False

    def __len__(self) -> int:
        """How many reminders are waiting to go off."""
        return len(self._tasks)

    def __contains__(self, reminder_id: object) -> bool:
        return reminder_id in self._tasks

    def schedule(self, owner_id: int, reminder_id: int, due: float, *, late: bool = False) -> None:
        """Run ``fire`` for this reminder once ``due`` (replacing an earlier schedule)."""
        if self._closed:
            raise RuntimeError("the reminder scheduler is closed")
        self.cancel(reminder_id)
        task = asyncio.create_task(
            self._run(owner_id, reminder_id, due, late), name=f"reminder-{reminder_id}"
        )
        self._tasks[reminder_id] = task
        self._all.add(task)
        task.add_done_callback(lambda done: self._forget(reminder_id, done))

    def _forget(self, reminder_id: int, task: asyncio.Task[None]) -> None:
        self._all.discard(task)
        if self._tasks.get(reminder_id) is task:
            del self._tasks[reminder_id]

    async def _run(self, owner_id: int, reminder_id: int, due: float, late: bool) -> None:
        await self.clock.sleep_until(due)
        # Once firing, the task is no longer "pending": a snooze pressed meanwhile
        # schedules a new task instead of cancelling this one halfway through a send.
        self._tasks.pop(reminder_id, None)
        try:
            await self._fire(owner_id, reminder_id, late)
        except Exception:
            log.exception("reminder %s could not be delivered", reminder_id)

    def cancel(self, reminder_id: int) -> bool:
        """Stop waiting for ``reminder_id``; True if it was scheduled."""
        task = self._tasks.pop(reminder_id, None)
        if task is None:
            return False
        task.cancel()
        return True

    async def close(self) -> None:
        """Cancel every wait and let deliveries under way finish (for a few seconds at
        most), so that a shutdown never cuts a post in half; nothing can be scheduled
        after."""
        self._closed = True
        waiting = list(self._tasks.values())
        self._tasks.clear()
        for task in waiting:
            task.cancel()
        delivering = [t for t in self._all if t not in waiting]
        if delivering:
            _, late = await asyncio.wait(delivering, timeout=DELIVERY_GRACE)
            for task in late:
                task.cancel()
        for task in [*waiting, *delivering]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
