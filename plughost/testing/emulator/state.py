"""Everything the emulated Discord knows: users, guilds, channels, messages, commands."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from plughost.testing.emulator.changes import ChangeFeed
from plughost.testing.emulator.messages import Attachment, Message
from plughost.testing.emulator.models import (
    ALL_PERMISSIONS,
    Channel,
    ChannelType,
    Guild,
    Member,
    Role,
    User,
)
from plughost.testing.emulator.records import InteractionRecord
from plughost.testing.emulator.snowflake import SnowflakeGenerator, iso_timestamp, shard_for

__all__ = [
    "ADMINISTRATOR",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DEFAULT_PRIVILEGED_INTENTS",
    "PRIVILEGED_INTENTS",
    "Application",
    "DiscordState",
    "GuildUnavailable",
    "NotFound",
]

ADMINISTRATOR = 1 << 3

# What Discord grants @everyone in a new guild: see, talk, react, embed, attach,
# read history, use commands and external emoji, connect and speak, change nickname.
DEFAULT_EVERYONE_PERMISSIONS = (
    (1 << 0)
    | (1 << 6)
    | (1 << 10)
    | (1 << 11)
    | (1 << 14)
    | (1 << 15)
    | (1 << 16)
    | (1 << 18)
    | (1 << 20)
    | (1 << 21)
    | (1 << 26)
    | (1 << 31)
)


#: The bot's own role's position: Discord's limit of 250 roles keeps every other below it.
BOT_ROLE_POSITION = 250


class GuildUnavailable(RuntimeError):
    """A test acted in a guild that is in an outage (``start_guild_outage``): on
    Discord nobody can post or run a command there until it is back."""


class NotFound(LookupError):
    """A Discord object the request named does not exist (answered with Discord's code)."""

    def __init__(self, what: str, code: int) -> None:
        super().__init__(f"Unknown {what}")
        self.what = what
        self.code = code


#: The privileged gateway intents, and the application flag that says one is enabled.
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_PRESENCES_INTENT = 1 << 8
MESSAGE_CONTENT_INTENT = 1 << 15
PRIVILEGED_INTENTS = {
    GUILD_MEMBERS_INTENT: ("GUILD_MEMBERS", 1 << 15),  # GATEWAY_GUILD_MEMBERS_LIMITED
    GUILD_PRESENCES_INTENT: ("GUILD_PRESENCES", 1 << 13),  # GATEWAY_PRESENCE_LIMITED
    MESSAGE_CONTENT_INTENT: ("MESSAGE_CONTENT", 1 << 19),  # GATEWAY_MESSAGE_CONTENT_LIMITED
}
#: What a new application of the local Discord has enabled: members and message content.
DEFAULT_PRIVILEGED_INTENTS = GUILD_MEMBERS_INTENT | MESSAGE_CONTENT_INTENT


@dataclass(eq=False)
class Application:
    id: int
    name: str
    owner_id: int
    team_member_ids: list[int] | None = None
    team_id: int | None = None
    commands: dict[int | None, dict[int, dict[str, Any]]] = field(default_factory=dict)
    #: OAuth2: the secret the token exchange checks, and the redirect URIs registered
    #: in the developer portal (Discord refuses any other).
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    redirect_uris: list[str] = field(default_factory=list)
    #: The privileged intents switched on in the developer portal (intent bits).
    privileged_intents: int = DEFAULT_PRIVILEGED_INTENTS

    @property
    def flags(self) -> int:
        """The application flags Discord reports for those intents."""
        return sum(
            flag for bit, (_, flag) in PRIVILEGED_INTENTS.items() if self.privileged_intents & bit
        )


class DiscordState:
    """The emulated Discord's data, plus the change feed that wakes waiters."""

    def __init__(
        self,
        *,
        bot_name: str = "plughost",
        bot_permissions: int = ADMINISTRATOR,
        id_seed: str | None = None,
    ) -> None:
        # id_seed: the same guild, channel, role and user ids on every run (the console).
        self.snowflakes = SnowflakeGenerator(seed=id_seed)
        self.changes = ChangeFeed()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        # The bot's DM channel with each user, by user id (a scan of every channel
        # per message cost the scale bench most of the emulator's time).
        self._dms: dict[int, Channel] = {}
        self.roles: dict[int, Role] = {}
        self.members: dict[tuple[int, int], Member] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interaction_tokens: dict[str, InteractionRecord] = {}
        self.bans: dict[int, dict[int, str | None]] = {}  # guild id -> user id -> reason
        self.uploads: dict[int, Attachment] = {}  # files users attached to slash options
        self.bot_permissions = bot_permissions
        self.bot = self.create_user(bot_name, bot=True)
        self.application = Application(id=self.bot.id, name=bot_name, owner_id=self.bot.id)
        self.token = f"emulator.{self.bot.id}.{secrets.token_urlsafe(16)}"

    # -- users ----------------------------------------------------------------------

    def create_user(
        self, username: str, *, bot: bool = False, global_name: str | None = None
    ) -> User:
        user_id = self.snowflakes.named("bot" if bot else "user", username)
        user = User(user_id, username, global_name or username, bot=bot)
        self.users[user.id] = user
        return user

    def user(self, user_id: int) -> User:
        if user := self.users.get(user_id):
            return user
        raise NotFound("User", 10013)

    def user_named(self, username: str) -> User | None:
        return next((u for u in self.users.values() if u.username == username), None)

    # -- guilds, channels, roles, members ------------------------------------------

    def create_guild(self, name: str, owner: User, *, shard: int, shard_count: int) -> Guild:
        guild = Guild(
            id=self.snowflakes.named_on_shard("guild", name, shard, shard_count),
            name=name,
            owner_id=owner.id,
            joined_at=iso_timestamp(),
        )
        self.guilds[guild.id] = guild
        everyone = Role(guild.id, guild.id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS, position=0)
        self.roles[everyone.id] = everyone
        guild.roles.append(everyone)
        self.add_member(guild, owner)
        bot_role = self.create_role(guild, self.bot.username, self.bot_permissions)
        bot_role.managed, bot_role.bot_id = True, self.bot.id
        # On top: the bot outranks every role a test creates, as in a server set up for
        # a moderation bot (Discord refuses a kick or ban of anyone ranked at or above
        # the bot). A test raises a role's position above it to see that refusal.
        bot_role.position = BOT_ROLE_POSITION
        self.add_member(guild, self.bot, [bot_role.id])
        return guild

    def guild(self, guild_id: int) -> Guild:
        if guild := self.guilds.get(guild_id):
            return guild
        raise NotFound("Guild", 10004)

    def guilds_on_shard(self, shard_id: int, shard_count: int) -> list[Guild]:
        return [g for g in self.guilds.values() if shard_for(g.id, shard_count) == shard_id]

    def create_channel(
        self,
        guild: Guild,
        name: str,
        kind: ChannelType = ChannelType.TEXT,
        parent: Channel | None = None,
    ) -> Channel:
        channel = Channel(
            id=self.snowflakes.named("channel", f"{guild.id}/{name}"),
            type=kind,
            name=name,
            guild_id=guild.id,
            parent_id=parent.id if parent else None,
            position=len(guild.channels),
        )
        self.channels[channel.id] = channel
        self.channel_messages[channel.id] = []
        guild.channels.append(channel)
        if guild.system_channel_id is None and kind == ChannelType.TEXT:
            guild.system_channel_id = channel.id
        return channel

    def channel(self, channel_id: int) -> Channel:
        if channel := self.channels.get(channel_id):
            return channel
        raise NotFound("Channel", 10003)

    def channel_named(self, guild: Guild, name: str) -> Channel | None:
        name = name.removeprefix("#")
        return next((c for c in guild.channels if c.name == name), None)

    def dm_channel(self, user: User) -> Channel:
        """The bot's DM channel with ``user``, created on first use."""
        found = self._dms.get(user.id)
        if found is not None and self.channels.get(found.id) is found:
            return found
        channel = Channel(
            id=self.snowflakes.named("dm", str(user.id)),
            type=ChannelType.DM,
            recipient_ids=[user.id],
        )
        self.channels[channel.id] = channel
        self._dms[user.id] = channel
        self.channel_messages[channel.id] = []
        return channel

    def create_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        # Above every other role but the bot's own (see create_guild).
        position = max((r.position for r in guild.roles if r.bot_id is None), default=0) + 1
        role_id = self.snowflakes.named("role", f"{guild.id}/{name}")
        role = Role(role_id, guild.id, name, permissions, position=position)
        self.roles[role.id] = role
        guild.roles.append(role)
        return role

    def role(self, role_id: int) -> Role:
        if role := self.roles.get(role_id):
            return role
        raise NotFound("Role", 10011)

    def role_named(self, guild: Guild, name: str) -> Role | None:
        return next((r for r in guild.roles if r.name == name), None)

    def add_member(self, guild: Guild, user: User, role_ids: list[int] | None = None) -> Member:
        member = Member(user, guild.id, list(role_ids or []), joined_at=iso_timestamp())
        self.members[(guild.id, user.id)] = member
        guild.member_ids.append(user.id)
        return member

    def remove_member(self, guild: Guild, user_id: int) -> Member:
        member = self.member(guild.id, user_id)
        del self.members[(guild.id, user_id)]
        guild.member_ids.remove(user_id)
        return member

    def member(self, guild_id: int, user_id: int) -> Member:
        if member := self.members.get((guild_id, user_id)):
            return member
        raise NotFound("Member", 10007)

    def permissions(self, member: Member) -> int:
        """Guild-level permissions; channel overwrites are not modelled."""
        guild = self.guild(member.guild_id)
        if member.id == guild.owner_id:
            return ALL_PERMISSIONS
        value = self.roles[guild.everyone_role_id].permissions
        for role_id in member.role_ids:
            if role := self.roles.get(role_id):
                value |= role.permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    # -- messages -------------------------------------------------------------------

    def add_message(self, message: Message) -> Message:
        message.timestamp = message.timestamp or iso_timestamp()
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message.id)
        self.channel(message.channel_id).last_message_id = message.id
        return message

    def message(self, channel_id: int, message_id: int) -> Message:
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            raise NotFound("Message", 10008)
        return message

    def attachment(self, attachment_id: int) -> Attachment | None:
        if found := self.uploads.get(attachment_id):
            return found
        for message in self.messages.values():
            for attachment in message.attachments:
                if attachment.id == attachment_id:
                    return attachment
        return None

    def history(self, channel_id: int) -> list[Message]:
        """Visible messages of a channel, oldest first."""
        ids = self.channel_messages.get(channel_id, [])
        found = (self.messages[i] for i in ids)
        return [m for m in found if not m.deleted and not m.ephemeral]

    # -- application commands -------------------------------------------------------

    def commands(self, guild_id: int | None) -> dict[int, dict[str, Any]]:
        return self.application.commands.setdefault(guild_id, {})

    def interaction(self, token: str) -> InteractionRecord:
        if record := self.interaction_tokens.get(token):
            return record
        raise NotFound("Webhook", 10015)
