"""The seam between the cog and permission layers and the cluster machinery.

Local changes are announced with :func:`announce`; in a process without a
cluster coordinator (an SQLite instance, a test's bare bot) nothing is
installed and it does nothing. A cluster event is applied by calling the same
methods a local command calls (``CogManager.load``, ``PermissionStore.load``,
...) inside :func:`applying_remote`: while it runs, :func:`is_remote` is true, so
those methods neither announce the change again nor write state that the
process which made the change has already stored.

:func:`serves_global_commands` says whether a bot pushes the application's
global commands: the cluster leader's first bot when a coordinator runs, else
shard 0 (the single-process rule).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

__all__ = [
    "Announcer",
    "announce",
    "applying_remote",
    "install",
    "is_remote",
    "serves_global_commands",
]

#: ``(kind, data, source)``: source is the bot (or permission store) that made the change.
Announcer = Callable[[str, dict[str, Any], object], Awaitable[None]]
#: Whether a bot pushes global commands.
GlobalOwner = Callable[[Any], bool]

_remote: contextvars.ContextVar[bool] = contextvars.ContextVar("plughost_remote", default=False)
_installed: dict[str, Any] = {}


def is_remote() -> bool:
    """True while a change announced by another process (or shard) is being applied."""
    return _remote.get()


@contextlib.contextmanager
def applying_remote() -> Iterator[None]:
    """Mark the code in the block as applying another process's change."""
    token = _remote.set(True)
    try:
        yield
    finally:
        _remote.reset(token)


def install(announcer: Announcer | None, global_owner: GlobalOwner | None) -> None:
    """Set (or, with Nones, remove) this process's announcer and global-command owner."""
    _installed["announcer"] = announcer
    _installed["global_owner"] = global_owner


async def announce(kind: str, data: dict[str, Any], source: object) -> None:
    """Tell the other processes (and this process's other shards) about a local change."""
    announcer: Announcer | None = _installed.get("announcer")
    if announcer is not None and not is_remote():
        await announcer(kind, data, source)


def serves_global_commands(bot: Any) -> bool:
    """Whether ``bot`` pushes the application's global commands to Discord."""
    owner: GlobalOwner | None = _installed.get("global_owner")
    if owner is not None:
        return owner(bot)
    return int(getattr(bot, "shard_id", 0) or 0) == 0
