"""Command checks for cogs: privilege levels, permissions, and where a command runs.

Each decorator does two things, so that it holds with or without plughost's
dispatch:

* records the command's :class:`~plughost.permissions.requirement.Requirement`
  on its callback, which the permission chain reads (and where ``perm explain``
  and help find it);
* adds an interactions.py check enforcing it. When plughost's chain check
  already allowed the invocation (a rule may open an ADMIN command to a role),
  this check only re-checks what no rule can change: guild-only, the bot's
  permissions, and owner-only levels.

They work above or below ``@slash_command``/``@prefixed_command``/``@hybrid_slash_command``::

    @prefixed.prefixed_command()
    @checks.admin_or_permissions(manage_guild=True)
    async def grant(self, ctx, member: interactions.Member, amount: int): ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, final

import interactions

from plughost.permissions.chain import context_denial, level_denial
from plughost.permissions.gate import Gated
from plughost.permissions.levels import PrivilegeLevel, member_level
from plughost.permissions.requests import invocation_of, owner_ids_of, request_from_context
from plughost.permissions.requirement import REQUIREMENT_ATTR, Requirement, requirement_of

__all__ = [
    "RequirementCheck",
    "admin",
    "admin_or_permissions",
    "bot_has_permissions",
    "guild_only",
    "guildowner",
    "is_owner",
    "mod",
    "mod_or_permissions",
]

_T = TypeVar("_T")


@final
class RequirementCheck:
    """The interactions.py check a decorator adds; recognisable by the error boundary."""

    __slots__ = ("requirement",)

    def __init__(self, requirement: Requirement) -> None:
        self.requirement = requirement

    def __repr__(self) -> str:
        return f"RequirementCheck({self.requirement!r})"

    async def __call__(self, ctx: Any) -> bool:
        need = self.requirement
        # The chain's request for this very invocation, when its gate ran first (it
        # travels on the context): built once per invocation, not per decorator.
        invocation = invocation_of(ctx)
        base = invocation.request if invocation is not None else request_from_context(ctx)
        # This decorator's own requirement, not the merged one on the callback: each
        # decorator's check holds on its own, as interactions.py checks do.
        request = replace(base, requirement=need)
        if context_denial(request) is not None:
            return False
        allowed = invocation is not None and invocation.decision.allowed
        if allowed and need.level <= PrivilegeLevel.ADMIN:
            return True  # the chain decided, rules included
        client = ctx.bot
        owners = owner_ids_of(client)
        roles: Any = ()
        if isinstance(client, Gated):
            chain = client.chain_check.chain
            owners |= chain.owner_ids
            roles = chain.state.roles
        level = member_level(
            request.invoker_id,
            owner_ids=owners,
            guild_id=request.guild_id,
            guild_owner_id=request.guild_owner_id,
            role_ids=request.role_ids,
            guild_permissions=request.guild_permissions,
            roles=roles or {},
        )
        return level_denial(request, level) is None


def _requiring(need: Requirement) -> Callable[[_T], _T]:
    """Record ``need`` on the command's callback and add its check, in either order."""

    def decorate(command: _T) -> _T:
        callback: Any = getattr(command, "callback", None) or command
        held = requirement_of(callback)
        setattr(callback, REQUIREMENT_ATTR, need if held is None else held.merge(need))
        # interactions.check appends to a command's checks, or to the callback's
        # `checks` list that the command copies when it is built afterwards.
        # type-var: interactions types the decorator for its own command types only.
        return interactions.check(RequirementCheck(need))(command)  # type: ignore[type-var]

    return decorate


def _bits(perms: dict[str, bool]) -> int:
    bits = 0
    for name, wanted in perms.items():
        try:
            flag = interactions.Permissions[name.upper()]
        except KeyError:
            raise TypeError(f"unknown Discord permission {name!r}") from None
        if wanted:
            bits |= int(flag)
    return bits


def is_owner() -> Callable[[_T], _T]:
    """Only bot owners may run the command (no rule can open it)."""
    return _requiring(Requirement(PrivilegeLevel.BOT_OWNER))


def guildowner() -> Callable[[_T], _T]:
    """Only the server's owner (or a bot owner); in a server only."""
    return _requiring(Requirement(PrivilegeLevel.GUILD_OWNER, guild_only=True))


def admin() -> Callable[[_T], _T]:
    """Administrators: a configured admin role, or ADMINISTRATOR/MANAGE_GUILD."""
    return _requiring(Requirement(PrivilegeLevel.ADMIN, guild_only=True))


def mod() -> Callable[[_T], _T]:
    """Moderators: a configured mod role, moderation permissions, or an admin."""
    return _requiring(Requirement(PrivilegeLevel.MOD, guild_only=True))


def admin_or_permissions(**perms: bool) -> Callable[[_T], _T]:
    """Administrators, or members holding all of ``perms`` in the channel."""
    return _requiring(Requirement(PrivilegeLevel.ADMIN, _bits(perms), guild_only=True))


def mod_or_permissions(**perms: bool) -> Callable[[_T], _T]:
    """Moderators, or members holding all of ``perms`` in the channel."""
    return _requiring(Requirement(PrivilegeLevel.MOD, _bits(perms), guild_only=True))


def bot_has_permissions(**perms: bool) -> Callable[[_T], _T]:
    """The bot must hold all of ``perms`` in the channel (checked in servers only)."""
    return _requiring(Requirement(bot_permissions=_bits(perms)))


def guild_only() -> Callable[[_T], _T]:
    """Refuse the command in direct messages."""
    return _requiring(Requirement(guild_only=True))
