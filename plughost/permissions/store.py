"""Persistence of the permission state through plughost Config, with an audit log.

Everything lives under the reserved cog name ``plughost.permissions``: global
rules and lists in the global scope, a guild's rules, lists and mod/admin roles
in its guild scope, and one custom document per audit entry (so appending is one
small write, however long the log grows).

Each change is written to the store first and applied to the in-memory
:class:`PermissionState` after, so memory never holds what a restart would lose;
then the audit entry is appended.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, final

from plughost.config import Config, Group
from plughost.config.namespaces import (
    PERMISSION_LISTS,
    PERMISSIONS,
    PERMISSIONS_AUDIT,
    permissions_config,
)
from plughost.permissions.levels import GuildRoles
from plughost.permissions.lists import AccessList, ListKind, ListMember
from plughost.permissions.rules import GLOBAL, Rule, SubjectKind, Target
from plughost.permissions.state import PermissionState

__all__ = ["CONFIG_NAME", "AuditEntry", "PermissionStore"]

CONFIG_NAME: Final = PERMISSIONS.cog_name
_AUDIT: Final = PERMISSIONS_AUDIT
_LISTS: Final = PERMISSION_LISTS


@final
@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change: who made it, when, in which guild (None: global), and what."""

    at: datetime
    actor_id: int
    guild_id: int | None
    action: str
    """``rule.set``, ``rule.remove``, ``roles.set``, ``list.add``, ``list.remove``."""
    detail: str


@final
class PermissionStore:
    """Loads the permission state from Config, and changes it (write-through, audited).

    Build it inside an open ``plughost.config.connect()`` block.
    """

    __slots__ = ("_conf", "announcer", "state")

    def __init__(self, state: PermissionState | None = None) -> None:
        self.state = state if state is not None else PermissionState()
        #: Told the guild (None: global) of each change (the cluster layer sets it).
        self.announcer: Callable[[int | None], Awaitable[None]] | None = None
        self._conf = permissions_config()

    def _scope(self, guild_id: int | None) -> Config | Group:
        return self._conf if guild_id is None else self._conf.guild_from_id(guild_id)

    # -- loading -------------------------------------------------------------------------

    async def load(self) -> PermissionState:
        """Replace the in-memory state with what the store holds; returns it."""
        state = self.state
        fresh = PermissionState()
        _fill(fresh, None, {"rules": await self._conf.rules(), "lists": await self._conf.lists()})
        for guild_id, data in (await self._conf.all_guilds()).items():
            _fill(fresh, guild_id, data)
        # Swap contents in place: the chain holds this very state object.
        state.clear()
        state.rules, state.lists, state.roles = fresh.rules, fresh.lists, fresh.roles
        return state

    # -- rules ---------------------------------------------------------------------------

    async def set_rule(self, rule: Rule, *, actor_id: int) -> Rule | None:
        """Add ``rule`` (replacing the one with the same key); returns the replaced one."""
        async with self._scope(rule.guild_id).rules() as stored:
            stored[rule.key] = rule.allow
        old = self.state.rules.add(rule)
        await self._audit(actor_id, rule.guild_id, "rule.set", rule.describe())
        await self._announce(rule.guild_id)
        return old

    async def remove_rule(
        self,
        guild_id: int | None,
        target: Target,
        target_id: int,
        subject_kind: SubjectKind,
        subject: str,
        *,
        actor_id: int,
    ) -> Rule | None:
        """Remove the rule with this key; returns it (None, and no audit, if absent)."""
        found = self.state.rules.remove(guild_id, target, target_id, subject_kind, subject)
        if found is None:
            return None
        try:
            async with self._scope(guild_id).rules() as stored:
                stored.pop(found.key, None)
        except BaseException:
            self.state.rules.add(found)  # the store still has it: so must memory
            raise
        await self._audit(actor_id, guild_id, "rule.remove", found.describe())
        await self._announce(guild_id)
        return found

    def rules(self, guild_id: int | None) -> list[Rule]:
        """The rules of a guild (None: the global rules), as in effect now."""
        return self.state.rules.in_scope(guild_id)

    # -- roles ---------------------------------------------------------------------------

    async def set_roles(
        self,
        guild_id: int,
        *,
        mod: set[int] | None = None,
        admin: set[int] | None = None,
        actor_id: int,
    ) -> GuildRoles:
        """Set a guild's mod and/or admin roles (None: leave unchanged)."""
        current = self.state.roles.get(guild_id, GuildRoles())
        new = GuildRoles(
            frozenset(current.mod if mod is None else mod),
            frozenset(current.admin if admin is None else admin),
        )
        group = self._conf.guild_from_id(guild_id)
        await group.mod_roles.set(sorted(new.mod))
        await group.admin_roles.set(sorted(new.admin))
        self.state.roles[guild_id] = new
        await self._audit(
            actor_id,
            guild_id,
            "roles.set",
            f"mod roles {sorted(new.mod)}, admin roles {sorted(new.admin)}",
        )
        await self._announce(guild_id)
        return new

    # -- lists ---------------------------------------------------------------------------

    async def list_add(
        self,
        guild_id: int | None,
        kind: ListKind,
        member: ListMember,
        target_id: int,
        *,
        actor_id: int,
    ) -> bool:
        """Put a user or role on an allowlist or blocklist; False if already there."""
        return await self._list_change(guild_id, kind, member, target_id, actor_id, add=True)

    async def list_remove(
        self,
        guild_id: int | None,
        kind: ListKind,
        member: ListMember,
        target_id: int,
        *,
        actor_id: int,
    ) -> bool:
        """Take a user or role off a list; False if it was not on it."""
        return await self._list_change(guild_id, kind, member, target_id, actor_id, add=False)

    async def _list_change(
        self,
        guild_id: int | None,
        kind: ListKind,
        member: ListMember,
        target_id: int,
        actor_id: int,
        *,
        add: bool,
    ) -> bool:
        scope = GLOBAL if guild_id is None else guild_id
        ids = self.state.lists.edit(scope).ids(kind, member)
        if (target_id in ids) == add:
            return False
        new = ids | {target_id} if add else ids - {target_id}
        async with self._scope(guild_id).lists() as stored:
            stored[f"{kind}_{member}s"] = sorted(new)
        if add:
            ids.add(target_id)
        else:
            ids.discard(target_id)
        verb = "added to" if add else "removed from"
        detail = f"{member} {target_id} {verb} the {kind}list"
        await self._audit(actor_id, guild_id, "list.add" if add else "list.remove", detail)
        await self._announce(guild_id)
        return True

    def lists(self, guild_id: int | None) -> AccessList:
        """A copy of a scope's lists (None: the global lists)."""
        found = self.state.lists.get(GLOBAL if guild_id is None else guild_id)
        if found is None:
            return AccessList()
        return AccessList(
            *(set(found.ids(k, m)) for k in ("allow", "block") for m in ("user", "role"))
        )

    async def _announce(self, guild_id: int | None) -> None:
        # Other shard processes (and this process's other shards) reload their state.
        if self.announcer is not None:
            await self.announcer(guild_id)

    # -- audit ---------------------------------------------------------------------------

    async def record(self, actor_id: int, guild_id: int | None, action: str, detail: str) -> None:
        """Append a change made elsewhere (the web console's ``web.*`` actions) to the log."""
        await self._audit(actor_id, guild_id, action, detail)

    async def _audit(self, actor_id: int, guild_id: int | None, action: str, detail: str) -> None:
        # Time first, so the ids of one scope sort chronologically; the random tail
        # keeps two changes in the same nanosecond (two shards) apart.
        entry_id = f"{time.time_ns():020d}-{os.urandom(4).hex()}"
        await self._conf.custom(_AUDIT, _audit_scope(guild_id), entry_id).set(
            {"actor": actor_id, "action": action, "detail": detail}
        )

    async def audit_log(self, guild_id: int | None, *, limit: int = 50) -> list[AuditEntry]:
        """The latest ``limit`` changes of a guild (None: global changes), newest first."""
        stored: dict[str, Any] = await self._conf.all_custom(_AUDIT, _audit_scope(guild_id))
        entries: list[AuditEntry] = []
        for entry_id in sorted(stored, reverse=True)[:limit]:
            doc = stored[entry_id]
            at = datetime.fromtimestamp(int(entry_id.partition("-")[0]) / 1e9, UTC)
            entries.append(
                AuditEntry(at, int(doc["actor"]), guild_id, str(doc["action"]), str(doc["detail"]))
            )
        return entries


def _audit_scope(guild_id: int | None) -> str:
    return "global" if guild_id is None else str(guild_id)


def _fill(state: PermissionState, guild_id: int | None, data: dict[str, Any]) -> None:
    for key, allow in data.get("rules", {}).items():
        state.rules.add(Rule.from_key(guild_id, key, bool(allow)))
    stored_lists = data.get("lists", {})
    if any(stored_lists.get(name) for name in _LISTS):
        lists = state.lists.edit(GLOBAL if guild_id is None else guild_id)
        for kind in ("allow", "block"):
            for member in ("user", "role"):
                lists.ids(kind, member).update(
                    int(i) for i in stored_lists.get(f"{kind}_{member}s", ())
                )
    if guild_id is not None and (data.get("mod_roles") or data.get("admin_roles")):
        state.roles[guild_id] = GuildRoles(
            frozenset(int(i) for i in data.get("mod_roles", ())),
            frozenset(int(i) for i in data.get("admin_roles", ())),
        )
