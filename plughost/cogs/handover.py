"""Reload that keeps state: the old instance hands what it holds to the new one.

During :meth:`~plughost.cogs.manager.CogManager.reload`, once the new instance's
``cog_load`` has returned and while the old one still serves, plughost calls
``cog_handover()`` on the old instance and passes what it returns to
``cog_takeover(state)`` on the new one; then the old instance's ``cog_unload``
runs and the two are swapped in one synchronous step. A failure on either side
abandons the reload: the new instance is unloaded again and the old one keeps
serving, as with any other failed reload.

The state is handed over by reference, not copied: caches, sessions and
schedules stay the same objects, so whatever the old instance still does with
them before the swap (commands it is answering) the new one sees.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from plughost.hooks.caller import AsyncHookCaller, new_plugin_manager, register_plugin

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = ["HandoverError", "discard", "hand_over"]

log = logging.getLogger("plughost.cogs")


class HandoverError(Exception):
    """``cog_handover`` or ``cog_takeover`` failed; the message says which and why."""


def _alone(cog: Cog, name: str) -> AsyncHookCaller:
    # The new instance is not in the live plugin manager yet: call it on its own.
    staging = new_plugin_manager()
    register_plugin(staging, cog, name)
    return AsyncHookCaller(staging, logger=log)


async def hand_over(live: AsyncHookCaller, name: str, new: Cog, impl_timeout: float) -> bool:
    """Move the old instance's state (in ``live``) to ``new``; whether there was any."""
    given = await live.call_plugin(name, "cog_handover", impl_timeout=impl_timeout)
    if given is None:
        return False  # the old code hands nothing over; the new one starts empty
    if given.error is not None:
        raise HandoverError(f"cog_handover raised {type(given.error).__name__}: {given.error}")
    taken = await _alone(new, name).call_plugin(
        name, "cog_takeover", impl_timeout=impl_timeout, state=given.value
    )
    if taken is not None and taken.error is not None:
        raise HandoverError(f"cog_takeover raised {type(taken.error).__name__}: {taken.error}")
    return True


async def discard(new: Cog, name: str, impl_timeout: float) -> None:
    """Unload a new instance that was loaded but will not serve."""
    await _alone(new, name).call_plugin(name, "cog_unload", impl_timeout=impl_timeout)
