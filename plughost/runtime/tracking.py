"""Knowing when the bot has finished all the work one gateway event caused.

The offline console and the test kit send a message or an interaction and must
print or return the bot's answers once it is done, without sleeping. On the
wire Discord has no "done" signal, so the bot keeps one itself: every listener
task and event processor started (directly or transitively) on behalf of a
tracked event is counted, and the event is settled when the count falls back
to zero.

interactions.py starts an event's processor task and its listener tasks as
siblings from the gateway's dispatch task, so the count is attached in two
places: when the processor's coroutine is *created* (synchronously, before any
listener task exists) and, through a context variable, whenever
``Client._queue_task`` starts a listener while a tracked event is being
handled. Tasks a command spawns itself with ``asyncio.create_task`` are not
counted: a command that starts background work is done when its handler is.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final

__all__ = ["TRACKED_EVENTS", "EventTracker", "TrackedWork"]

#: Raw gateway events whose handling is tracked, by interactions.py's event name.
TRACKED_EVENTS: Final = frozenset({"raw_message_create", "raw_interaction_create"})

# Finished events remembered so that a late `settled()` call returns at once;
# bounded because a long console session produces events forever.
_REMEMBERED_FINISHED: Final = 1024


class TrackedWork:
    """The in-flight work of one gateway event."""

    __slots__ = ("_finished", "pending", "seen")

    def __init__(self) -> None:
        self.pending = 0
        self.seen = False
        self._finished = asyncio.get_running_loop().create_future()

    def start(self) -> None:
        self.seen = True
        self.pending += 1

    def stop(self, _task: object = None) -> None:
        self.pending -= 1
        if self.pending == 0 and not self._finished.done():
            self._finished.set_result(None)

    @property
    def finished(self) -> bool:
        return self._finished.done()

    async def wait(self) -> None:
        await asyncio.shield(self._finished)


_current: contextvars.ContextVar[TrackedWork | None] = contextvars.ContextVar(
    "plughost_tracked_work", default=None
)


class EventTracker:
    """Counts the work caused by tracked gateway events, keyed by the event's id."""

    __slots__ = ("_works",)

    def __init__(self) -> None:
        self._works: OrderedDict[int, TrackedWork] = OrderedDict()

    def _work(self, event_id: int) -> TrackedWork:
        work = self._works.get(event_id)
        if work is None:
            work = self._works[event_id] = TrackedWork()
            self._forget_old()
        return work

    def _forget_old(self) -> None:
        while len(self._works) > _REMEMBERED_FINISHED:
            oldest_id, oldest = next(iter(self._works.items()))
            if not oldest.finished:
                return
            del self._works[oldest_id]

    def wrap_processor(
        self, processor: Callable[[Any], Coroutine[Any, Any, None]]
    ) -> Callable[[Any], Coroutine[Any, Any, None]]:
        """Wrap an event processor so that the coroutine it makes is counted at creation."""

        def tracked(event: Any) -> Coroutine[Any, Any, None]:
            work = self._work(int(event.data["id"]))
            work.start()
            return self._run(work, processor(event))

        return tracked

    @staticmethod
    async def _run(work: TrackedWork, coro: Awaitable[None]) -> None:
        token = _current.set(work)
        try:
            await coro
        finally:
            _current.reset(token)
            work.stop()

    def enter_dispatch(self, event_id: int) -> contextvars.Token[TrackedWork | None] | None:
        """Make listener tasks started from here on count towards ``event_id``."""
        if _current.get() is not None:
            return None
        work = self._work(event_id)
        # The processor has normally started the work already; holding one more
        # count while dispatching keeps it open until every listener is queued.
        work.start()
        return _current.set(work)

    @staticmethod
    def exit_dispatch(token: contextvars.Token[TrackedWork | None] | None) -> None:
        if token is None:
            return
        work = token.var.get()
        _current.reset(token)
        if work is not None:
            work.stop()

    @staticmethod
    def adopt(task: asyncio.Task[Any] | None) -> None:
        """Count ``task`` towards the event being handled in this context, if any."""
        work = _current.get()
        if work is None or task is None:
            return
        work.pending += 1
        task.add_done_callback(work.stop)

    async def settled(self, event_id: int) -> None:
        """Return once the bot has seen event ``event_id`` and finished all work it caused."""
        work = self._work(event_id)
        await work.wait()
