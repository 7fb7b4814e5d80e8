"""Privilege levels, and how a member's level follows from who they are in a guild.

The level is computed from plain ids and permission bitfields (what a
:class:`~plughost.permissions.decision.PermissionRequest` carries), never from
interactions.py models, so the chain can answer without the Discord cache.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, final

__all__ = [
    "ADMINISTRATOR",
    "ADMIN_PERMISSIONS",
    "BAN_MEMBERS",
    "KICK_MEMBERS",
    "MANAGE_GUILD",
    "MANAGE_MESSAGES",
    "MODERATE_MEMBERS",
    "MOD_PERMISSIONS",
    "GuildRoles",
    "PrivilegeLevel",
    "has_permissions",
    "member_level",
    "permission_names",
]

# Discord's documented bit positions. Not imported from interactions.py: this
# module is on the import path of hookspecs (via decision.py), which the CLI loads
# without paying for interactions.py. A test pins them to interactions.Permissions.
KICK_MEMBERS: Final = 1 << 1
BAN_MEMBERS: Final = 1 << 2
ADMINISTRATOR: Final = 1 << 3
MANAGE_GUILD: Final = 1 << 5
MANAGE_MESSAGES: Final = 1 << 13
MODERATE_MEMBERS: Final = 1 << 40

ADMIN_PERMISSIONS: Final = ADMINISTRATOR | MANAGE_GUILD
"""Any one of these in the member's guild permissions makes them ADMIN."""
MOD_PERMISSIONS: Final = KICK_MEMBERS | BAN_MEMBERS | MANAGE_MESSAGES | MODERATE_MEMBERS
"""Any one of these in the member's guild permissions makes them (at least) MOD:
each lets a member remove people or content, which is what a moderator does."""

#: Names as Discord's own settings show them to members (not the API's names).
_NAMES: Final = MappingProxyType(
    {
        KICK_MEMBERS: "Kick Members",
        BAN_MEMBERS: "Ban Members",
        ADMINISTRATOR: "Administrator",
        MANAGE_GUILD: "Manage Server",
        MANAGE_MESSAGES: "Manage Messages",
        MODERATE_MEMBERS: "Timeout Members",
    }
)


class PrivilegeLevel(enum.IntEnum):
    """Who may run a command, ordered: each level includes those below it."""

    NONE = 0
    MOD = 1
    ADMIN = 2
    GUILD_OWNER = 3
    BOT_OWNER = 4


@final
@dataclass(frozen=True, slots=True)
class GuildRoles:
    """A guild's configured moderator and administrator roles."""

    mod: frozenset[int] = field(default_factory=frozenset)
    admin: frozenset[int] = field(default_factory=frozenset)


_NO_ROLES: Final = GuildRoles()


def has_permissions(held: int, wanted: int) -> bool:
    """Whether the bitfield ``held`` includes every bit of ``wanted``.

    ADMINISTRATOR implies every permission, as in Discord.
    """
    return bool(held & ADMINISTRATOR) or held & wanted == wanted


def member_level(
    invoker_id: int,
    *,
    owner_ids: Collection[int],
    guild_id: int | None,
    guild_owner_id: int | None = None,
    role_ids: Iterable[int] = (),
    guild_permissions: int = 0,
    roles: GuildRoles | Mapping[int, GuildRoles] = _NO_ROLES,
) -> PrivilegeLevel:
    """The privilege level of ``invoker_id``; in a DM (no guild) only BOT_OWNER or NONE.

    ``roles`` is the guild's :class:`GuildRoles` (or a mapping guild id -> roles).
    """
    if invoker_id in owner_ids:
        return PrivilegeLevel.BOT_OWNER
    if guild_id is None:
        return PrivilegeLevel.NONE
    if invoker_id == guild_owner_id:
        return PrivilegeLevel.GUILD_OWNER
    configured = roles if isinstance(roles, GuildRoles) else roles.get(guild_id, _NO_ROLES)
    if guild_permissions & ADMIN_PERMISSIONS:
        return PrivilegeLevel.ADMIN
    level = PrivilegeLevel.MOD if guild_permissions & MOD_PERMISSIONS else PrivilegeLevel.NONE
    for role in role_ids:
        if role in configured.admin:
            return PrivilegeLevel.ADMIN
        if role in configured.mod:
            level = PrivilegeLevel.MOD
    return level


def permission_names(bits: int) -> list[str]:
    """The names members see in Discord of the bits in ``bits`` ("Manage Server"),
    for denial reasons."""
    names: list[str] = []
    index = 0
    while bits >> index:
        bit = 1 << index
        if bits & bit:
            names.append(_NAMES.get(bit) or _interactions_name(bit))
        index += 1
    return names


def _interactions_name(bit: int) -> str:
    # Only reached for a bit outside the few this module names, in a denial reason:
    # importing interactions.py here is off the hot path.
    try:
        import interactions  # noqa: PLC0415 - see above

        name = interactions.Permissions(bit).name
    except (ImportError, ValueError):
        name = None
    # interactions.py's names are the API's (SEND_MESSAGES): "Send Messages".
    return name.replace("_", " ").title() if name else f"permission bit {bit.bit_length() - 1}"
