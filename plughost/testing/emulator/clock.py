"""A clock that stands still until a test advances it: Discord's deadlines without sleeps."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import final

__all__ = ["ManualClock"]


@final
class ManualClock:
    """Time that moves only by `advance`; sleepers wake when it passes their deadline.

    The local Discord measures the 3-second first-response deadline and the
    15-minute interaction token on it, and the bot under test waits on it before
    deferring, so ``fake_discord.clock.advance(2.6)`` crosses a deadline at once.
    Standing still by default means a slow machine never makes a test late.
    """

    __slots__ = ("_now", "_order", "_sleepers")

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()  # ties wake in the order they slept

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), waiter))
        await waiter

    def advance(self, seconds: float) -> None:
        """Move time on by ``seconds`` and wake every sleeper whose time has come."""
        if seconds < 0:
            raise ValueError("a clock does not go back")
        self._now += seconds
        while self._sleepers and self._sleepers[0][0] <= self._now:
            _, _, waiter = heapq.heappop(self._sleepers)
            if not waiter.done():  # a cancelled sleep
                waiter.set_result(None)
