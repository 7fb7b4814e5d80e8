"""Automatic deferral: a slash command still silent shortly before Discord's 3-second
deadline is deferred for it, so a cog author who forgot ``ctx.defer()`` still answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, final

import attrs
from interactions import AutoDefer
from interactions.client.errors import HTTPException, InteractionException

from plughost.runtime.clock import Clock, LoopClock

__all__ = ["DEFER_AFTER", "Deferral", "DeferralGate"]

log = logging.getLogger(__name__)

#: Seconds after an interaction arrives when a command that has not answered is
#: deferred: half a second before Discord's 3-second deadline leaves room for the
#: callback's own round trip on a slow link.
DEFER_AFTER = 2.5


class DeferralGate:
    """Mixin for plughost's interaction contexts: the first response and an automatic
    deferral never cross.

    Without it a command answering while the deferral's request is in flight (or the
    other way round) sends a second acknowledgement, which Discord refuses with 40060
    and the member sees an error instead of the answer.
    """

    #: Set while an automatic deferral is in flight; the answer waits for it.
    deferring: asyncio.Event | None = None
    #: True while the command's own answer is in flight; the deferral then stands down.
    answering: bool = False

    async def _send_http_request(self, message_payload: Any, files: Any = None) -> dict[str, Any]:
        if self.deferring is not None:
            await self.deferring.wait()
        self.answering = True
        try:
            sent: dict[str, Any] = await super()._send_http_request(  # type: ignore[misc]
                message_payload, files=files
            )
        finally:
            self.answering = False
        return sent


@final
@attrs.define(eq=False, order=False, hash=False, kw_only=True)
class Deferral(AutoDefer):
    """interactions.py's auto-defer, timed on the bot's `Clock` (which a test advances).

    interactions.py calls it with every slash (and hybrid-by-slash) invocation unless
    the command or its cog carries its own ``AutoDefer``; ``@interactions.auto_defer(
    enabled=False)`` under a command's decorator is the opt-out.
    """

    enabled: bool = attrs.field(repr=False, default=True)
    time_until_defer: float = attrs.field(repr=False, default=DEFER_AFTER)
    clock: Clock = attrs.field(repr=False, factory=LoopClock)
    _pending: set[asyncio.Task[None]] = attrs.field(repr=False, factory=set, init=False)

    async def __call__(self, ctx: Any) -> None:
        # Any: interactions.py types it InteractionContext; the hybrid manager's
        # contexts pass through here too, and both have responded/deferred/defer.
        if not self.enabled:
            return
        task = asyncio.create_task(self._defer_later(ctx), name="plughost-auto-defer")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _defer_later(self, ctx: Any) -> None:
        await self.clock.sleep(self.time_until_defer)
        gate = ctx if isinstance(ctx, DeferralGate) else None
        if ctx.responded or ctx.deferred or (gate is not None and gate.answering):
            return
        if gate is not None:
            gate.deferring = asyncio.Event()
        try:
            # A context without the gate may still answer meanwhile; Discord then
            # refuses one of the two acknowledgements (40060).
            with contextlib.suppress(InteractionException, HTTPException):
                await ctx.defer(ephemeral=self.ephemeral)
                log.debug("deferred %s: silent for %.1fs", ctx.invoke_target, self.time_until_defer)
        finally:
            if gate is not None and gate.deferring is not None:
                gate.deferring.set()
                gate.deferring = None

    def cancel(self) -> None:
        """Forget every waiting deferral (the bot is stopping)."""
        for task in self._pending:
            task.cancel()
        self._pending.clear()
