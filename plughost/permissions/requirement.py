"""What a command itself demands of its invoker, as recorded by ``plughost.checks``.

A :class:`Requirement` lives on the command's callback (under
:data:`REQUIREMENT_ATTR`), so the chain can read it from any command object
interactions.py builds around that callback: a slash command, a prefixed one, or
the prefixed twin of a hybrid command (which shares the callback).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final, final

from plughost.permissions.levels import PrivilegeLevel

__all__ = ["REQUIREMENT_ATTR", "Requirement", "requirement_of"]

REQUIREMENT_ATTR: Final = "__plughost_requirement__"


@final
@dataclass(frozen=True, slots=True)
class Requirement:
    """A command's privilege level (or alternative permissions), and the context it needs.

    The invoker passes the level part when their level is at least ``level``, or,
    when ``any_permissions`` is not 0, when they hold all of those permissions in
    the channel (``admin_or_permissions(manage_guild=True)``).
    """

    level: PrivilegeLevel = PrivilegeLevel.NONE
    alternative_permissions: int = 0
    """Permissions (in the channel) that also satisfy ``level``; 0: none do."""
    bot_permissions: int = 0
    """Permissions the bot needs in the channel; 0: nothing special."""
    guild_only: bool = False

    def merge(self, other: Requirement) -> Requirement:
        """Both requirements at once (two decorators on one command).

        The higher level wins with its alternatives; equal levels keep both sets
        of alternatives (the member must then hold all of them: stricter, never
        looser). Bot permissions add up; guild-only sticks.
        """
        if self.level != other.level:
            high = self if self.level > other.level else other
            level, alternatives = high.level, high.alternative_permissions
        else:
            level = self.level
            # Both accept alternatives: the member must hold all of them. One accepts
            # none: the level alone (stricter, never looser).
            mine, theirs = self.alternative_permissions, other.alternative_permissions
            alternatives = mine | theirs if mine and theirs else 0
        return Requirement(
            level,
            alternatives,
            self.bot_permissions | other.bot_permissions,
            self.guild_only or other.guild_only,
        )


def requirement_of(command: Any) -> Requirement | None:
    """The requirement recorded on ``command`` (a command object or its callback)."""
    callback = getattr(command, "callback", None) or command
    found = getattr(callback, REQUIREMENT_ATTR, None)
    # Cogs bind callbacks as functools.partial objects, which do not forward the
    # attribute the decorators set on the function underneath.
    while found is None and isinstance(callback, functools.partial):
        callback = callback.func
        found = getattr(callback, REQUIREMENT_ATTR, None)
    return found if isinstance(found, Requirement) else None
