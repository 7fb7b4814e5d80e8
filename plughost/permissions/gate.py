"""The gate put in front of every command, autocomplete and listener of a cog.

The gate (:class:`CogGate`, one per cog) runs the permission chain,
of which per-guild enablement is one link, so a cog disabled in a guild runs
nothing there, and lists and rules apply to everything a cog does:

* commands (prefixed, slash, hybrid, context menus, components) get the gate
  as their first check, so interactions.py's own dispatch refuses them;
* a command's autocomplete callbacks are wrapped by :meth:`CogGate.autocomplete`
  (interactions.py runs them without the command's checks);
* global autocompletes by :meth:`CogGate.global_autocomplete`: both the command
  being completed and the cog answering must be allowed;
* listeners by :meth:`CogGate.listener`: a guild event reaches a cog's listener
  only if the chain allows that cog for the event's author in the event's
  channel (see ``docs/permissions.md``, "Listeners").

The gate is built with the cog, from its client: every ``plughost.Bot`` has a
chain from its construction on (its rules load when it starts); a bare
``interactions.Client`` in a unit test has none, and everything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any, Final, Protocol, runtime_checkable

import interactions
from interactions.ext.hybrid_commands import HybridContext

from plughost.i18n import DEFAULT_LOCALE, guild_locale, normalise, use_locale
from plughost.i18n.messages import N_, _
from plughost.permissions.requests import ChainCheck, ChainDenied, command_of, request_for_event

__all__ = ["NOT_ALLOWED", "CogGate", "Gated", "denial_reply", "event_guild_id"]

#: English, as written; :func:`denial_reply` translates it.
NOT_ALLOWED: Final = N_("You are not allowed to run that command here.")
"""The reply when a check failed and the chain has no reason to give."""

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


@runtime_checkable
class Gated(Protocol):
    """A client that runs plughost's permission chain (every ``plughost.Bot``)."""

    chain_check: ChainCheck


class CogGate:
    """The gate of one cog: its commands' first check, and the wrapper of its
    autocompletes and listeners.

    A class rather than a closure so that the error boundary can recognise it in
    a ``CommandCheckFailure``. Built with the cog, from the client it is built
    for: a client without a chain (a bare ``interactions.Client`` in a unit test)
    gets a gate that lets everything run.
    """

    __slots__ = ("chain_check", "client", "cog_name")

    def __init__(self, cog_name: str, client: interactions.Client) -> None:
        self.cog_name = cog_name
        self.client = client
        self.chain_check: ChainCheck | None = (
            client.chain_check if isinstance(client, Gated) else None
        )

    def __repr__(self) -> str:
        return f"CogGate({self.cog_name!r})"

    async def __call__(self, ctx: Any) -> bool:
        """The command check: the permission chain decides, enablement being one of
        its links, so the chain runs once per invocation, first. A denial is raised
        as :class:`ChainDenied`, carrying the deciding link and the decision."""
        await _serve_in_locale(ctx.guild_id, _member_locale(ctx))
        if self.chain_check is None:
            return True
        invocation = await self.chain_check.decide(ctx, cog_name=self.cog_name)
        if not invocation.decision.allowed:
            raise ChainDenied(command_of(ctx), self, ctx, invocation)
        return True

    async def allows(self, ctx: Any) -> bool:
        """Whether the chain allows the invocation ``ctx`` (for autocompletes)."""
        if self.chain_check is None:
            return True
        return (await self.chain_check.decide(ctx, cog_name=self.cog_name)).decision.allowed

    def autocomplete(
        self, callback: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        """Wrap a command's autocomplete callback so the gate decides it first
        (interactions.py runs autocompletes without their command's checks). A
        refused member gets no suggestions."""
        if getattr(callback, "_plughost_gated", False):
            return callback  # subcommands are bound twice over: gate once

        async def gated(*args: Any, **kwargs: Any) -> Any:
            # (ctx) or (binding, ctx): the context is the argument with a focussed option.
            ctx = next((a for a in args if hasattr(a, "focussed_option")), None)
            if ctx is not None and not await self.allows(ctx):
                return await ctx.send([])
            return await callback(*args, **kwargs)

        gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
        gated._plughost_gated = True  # type: ignore[attr-defined]
        return gated

    def global_autocomplete(
        self, callback: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        """Wrap a global autocomplete callback (this cog answering an option of any
        command) so that the chain decides it first: the command being completed, as
        its own cog's, and then this cog, the one answering. A refused member gets
        no suggestions."""

        async def gated(*args: Any, **kwargs: Any) -> Any:
            ctx = next((a for a in args if hasattr(a, "focussed_option")), None)
            if ctx is not None and not await self._global_autocomplete_allowed(ctx):
                return await ctx.send([])
            return await callback(*args, **kwargs)

        gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
        return gated

    async def _global_autocomplete_allowed(self, ctx: Any) -> bool:
        check = self.chain_check
        if check is None:
            return True
        request = check.request(ctx)
        if not (await check.chain.decide(request)).allowed:
            return False
        if request.cog_name == self.cog_name:
            return True
        # The answering cog, for this member here: its lists, enablement and cog rules.
        answering = replace(request, cog_name=self.cog_name, command_name=None, requirement=None)
        return (await check.chain.decide(answering)).allowed

    def listener(
        self, callback: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        """Wrap a listener callback so it receives a guild's event only if the chain
        allows this cog for the event's author in the event's channel. DMs and
        events of no guild always pass."""

        async def gated(*args: Any, **kwargs: Any) -> Any:
            # interactions.py calls (binding, event) or (binding,) for event-less listeners.
            event = args[-1] if len(args) > 1 else None
            if event is not None and not await self.listener_allowed(event):
                return None
            await _serve_in_locale(event_guild_id(event) if event is not None else None, None)
            return await callback(*args, **kwargs)

        gated.__wrapped__ = callback  # type: ignore[attr-defined]  # for introspection
        return gated

    async def listener_allowed(self, event: object) -> bool:
        """Whether this cog's listeners may receive ``event`` (see :meth:`listener`)."""
        guild_id = event_guild_id(event)
        if guild_id is None or self.chain_check is None:
            return True  # DMs and global events belong to no guild's choice
        chain = self.chain_check.chain
        verdict = chain.listener_verdict(self.cog_name, guild_id)
        if verdict is not None:
            return verdict
        request = request_for_event(
            self.client,
            event,
            guild_id=guild_id,
            cog_name=self.cog_name,
            bot_permissions=chain.has_cog_links(),
        )
        return (await chain.decide(request)).allowed


def _member_locale(ctx: Any) -> str | None:
    """The invoking member's Discord locale, which only interactions carry."""
    inner = ctx.inner_context if isinstance(ctx, HybridContext) else ctx
    return inner.locale if isinstance(inner, interactions.InteractionContext) else None


async def _serve_in_locale(guild_id: object, member_locale: object) -> None:
    """Set the locale the cog serves this invocation in (see :mod:`plughost.i18n`): the
    guild's setting, else the member's Discord locale (interactions carry it)."""
    chosen = await guild_locale(int(str(guild_id))) if guild_id else None
    if chosen is None and isinstance(member_locale, str):
        chosen = normalise(member_locale)
    use_locale(chosen or DEFAULT_LOCALE)


def denial_reply(denied: ChainDenied, *, interaction: bool) -> str | None:
    """What to tell the member the chain refused; None: say nothing (a blocklisted
    member, or a prefixed command of a cog disabled here, which behaves as if it
    did not exist)."""
    decision = denied.decision
    if decision.silent:
        return None
    if denied.link == "enablement" and not interaction:
        return None
    # The chain worded the reason in the invocation's locale when it decided.
    return decision.reason or _(NOT_ALLOWED)
