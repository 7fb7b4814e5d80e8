"""Allowlists and blocklists of users and roles, global and per guild."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, final

__all__ = ["AccessList", "ListBook", "ListKind", "ListMember"]

ListKind: TypeAlias = Literal["allow", "block"]
ListMember: TypeAlias = Literal["user", "role"]


@final
@dataclass(slots=True)
class AccessList:
    """One scope's lists. An empty allowlist lets everyone through; a non-empty one
    only the users listed and the members of the roles listed."""

    allow_users: set[int] = field(default_factory=set)
    allow_roles: set[int] = field(default_factory=set)
    block_users: set[int] = field(default_factory=set)
    block_roles: set[int] = field(default_factory=set)

    def ids(self, kind: ListKind, member: ListMember) -> set[int]:
        if kind == "allow":
            return self.allow_users if member == "user" else self.allow_roles
        return self.block_users if member == "user" else self.block_roles

    def refuses(self, user_id: int, roles: Collection[int]) -> str | None:
        """Why this list keeps ``user_id`` out ("blocked" / "not on the allowlist"), or None."""
        if user_id in self.block_users or not self.block_roles.isdisjoint(roles):
            return "blocked"
        if (self.allow_users or self.allow_roles) and not (
            user_id in self.allow_users or not self.allow_roles.isdisjoint(roles)
        ):
            return "not on the allowlist"
        return None

    def __bool__(self) -> bool:
        return bool(self.allow_users or self.allow_roles or self.block_users or self.block_roles)


@final
class ListBook:
    """Every scope's lists: key 0 is global, otherwise a guild id."""

    __slots__ = ("_lists",)

    def __init__(self) -> None:
        self._lists: dict[int, AccessList] = {}

    def get(self, scope: int) -> AccessList | None:
        """The lists of ``scope``, or None when it has none (the fast path)."""
        found = self._lists.get(scope)
        return found if found else None

    def edit(self, scope: int) -> AccessList:
        """The lists of ``scope``, created if missing, for changing."""
        return self._lists.setdefault(scope, AccessList())

    def scopes(self) -> list[int]:
        return [scope for scope, lists in self._lists.items() if lists]

    def clear(self) -> None:
        self._lists.clear()
