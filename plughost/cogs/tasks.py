"""Background tasks a cog starts with ``self.create_task``: cancelled and awaited on unload.

Issue 14 (item 6): tasks a cog created with ``asyncio.create_task`` and forgot kept
running after the cog was unloaded (5 of 5 alive), holding the old instance and
its code. :class:`CogTasks` keeps the tasks a cog starts through
:meth:`plughost.Cog.create_task`; the cog manager cancels every one of them and
waits for them to finish (their ``finally`` blocks run) before an unload or a
reload completes. A task's exception goes to the cog's error log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final, TypeVar, final

from interactions.models.internal.tasks import Task

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = ["STOP_TIMEOUT", "CogTasks", "stop_tasks"]

log = logging.getLogger("plughost.cogs")

_T = TypeVar("_T")

#: Seconds a cancelled task may take to finish before the unload goes on without it.
STOP_TIMEOUT: Final = 10.0


@final
class CogTasks:
    """The running background tasks of one cog instance."""

    __slots__ = ("_on_error", "_tasks", "closed", "owner")

    def __init__(self, owner: str, on_error: Callable[[str, BaseException], None]) -> None:
        self.owner = owner
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Set when the cog is being unloaded: no new task may start.
        self.closed = False

    def __len__(self) -> int:
        return len(self._tasks)

    @property
    def running(self) -> frozenset[asyncio.Task[Any]]:
        return frozenset(self._tasks)

    def create(self, coro: Coroutine[Any, Any, _T], name: str | None) -> asyncio.Task[_T]:
        if self.closed:
            coro.close()  # never awaited otherwise: no "was never awaited" warning
            raise RuntimeError(f"cog {self.owner!r} is unloading: no new tasks")
        label = f"{self.owner}:{name or getattr(coro, '__qualname__', 'task')}"
        task = asyncio.get_running_loop().create_task(coro, name=label)
        self._tasks.add(task)  # a strong reference: the loop keeps only weak ones
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            self._on_error(f"task {task.get_name()}", error)

    async def stop(self, timeout: float = STOP_TIMEOUT) -> list[str]:  # noqa: ASYNC109
        """Cancel every task and wait for them to end; the names of those that did not."""
        self.closed = True
        tasks = list(self._tasks)
        if not tasks:
            return []
        for task in tasks:
            task.cancel()
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        stuck = sorted(task.get_name() for task in pending)
        if stuck:
            log.warning(
                "cog %r: %d task(s) still running %g s after being cancelled: %s",
                self.owner,
                len(stuck),
                timeout,
                ", ".join(stuck),
            )
        return stuck


async def stop_tasks(cog: Cog) -> None:
    """Stop the interactions.py Tasks of ``cog`` (its per-instance copies), then cancel
    the tasks it started with ``create_task`` and wait for them to end."""
    for value in vars(cog).values():
        if isinstance(value, Task) and value.running:
            value.stop()
    await cog._plughost_tasks.stop()
