"""The per-guild enablement gate, put in front of every command and listener of a cog.

A cog disabled in a guild must run nothing there: not its prefixed, slash or hybrid
commands, context menus, components, autocompletes, nor its listeners for that
guild's events. Commands get :func:`enablement_check` as their first check (so
interactions.py's own dispatch refuses them); listeners get their callback wrapped
by :func:`gated_listener`. Both ask the bot's :class:`~plughost.cogs.enablement.Enablement`
(an in-memory lookup: no store access on the hot path).

A bot without a cog manager (a bare ``interactions.Client`` in a unit test) has no
enablement, and everything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = [
    "EnablementCheck",
    "enablement_check",
    "event_guild_id",
    "gated_autocomplete",
    "gated_listener",
]

# Where interactions.py events keep the guild, tried in order: most events carry
# ``guild_id``; message, member, channel and interaction events carry an object that does.
_CARRIERS: Final = ("message", "member", "channel", "ctx", "role", "thread", "guild", "after")


def event_guild_id(event: object) -> int | None:
    """The id of the guild ``event`` happened in, or None (a DM, or not a guild event)."""
    guild_id = getattr(event, "guild_id", None)
    if guild_id:
        return int(guild_id)
    for name in _CARRIERS:
        carrier = getattr(event, name, None)
        if carrier is None:
            continue
        if name == "guild":
            return int(carrier.id) if getattr(carrier, "id", None) else None
        found = getattr(carrier, "guild_id", None) or getattr(carrier, "_guild_id", None)
        if found:
            return int(found)
    return None


def _enabled(cog: Cog, guild_id: int | None) -> bool:
    if guild_id is None:
        return True  # DMs and global events belong to no guild's choice
    manager = getattr(cog.bot, "cogs", None)
    if manager is None:
        return True
    enabled: bool = manager.enablement.is_enabled(cog.name, int(guild_id))
    return enabled


class EnablementCheck:
    """A command check: is the command's cog enabled in the invoking guild?

    A class rather than a closure so that the error boundary can recognise it in a
    ``CommandCheckFailure`` and answer "disabled here" (or nothing) instead of
    "you are not allowed".
    """

    __slots__ = ("cog",)

    def __init__(self, cog: Cog) -> None:
        self.cog = cog

    async def __call__(self, ctx: Any) -> bool:
        # On a plughost bot the permission chain decides, enablement being one of
        # its links: the gate hands over to it, so the chain runs once, first.
        chain_check = getattr(self.cog.bot, "chain_check", None)
        if chain_check is not None:
            allowed: bool = await chain_check(ctx, cog_name=self.cog.name)
            return allowed
        return _enabled(self.cog, getattr(ctx, "guild_id", None))


def enablement_check(cog: Cog) -> EnablementCheck:
    return EnablementCheck(cog)


def gated_autocomplete(
    callback: Callable[..., Coroutine[Any, Any, Any]], cog: Cog
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """Wrap an autocomplete callback so the gate decides it first (interactions.py
    runs autocompletes without their command's checks). A refused member gets no
    suggestions."""
    if getattr(callback, "_plughost_gated", False):
        return callback  # subcommands are bound twice over: gate once

    async def gated(*args: Any, **kwargs: Any) -> Any:
        # (ctx) or (binding, ctx): the context is the argument with a focussed option.
        ctx = next((a for a in args if hasattr(a, "focussed_option")), None)
        if ctx is not None and not await EnablementCheck(cog)(ctx):
            return await ctx.send([])
        return await callback(*args, **kwargs)

    gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
    gated._plughost_gated = True  # type: ignore[attr-defined]
    return gated


def gated_listener(
    callback: Callable[..., Coroutine[Any, Any, Any]], cog: Cog
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """Wrap a listener callback so it skips events of guilds where ``cog`` is disabled."""

    async def gated(*args: Any, **kwargs: Any) -> Any:
        # interactions.py calls (binding, event) or (binding,) for event-less listeners.
        event = args[-1] if len(args) > 1 else None
        if event is not None and not _enabled(cog, event_guild_id(event)):
            return None
        return await callback(*args, **kwargs)

    gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
    return gated
