"""Cooldowns that a bad argument does not use up.

interactions.py takes a command's cooldown token in its checks, before it converts
the arguments: ``!settings toggle`` with its argument missing answered with the
usage line, and the corrected command then got "on cooldown; try again in 30 s".
plughost defers the token: the checks only ask whether the bucket is spent, and
the token is taken when the callback starts, once every argument converted. A
`BadArgument` the callback raises itself (a cog refusing a value, Red's way) gives
the token back.

Each command with an ``@cooldown`` gets this when it is added to the bot
(`defer_cooldown`, from the prefixed manager and the bot's add-command hook).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import interactions
from interactions.client.errors import BadArgument, CommandOnCooldown
from interactions.models.internal.cooldowns import (
    Cooldown,
    CooldownSystem,
    SlidingWindowSystem,
    TokenBucketSystem,
)

__all__ = ["DeferredCooldown", "defer_cooldown", "refund"]

_log = logging.getLogger("plughost.commands")


class DeferredCooldown(Cooldown):
    """An interactions.py `Cooldown` whose check takes no token (see the module)."""

    __slots__ = ()  # same layout as Cooldown, so an existing one can become one

    async def acquire_token(self, context: Any) -> bool:
        """Called by upstream's checks: True unless the bucket is already spent."""
        system = await self.get_cooldown(context)
        return not system.on_cooldown()


def refund(system: Any) -> None:
    """Give one token back to a cooldown bucket (the use that turned out bad)."""
    if isinstance(system, SlidingWindowSystem):
        if system.timestamps:
            system.timestamps.pop()  # the newest use is the one being undone
    elif isinstance(system, CooldownSystem):
        most = system.burst_rate if isinstance(system, TokenBucketSystem) else system.rate
        system._tokens = min(system._tokens + 1, most)
    else:  # a cog's own system: no way to know how to undo a use
        _log.debug("cannot refund a use of %r", system)


def _context_of(args: tuple[Any, ...]) -> Any:
    # (ctx, ...) or (cog, ctx, ...), depending on how the callback was bound.
    return next(a for a in args if isinstance(a, interactions.BaseContext))


def _taking_the_token(command: Any, callback: Callable[..., Any]) -> Callable[..., Any]:
    if isinstance(callback, functools.partial):  # keep a cog's binding (see arguments.py)
        inner = _taking_the_token(command, callback.func)
        return type(callback)(inner, *callback.args, **callback.keywords)
    if getattr(callback, "_plughost_takes_token", False):
        return callback

    @functools.wraps(callback)
    async def call(*args: Any, **kwargs: Any) -> Any:
        # The command's cooldown now (not at wrap time): a reload builds new objects.
        system = await command.cooldown.get_cooldown(_context_of(args))
        if not system.acquire_token():
            raise CommandOnCooldown(command, system)
        try:
            return await callback(*args, **kwargs)
        except BadArgument:
            refund(system)
            raise

    call._plughost_takes_token = True  # type: ignore[attr-defined]
    return call


def defer_cooldown(command: Any) -> None:
    """Make ``command`` (and its subcommands) take its cooldown token only once its
    arguments converted; idempotent. Commands without ``@cooldown`` are left alone."""
    cooldown = getattr(command, "cooldown", None)
    if isinstance(cooldown, Cooldown) and getattr(command, "callback", None) is not None:
        if type(cooldown) is Cooldown:
            cooldown.__class__ = DeferredCooldown  # shared with a hybrid command's twin
        if isinstance(cooldown, DeferredCooldown):
            command.callback = _taking_the_token(command, command.callback)
    subcommands = getattr(command, "subcommands", None) or {}
    for sub in {id(s): s for s in subcommands.values()}.values():
        defer_cooldown(sub)
