"""The Discord objects the emulator keeps: users, guilds, channels, roles, members."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

__all__ = ["ALL_PERMISSIONS", "Channel", "ChannelType", "Guild", "Member", "Role", "User"]

ALL_PERMISSIONS = (1 << 51) - 1


class ChannelType(IntEnum):
    """Discord's channel type numbers, for the kinds the emulator models."""

    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS = 5
    FORUM = 15


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    system: bool = False
    #: The language the person set in their Discord client: interactions carry it.
    locale: str = "en-US"

    @property
    def name(self) -> str:
        return self.username

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None  # set on a bot's managed role, as Discord's role tags do

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass(eq=False)
class Channel:
    id: int
    type: ChannelType
    name: str = ""
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    nsfw: bool = False
    recipient_ids: list[int] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def label(self) -> str:
        """How a person would name the channel in a sentence."""
        return f"#{self.name}" if self.guild_id is not None else "a DM"


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = ""
    communication_disabled_until: str | None = None  # ISO timestamp while timed out

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def display_name(self) -> str:
        return self.nick or self.user.global_name or self.user.username

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    joined_at: str = ""
    preferred_locale: str = "en-US"
    system_channel_id: int | None = None
    channels: list[Channel] = field(default_factory=list, repr=False)
    roles: list[Role] = field(default_factory=list, repr=False)
    member_ids: list[int] = field(default_factory=list, repr=False)
    #: In an outage (GUILD_DELETE with ``unavailable``): the gateway sends nothing of
    #: the guild and its members cannot act there until GUILD_CREATE brings it back.
    unavailable: bool = False

    @property
    def channel_ids(self) -> list[int]:
        return [c.id for c in self.channels]

    @property
    def role_ids(self) -> list[int]:
        return [r.id for r in self.roles]

    @property
    def everyone_role_id(self) -> int:
        """Discord gives @everyone the guild's own id."""
        return self.id
