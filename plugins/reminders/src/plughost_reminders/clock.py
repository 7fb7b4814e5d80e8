"""The time reminders are measured against: the real one, or one a test moves by hand.

The cog reads the time and waits for it only through its clock
(``Reminders.clock``), so a test can replace it before loading the cog and make
reminders come due at once, without waiting::

    clock = ManualClock()
    monkeypatch.setattr(Reminders, "clock", clock)
    ...
    clock.advance(minutes=10)  # every reminder due by then goes off now
"""

from __future__ import annotations

import asyncio
import datetime
import time
from typing import Protocol, final

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """What the scheduler needs of time: the current time, and a wait until a time."""

    def now(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...

    async def sleep_until(self, when: float) -> None:
        """Return once ``now() >= when`` (at once if it already is)."""
        ...


@final
class SystemClock:
    """The wall clock: ``time.time()`` and ``asyncio.sleep``."""

    def now(self) -> float:
        return time.time()

    async def sleep_until(self, when: float) -> None:
        # Sleep in slices: a long asyncio.sleep is measured on the monotonic clock,
        # and the wall clock may be set while the bot runs (NTP, suspend).
        while (left := when - time.time()) > 0:  # noqa: ASYNC110 - polls the wall clock
            await asyncio.sleep(min(left, 3600.0))


@final
class ManualClock:
    """A clock that moves only when told to (for tests).

    ``advance()`` wakes every waiter whose time has come, at once; nothing
    sleeps on real time.
    """

    def __init__(self, start: float = 1_900_000_000.0) -> None:
        self._now = start
        self._waiters: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    async def sleep_until(self, when: float) -> None:
        if when <= self._now:
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (when, waiter)
        self._waiters.append(entry)
        try:
            await waiter
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)

    def advance(self, delta: datetime.timedelta | None = None, **parts: float) -> float:
        """Move time forward by ``delta`` (or ``timedelta(**parts)``); return the new time."""
        step = delta if delta is not None else datetime.timedelta(**parts)
        if step.total_seconds() < 0:
            raise ValueError("a clock does not go back")
        self._now += step.total_seconds()
        for when, waiter in list(self._waiters):
            if when <= self._now and not waiter.done():
                waiter.set_result(None)
        return self._now

    @property
    def sleepers(self) -> int:
        """How many waits are pending (each scheduled reminder is one)."""
        return sum(1 for _, waiter in self._waiters if not waiter.done())
