"""The time a bot keeps Discord's deadlines by: the event loop's, or a test's clock."""

from __future__ import annotations

import asyncio
from typing import Protocol, final, runtime_checkable

__all__ = ["Clock", "LoopClock"]


@runtime_checkable
class Clock(Protocol):
    """Seconds on a monotonic scale, and a sleep measured on the same scale.

    The bot's automatic deferral waits on it; the local Discord's interaction
    deadlines are measured on it. A test gives both the same clock and advances it,
    so a deadline is crossed without the test sleeping.
    """

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


@final
class LoopClock:
    """Real time: the running event loop's clock."""

    __slots__ = ()

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
