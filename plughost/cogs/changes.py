"""Cog changes other processes must hear of, and the mark on changes they made.

A :class:`~plughost.cogs.manager.CogManager` tells its ``announcer`` of each change
it makes (a cog loaded, unloaded, reloaded, installed, enabled or disabled in a
guild). A process on its own has none; ``plughost.cluster`` sets one per bot, and
applies another process's change through the same manager methods inside
:func:`applying_remote`: while it runs, :func:`is_remote` is true, so those methods
neither announce the change again nor store what the announcing process stored.

A context variable rather than a flag on the manager: the mark belongs to the task
applying the change, not to the manager, which may be serving a local command at
the same moment.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

__all__ = ["Announcer", "applying_remote", "is_remote"]

#: ``(kind, data)``: tells the other processes (and this process's other shards).
Announcer = Callable[[str, dict[str, Any]], Awaitable[None]]

_remote: contextvars.ContextVar[bool] = contextvars.ContextVar("plughost_remote", default=False)


def is_remote() -> bool:
    """True while a change made by another process (or shard) is being applied."""
    return _remote.get()


@contextlib.contextmanager
def applying_remote() -> Iterator[None]:
    """Mark the code in the block as applying another process's change."""
    token = _remote.set(True)
    try:
        yield
    finally:
        _remote.reset(token)
