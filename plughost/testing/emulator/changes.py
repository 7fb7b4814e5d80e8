"""Wake waiters when the emulator's state changes: waiting is event-driven, never polled."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

__all__ = ["ChangeFeed"]

T = TypeVar("T")


class ChangeFeed:
    """A wake-up signal fed by every state change (REST handler, gateway, user action).

    ``notify`` is synchronous so that plain methods (``FakeDiscord.member``) can call it;
    waiters re-check their predicate on each wake-up.
    """

    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, predicate: Callable[[], T | None], seconds: float) -> T:
        """Return the first truthy value of ``predicate``; raise TimeoutError after ``seconds``."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(seconds):
            while True:
                if result := predicate():
                    return result
                waiter: asyncio.Future[None] = loop.create_future()
                self._waiters.add(waiter)
                try:
                    await waiter
                finally:
                    self._waiters.discard(waiter)
