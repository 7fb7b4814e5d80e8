"""The gate put in front of every command, autocomplete and listener of a cog.

On a plughost bot the gate runs the permission chain (``bot.permission_chain``),
of which per-guild enablement is one link, so a cog disabled in a guild runs
nothing there, and lists and rules apply to everything a cog does:

* commands (prefixed, slash, hybrid, context menus, components) get
  :class:`EnablementCheck` as their first check, so interactions.py's own
  dispatch refuses them;
* a command's autocomplete callbacks are wrapped by :func:`gated_autocomplete`
  (interactions.py runs them without the command's checks);
* global autocompletes by :func:`gated_global_autocomplete`: both the command
  being completed and the cog answering must be allowed;
* listeners by :func:`gated_listener`: a guild event reaches a cog's listener
  only if the chain allows that cog for the event's author in the event's
  channel (see ``docs/permissions.md``, "Listeners").

A bot without a chain falls back to the cog manager's enablement (an in-memory
lookup); one without a cog manager (a bare ``interactions.Client`` in a unit
test) has neither, and everything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from plughost.permissions.chain import PermissionChain
from plughost.permissions.requests import ChainCheck, request_for_event

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = [
    "EnablementCheck",
    "enablement_check",
    "event_guild_id",
    "gated_autocomplete",
    "gated_global_autocomplete",
    "gated_listener",
    "listener_allowed",
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


def gated_global_autocomplete(
    callback: Callable[..., Coroutine[Any, Any, Any]], cog: Cog
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """Wrap a global autocomplete callback (one cog answering an option of any
    command) so that the chain decides it first: the command being completed, as
    its own cog's, and then ``cog``, the one answering. A refused member gets no
    suggestions."""

    async def gated(*args: Any, **kwargs: Any) -> Any:
        ctx = next((a for a in args if hasattr(a, "focussed_option")), None)
        if ctx is not None and not await _global_autocomplete_allowed(cog, ctx):
            return await ctx.send([])
        return await callback(*args, **kwargs)

    gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
    return gated


async def _global_autocomplete_allowed(cog: Cog, ctx: Any) -> bool:
    check = getattr(cog.bot, "chain_check", None)
    if not isinstance(check, ChainCheck):
        return _enabled(cog, getattr(ctx, "guild_id", None))
    request = check.request(ctx)
    if not (await check.chain.decide(request)).allowed:
        return False
    if request.cog_name == cog.name:
        return True
    # The answering cog, for this member here: its lists, enablement and cog rules.
    answering = replace(request, cog_name=cog.name, command_name=None, requirement=None)
    return (await check.chain.decide(answering)).allowed


def gated_listener(
    callback: Callable[..., Coroutine[Any, Any, Any]], cog: Cog
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """Wrap a listener callback so it receives a guild's event only if the chain
    allows ``cog`` for the event's author in the event's channel (on a bot without
    a chain: only if ``cog`` is enabled in that guild). DMs and events of no guild
    always pass."""

    async def gated(*args: Any, **kwargs: Any) -> Any:
        # interactions.py calls (binding, event) or (binding,) for event-less listeners.
        event = args[-1] if len(args) > 1 else None
        if event is not None and not await listener_allowed(cog, event):
            return None
        return await callback(*args, **kwargs)

    gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
    return gated


async def listener_allowed(cog: Cog, event: object) -> bool:
    """Whether ``cog``'s listeners may receive ``event`` (see :func:`gated_listener`)."""
    guild_id = event_guild_id(event)
    if guild_id is None:
        return True  # DMs and global events belong to no guild's choice
    chain = getattr(cog.bot, "permission_chain", None)
    if not isinstance(chain, PermissionChain):
        return _enabled(cog, guild_id)
    request = request_for_event(cog.bot, event, guild_id=guild_id, cog_name=cog.name)
    return (await chain.decide(request)).allowed
