"""The in-memory permission state the chain reads: rules, lists and guild roles.

:class:`~plughost.permissions.store.PermissionStore` fills it from Config and
writes through it; the chain only reads it, so every decision is answered from
memory.
"""

from __future__ import annotations

from typing import final

from plughost.permissions.levels import GuildRoles
from plughost.permissions.lists import ListBook
from plughost.permissions.rules import RuleBook

__all__ = ["PermissionState"]


@final
class PermissionState:
    """Rules, allow/block lists and each guild's mod/admin roles."""

    __slots__ = ("lists", "roles", "rules")

    def __init__(self) -> None:
        self.rules = RuleBook()
        self.lists = ListBook()
        self.roles: dict[int, GuildRoles] = {}
        """guild id -> the guild's configured mod and admin roles."""

    def clear(self) -> None:
        self.rules.clear()
        self.lists.clear()
        self.roles.clear()
