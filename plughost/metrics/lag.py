"""How late the event loop runs a timer: the lag every coroutine of the process feels.

A task sleeps ``interval`` seconds and measures how much longer it took; the last
lag and the time of the last tick are what the collector and ``/healthz`` read.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Final

__all__ = ["DEFAULT_INTERVAL", "LoopLag"]

#: Seconds between two samples: a stuck loop shows within a scrape interval.
DEFAULT_INTERVAL: Final = 0.5


class LoopLag:
    """Samples the running loop's lag until :meth:`stop`."""

    def __init__(self, interval: float = DEFAULT_INTERVAL) -> None:
        self.interval = interval
        #: Seconds the last timer fired late (0 until the first sample).
        self.lag = 0.0
        #: ``time.monotonic()`` of the last sample.
        self.last_tick = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="plughost-loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(self.interval)
            self.last_tick = time.monotonic()
            self.lag = max(0.0, self.last_tick - before - self.interval)
