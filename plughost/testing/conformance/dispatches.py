"""Which parts of a gateway dispatch Discord's spec describes, and by which schema.

Discord's OpenAPI description covers REST only, but many dispatches carry the
objects REST returns: MESSAGE_CREATE is a message (plus the gateway's
``guild_id`` and ``member``), GUILD_ROLE_CREATE's ``role`` a role, GUILD_CREATE
holds the guild's roles, channels and members. Those parts are checked against the
same component schemas (``MessageResponse``, ``GuildRoleResponse``,
``GuildChannelResponse``, ``GuildMemberResponse``, ``UserResponse``). What has no
schema in the spec (READY's session fields, INTERACTION_CREATE, reactions,
GUILD_DELETE's unavailable guild) is not checked. Where Discord's gateway differs
from the REST object on purpose, `plughost.testing.conformance.tolerances` says
so with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

__all__ = ["CHECKED_EVENTS", "dispatch_parts"]

_MESSAGE: Final = "MessageResponse"
_MEMBER: Final = "GuildMemberResponse"
_ROLE: Final = "GuildRoleResponse"
_CHANNEL: Final = "GuildChannelResponse"
_USER: Final = "UserResponse"

#: The events that have at least one part checked.
CHECKED_EVENTS: Final = frozenset(
    {
        "READY",
        "GUILD_CREATE",
        "MESSAGE_CREATE",
        "MESSAGE_UPDATE",
        "GUILD_MEMBER_ADD",
        "GUILD_MEMBER_UPDATE",
        "GUILD_MEMBER_REMOVE",
        "GUILD_ROLE_CREATE",
        "GUILD_ROLE_UPDATE",
        "CHANNEL_CREATE",
        "CHANNEL_UPDATE",
        "CHANNEL_DELETE",
        "GUILD_BAN_ADD",
        "GUILD_BAN_REMOVE",
    }
)


def _each(path: str, schema: str, items: Any) -> Iterator[tuple[str, str, Any]]:
    for index, item in enumerate(items if isinstance(items, list) else []):
        yield f"{path}[{index}]", schema, item


def dispatch_parts(event: str, data: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(JSON path in the payload, component schema name, value) for each part of
    ``event``'s payload ``data`` that the spec describes."""
    match event:
        case "MESSAGE_CREATE" | "MESSAGE_UPDATE":
            yield "$", _MESSAGE, data
            if "member" in data:
                yield "$.member", _MEMBER, data["member"]
        case "GUILD_CREATE":
            yield from _each("$.roles", _ROLE, data.get("roles"))
            yield from _each("$.channels", _CHANNEL, data.get("channels"))
            yield from _each("$.members", _MEMBER, data.get("members"))
        case "GUILD_MEMBER_ADD" | "GUILD_MEMBER_UPDATE":
            yield "$", _MEMBER, data
        case "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE":
            yield "$.role", _ROLE, data.get("role")
        case "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE":
            yield "$", _CHANNEL, data
        case "READY" | "GUILD_MEMBER_REMOVE" | "GUILD_BAN_ADD" | "GUILD_BAN_REMOVE":
            yield "$.user", _USER, data.get("user")
        case _:
            return
