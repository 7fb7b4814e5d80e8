"""From an interactions.py context to a :class:`PermissionRequest`, and back to a check.

:func:`request_from_context` reads only interactions.py's cache (no REST call).
:class:`ChainCheck` is the check plughost's dispatch puts first on every command:
it runs the chain, and remembers the decision so the error boundary can show the
reason (or stay silent) and so ``plughost.checks`` decorators can defer to it.
"""

from __future__ import annotations

import weakref
from typing import Any, Final, final

import interactions
from interactions.ext import prefixed_commands as prefixed

from plughost.permissions.chain import PermissionChain
from plughost.permissions.decision import Decision, InvocationKind, PermissionRequest
from plughost.permissions.requirement import requirement_of

__all__ = [
    "ChainCheck",
    "allowed_by_chain",
    "command_name_of",
    "owner_ids_of",
    "request_for",
    "request_from_context",
]

# Contexts the chain allowed. Weak: a context lives as long as its invocation.
_ALLOWED: Final[weakref.WeakSet[Any]] = weakref.WeakSet()


def allowed_by_chain(ctx: Any) -> bool:
    """Whether a :class:`ChainCheck` already allowed this very invocation."""
    return ctx in _ALLOWED


def owner_ids_of(client: Any) -> frozenset[int]:
    """``client.owner_ids`` plus the application's team members (interactions.py's
    own ``is_owner`` reads the same two places)."""
    ids = {int(i) for i in getattr(client, "owner_ids", ())}
    app = getattr(client, "app", None)
    team = getattr(app, "team", None) if app is not None else None
    if team is not None:
        ids.update(int(m.id) for m in team.members)
    return frozenset(ids)


def _kind(ctx: Any) -> InvocationKind:
    if isinstance(ctx, interactions.AutocompleteContext):
        return "autocomplete"
    if isinstance(ctx, interactions.ComponentContext):
        return "component"
    if isinstance(ctx, interactions.ContextMenuContext):
        return "context_menu"
    if isinstance(ctx, prefixed.PrefixedContext):
        return "prefixed"
    # A hybrid context remembers how it was invoked.
    if getattr(ctx, "_prefixed_ctx", None) is not None:
        return "prefixed"
    return "slash"


def command_name_of(command: Any) -> str | None:
    """A command's qualified name (``cog list``), as rules name it."""
    if command is None:
        return None
    for attribute in ("qualified_name", "resolved_name"):
        name = getattr(command, attribute, None)
        if isinstance(name, str) and name:
            return name
    name = getattr(command, "name", None)
    return str(name) if name else None


def _command_of(ctx: Any) -> Any:
    # A hybrid context looks its command up by name in the global interaction table,
    # which misses guild-placed commands (KeyError): ask the context it wraps.
    inner = getattr(ctx, "_prefixed_ctx", None) or getattr(ctx, "_slash_ctx", None)
    try:
        return (inner or ctx).command
    except (KeyError, AttributeError):
        return None


def _parents(client: Any, channel: Any) -> tuple[int, ...]:
    parents: list[int] = []
    cache = client.cache
    seen = 0
    parent_id = getattr(channel, "parent_id", None)
    # At most two steps: thread -> channel -> category.
    while parent_id and seen < 2:
        parents.append(int(parent_id))
        parent = cache.get_channel(parent_id)
        parent_id = getattr(parent, "parent_id", None) if parent is not None else None
        seen += 1
    return tuple(parents)


def request_from_context(
    ctx: Any, *, cog_name: str | None = None, kind: InvocationKind | None = None
) -> PermissionRequest:
    """The permission request for the invocation ``ctx`` (any interactions.py context).

    ``cog_name`` defaults to the command's extension's ``__cog_name__`` (plughost
    cogs set it to their entry-point name).
    """
    command = _command_of(ctx)
    return request_for(
        getattr(ctx, "client", None) or getattr(ctx, "bot", None),
        ctx.author,
        ctx.guild,
        ctx.channel,
        command,
        channel_id=int(ctx.channel_id) if ctx.channel_id else None,
        cog_name=cog_name,
        kind=kind or _kind(ctx),
    )


def request_for(
    client: Any,
    author: Any,
    guild: Any,
    channel: Any,
    command: Any,
    *,
    channel_id: int | None = None,
    cog_name: str | None = None,
    kind: InvocationKind = "slash",
) -> PermissionRequest:
    """The request ``author`` would make running ``command`` in ``channel`` of
    ``guild`` (None: a DM); what ``perm explain`` asks the chain about."""
    if cog_name is None and command is not None:
        extension = getattr(command, "extension", None)
        named = getattr(extension, "__cog_name__", None)
        cog_name = named if isinstance(named, str) else None
    if channel_id is None and channel is not None:
        channel_id = int(channel.id)
    fields: dict[str, Any] = {}
    if guild is not None and isinstance(author, interactions.Member):
        roles = sorted(author.roles, key=lambda r: r.position, reverse=True)
        fields["role_ids"] = (*(int(r.id) for r in roles), int(guild.id))  # @everyone last
        fields["guild_owner_id"] = int(guild._owner_id)
        guild_permissions = _guild_permissions(author, guild)
        fields["guild_permissions"] = guild_permissions
        fields["channel_permissions"] = _channel_permissions(author, guild_permissions, channel)
        me = guild.me
        if me is not None:
            bot_guild = _guild_permissions(me, guild)
            fields["bot_permissions"] = _channel_permissions(me, bot_guild, channel)
        fields["parent_ids"] = _parents(client, channel)
    return PermissionRequest(
        kind=kind,
        invoker_id=int(author.id),
        guild_id=int(guild.id) if guild is not None else None,
        channel_id=channel_id,
        cog_name=cog_name,
        command_name=command_name_of(command),
        requirement=requirement_of(command) if command is not None else None,
        **fields,
    )


# Computed once. interactions.py recomputes Permissions.ALL on every access, and
# Member.guild_permissions / channel_permissions return it for administrators:
# measured 255 us per access, 0.64 ms per invocation, a third of a !ping round
# trip. The arithmetic below is upstream's, on plain ints.
_ALL: Final = int(interactions.Permissions.ALL)
_ADMINISTRATOR: Final = int(interactions.Permissions.ADMINISTRATOR)


def _guild_permissions(member: Any, guild: Any) -> int:
    """The member's guild-wide permissions: owner and administrators have all."""
    if int(guild._owner_id) == int(member.id):
        return _ALL
    default = guild.default_role
    permissions = int(default.permissions) if default is not None else 0
    for role in member.roles:
        permissions |= int(role.permissions)
    return _ALL if permissions & _ADMINISTRATOR else permissions


def _channel_permissions(member: Any, guild_permissions: int, channel: Any) -> int:
    """Guild-wide permissions with the channel's overwrites applied, as Discord does:
    @everyone's first, then the member's roles' (together), then the member's own."""
    if guild_permissions & _ADMINISTRATOR:
        return _ALL
    overwrites = getattr(channel, "permission_overwrites", None)
    if not overwrites:  # none, or a thread / uncached channel: guild-wide is what we know
        return guild_permissions
    guild_id, member_id = int(member._guild_id), int(member.id)
    role_ids = {int(r) for r in member._role_ids}
    permissions = guild_permissions
    everyone = [o for o in overwrites if int(o.id) == guild_id]
    roles = [o for o in overwrites if int(o.id) in role_ids]
    own = [o for o in overwrites if int(o.id) == member_id]
    for group in (everyone, roles, own):
        deny = allow = 0
        for overwrite in group:
            deny |= int(overwrite.deny)
            allow |= int(overwrite.allow)
        permissions = (permissions & ~deny) | allow
    return permissions


@final
class ChainCheck:
    """An interactions.py check running the chain; put it first on every command.

    plughost's cogs reach it through their enablement gate
    (``plughost.cogs.gate.EnablementCheck``), which passes the cog's name: a hybrid
    command's prefixed twin carries no extension to read it from.
    """

    __slots__ = ("__weakref__", "chain", "decisions", "links")

    def __init__(self, chain: PermissionChain) -> None:
        self.chain = chain
        self.decisions: weakref.WeakKeyDictionary[Any, Decision] = weakref.WeakKeyDictionary()
        """ctx -> the chain's decision, for the error boundary's reply."""
        self.links: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
        """ctx -> the name of the link that decided."""

    async def __call__(self, ctx: Any, *, cog_name: str | None = None) -> bool:
        link, decision = await self.chain.decide_with_link(
            request_from_context(ctx, cog_name=cog_name)
        )
        self.decisions[ctx] = decision
        self.links[ctx] = link
        if decision.allowed:
            _ALLOWED.add(ctx)
        return decision.allowed
