"""The rich context: ``tick``, ``maybe_send_embed``, ``embed_color``, ``send_help``,
``send_paged`` and ``send_pages``.

Each helper is a function taking any interactions.py context (prefixed, slash,
hybrid, component, ...), and :class:`ContextHelpers` puts the same helpers on
plughost's context classes as methods, so a cog writes ``await ctx.tick()``.
Functions first, because a cog may receive contexts plughost did not build (a
component callback's, or one from a bare Client in a test) and the helpers must
work there too; the methods are one-line delegations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Self

import interactions
from interactions.client import errors
from interactions.ext.hybrid_commands import HybridContext
from interactions.ext.prefixed_commands import PrefixedContext

from plughost.commands.embeds import embed_color_for
from plughost.commands.help import command_help, help_overview
from plughost.commands.paging import pagify, send_pages
from plughost.permissions.requests import channel_permissions_of, guild_permissions_of

__all__ = [
    "ContextHelpers",
    "PlughostHybridContext",
    "PlughostPrefixedContext",
    "bot_permissions",
    "embed_color",
    "embed_text",
    "maybe_send_embed",
    "send_help",
    "send_paged",
    "send_pages",
    "tick",
]

_EMBED_LINKS: Final = int(interactions.Permissions.EMBED_LINKS)
_ADD_REACTIONS: Final = int(interactions.Permissions.ADD_REACTIONS)
_ALL: Final = int(interactions.Permissions.ALL)
# Public, news and private threads: their permissions are their parent channel's.
_THREADS: Final = frozenset({10, 11, 12})


def _message_of(ctx: Any) -> interactions.Message | None:
    """The member's message, for invocations that have one (prefixed, hybrid by prefix)."""
    inner = getattr(ctx, "_prefixed_ctx", None) or ctx
    return inner.message if isinstance(inner, PrefixedContext) else None


def bot_permissions(ctx: Any) -> int:
    """The bot's permissions in the invocation's channel, as an int (all in DMs).

    Interactions carry Discord's own answer; for messages it is computed from the
    cache with the chain's arithmetic (no REST call).
    """
    inner = getattr(ctx, "_slash_ctx", None) or ctx
    if isinstance(inner, interactions.InteractionContext):
        return int(inner.app_permissions) if inner.guild_id else _ALL
    guild = ctx.guild
    me = guild.me if guild is not None else None
    if me is None:
        return _ALL
    return channel_permissions_of(me, guild_permissions_of(me, guild), ctx.channel)


async def tick(ctx: Any, success: bool = True) -> None:
    """Acknowledge: a ✅ (❌) reaction on the member's message, or the emoji as a
    reply where there is no message to react to (slash) or reactions are not allowed."""
    emoji = "\N{WHITE HEAVY CHECK MARK}" if success else "\N{CROSS MARK}"
    message = _message_of(ctx)
    if message is not None and bot_permissions(ctx) & _ADD_REACTIONS:
        try:
            await message.add_reaction(emoji)
            return
        except errors.HTTPException:
            pass  # the channel refused after all (a race, or a stale cache): say it
    await ctx.send(emoji)


def embed_text(embed: interactions.Embed) -> str:
    """An embed as plain text, for channels where the bot may not embed links."""
    parts = []
    if embed.title:
        parts.append(f"**{embed.title}**")
    if embed.description:
        parts.append(str(embed.description))
    for field in embed.fields or ():
        parts.append(f"**{field.name}**\n{field.value}")
    if embed.footer and embed.footer.text:
        parts.append(str(embed.footer.text))
    return "\n\n".join(parts) or "(empty)"


async def maybe_send_embed(ctx: Any, embed: interactions.Embed) -> None:
    """Send ``embed``, or its text where the bot lacks Embed Links (paged if long)."""
    if bot_permissions(ctx) & _EMBED_LINKS:
        await ctx.send(embed=embed)
    else:
        await send_paged(ctx, embed_text(embed))


async def embed_color(ctx: Any) -> interactions.Color:
    """The colour embeds should use here: the server's (``embedset color``), else the
    bot owner's (``embedset globalcolor``), else Discord's blurple."""
    return interactions.Color(await embed_color_for(getattr(ctx, "guild_id", None)))


async def send_paged(ctx: Any, text: str) -> None:
    """Send long ``text`` cut into pages on line boundaries (see :func:`pagify`):
    one message with page buttons, or one message a page where buttons cannot work
    (see :func:`plughost.commands.paging.send_pages`)."""
    await send_pages(ctx, pagify(text))


async def send_help(ctx: Any, command: str | None = None) -> None:
    """Send help: for ``command`` (a name, ``"perm explain"``), else for the command
    being run if there is one, else the whole listing the caller may run."""
    if command is None:
        inner = getattr(ctx, "_prefixed_ctx", None) or getattr(ctx, "_slash_ctx", None) or ctx
        try:
            current = inner.command
        except (KeyError, AttributeError):
            current = None
        name = getattr(current, "qualified_name", None) or getattr(current, "resolved_name", None)
        command = str(name) if name and name != "help" else None
    text = await (command_help(ctx, command) if command else help_overview(ctx))
    await send_paged(ctx, text)


class ContextHelpers:
    """Mixed into plughost's context classes: the helpers above as methods."""

    __slots__ = ()

    async def tick(self, success: bool = True) -> None:
        await tick(self, success)

    async def maybe_send_embed(self, embed: interactions.Embed) -> None:
        await maybe_send_embed(self, embed)

    async def embed_color(self) -> interactions.Color:
        return await embed_color(self)

    async def send_help(self, command: str | None = None) -> None:
        await send_help(self, command)

    async def send_paged(self, text: str) -> None:
        await send_paged(self, text)

    async def send_pages(
        self, pages: Iterable[str], *, buttons: bool = True
    ) -> list[interactions.Message]:
        return await send_pages(self, pages, buttons=buttons)


class PlughostPrefixedContext(ContextHelpers, PrefixedContext):
    """The context of prefixed commands on a plughost bot."""


class PlughostHybridContext(ContextHelpers, HybridContext):
    """The context of hybrid commands on a plughost bot."""

    #: Set by every constructor (upstream's ``__init__`` assigns ``app_permissions``).
    _app_permissions: interactions.Permissions | None
    #: Where a prefix invocation's permissions are computed on first read, if at all.
    _permissions_in: tuple[Any, Any] | None = None

    @property
    def app_permissions(self) -> interactions.Permissions:
        """The bot's permissions in the channel: Discord's for a slash invocation; for
        one by prefix, computed from the cache when first read (few commands read
        them, and computing them was a third of this context's cost per ``!ping``)."""
        held = self._app_permissions
        if held is None:
            guild, channel = self._permissions_in or (None, None)
            me = guild.me if guild is not None else None
            # The bot's own member can be missing from a bounded member cache (an
            # operator's policy, runtime/caches.py): upstream then fails on
            # permissions_for(None). Unknown permissions are none, not a crash.
            bits = channel_permissions_of(me, guild_permissions_of(me, guild), channel) if me else 0
            held = self._app_permissions = interactions.Permissions(bits)
        return held

    @app_permissions.setter
    def app_permissions(self, value: interactions.Permissions) -> None:
        self._app_permissions = value

    @classmethod
    def from_prefixed_context(cls, ctx: PrefixedContext) -> Self:
        """Upstream's conversion, with the bot's channel permissions computed in ints,
        and only when read (see `app_permissions`).

        Upstream asks ``channel.permissions_for(me)``, which builds
        ``Permissions.ALL`` flag by flag for an administrator, twice: ~0.5 ms of every
        hybrid command invoked by prefix (a quarter of the fuzz test's CPU time).
        """
        guild = ctx.guild
        channel: Any = ctx.channel
        if channel.type in _THREADS:
            channel = getattr(channel, "parent_channel", None)
        if guild is None or channel is None or not hasattr(channel, "permission_overwrites"):
            return super().from_prefixed_context(ctx)  # DMs: upstream's default guess
        self = cls(ctx.client)
        self.context = interactions.ContextType.GUILD
        self.guild_id = ctx.guild_id
        self.channel_id = ctx.channel_id
        self.author_id = ctx.author_id
        self.message_id = ctx.message_id
        self._message = ctx.message
        self.prefix = ctx.prefix
        self._app_permissions = None
        self._permissions_in = (guild, channel)
        self._command_name = ctx.command.qualified_name
        self.args = ctx.args
        self._prefixed_ctx = ctx
        return self
