"""Calling a user-data hook on every registered cog, and sorting out who did what."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, final

from plughost.hooks.caller import AsyncHookCaller, HookOutcome
from plughost.userdata.results import CogFailure, failure_of

__all__ = ["DEFAULT_HOOK_TIMEOUT", "FanOut", "check_timeout", "fan_out"]

#: Seconds each cog's hook may take. Generous: a deletion may have to walk a
#: cog's own tables; a cog that takes longer is cancelled and reported.
DEFAULT_HOOK_TIMEOUT: Final = 30.0


def check_timeout(timeout: object) -> float | None:
    """A per-cog timeout: a positive number of seconds, or None for no limit."""
    if timeout is None:
        return None
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ValueError(f"timeout must be a positive number of seconds or None, not {timeout!r}")
    return float(timeout)


@final
@dataclass(frozen=True, slots=True)
class FanOut:
    """A hook called on every cog: the successful outcomes, the failures, and who has no impl."""

    succeeded: tuple[HookOutcome[Any], ...]
    failed: tuple[CogFailure, ...]
    without_hook: tuple[str, ...]


async def fan_out(
    caller: AsyncHookCaller, hook: str, impl_timeout: float | None, **kwargs: Any
) -> FanOut:
    """Call ``hook`` on every cog, each in its own error boundary, under ``impl_timeout``."""
    outcomes = await caller.call(hook, impl_timeout=impl_timeout, **kwargs)
    called = {outcome.plugin_name for outcome in outcomes}
    registered = [
        name
        for name, plugin in caller.plugin_manager.list_name_plugin()
        if plugin is not None  # None: a blocked name, not a cog
    ]
    return FanOut(
        succeeded=tuple(o for o in outcomes if o.ok),
        failed=tuple(failure_of(o) for o in outcomes if not o.ok),
        without_hook=tuple(sorted(name for name in registered if name not in called)),
    )
