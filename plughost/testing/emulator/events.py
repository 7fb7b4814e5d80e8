"""Gateway events built from state changes, shared by REST handlers and user actions."""

from __future__ import annotations

from typing import Any

from plughost.testing.emulator.gateway import Gateway, GatewaySession
from plughost.testing.emulator.messages import Message
from plughost.testing.emulator.models import Channel, Guild, Member, Role, User
from plughost.testing.emulator.payloads import (
    channel_json,
    guild_create_json,
    member_json,
    message_json,
    role_json,
    user_json,
)
from plughost.testing.emulator.state import DiscordState

__all__ = ["EventSource", "Intent"]


class Intent:
    """Gateway intent bits that decide who receives what."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    MESSAGE_CONTENT = 1 << 15


class EventSource:
    """Turns a change in :class:`DiscordState` into the gateway event Discord would send."""

    def __init__(self, state: DiscordState, gateway: Gateway, files_base: str) -> None:
        self.state = state
        self.gateway = gateway
        self.files_base = files_base

    def message_json(self, message: Message, *, hide_content: bool = False) -> dict[str, Any]:
        """A message as a gateway event carries it: with the author's ``member``."""
        data = message_json(
            self.state, message, files_base=self.files_base, hide_content=hide_content
        )
        if message.guild_id is not None and (
            member := self.state.members.get((message.guild_id, message.author_id))
        ):
            data["member"] = member_json(self.state, member, with_user=False)
        return data

    def rest_message_json(self, message: Message) -> dict[str, Any]:
        """A message as REST returns it: no ``member`` (Discord sends that only on the
        gateway), content hidden unless the application has the message-content intent
        enabled (REST has no IDENTIFY: the developer-portal setting decides)."""
        enabled = bool(self.state.application.privileged_intents & Intent.MESSAGE_CONTENT)
        hidden = not enabled and self._guarded(message)
        return message_json(self.state, message, files_base=self.files_base, hide_content=hidden)

    def _guarded(self, message: Message) -> bool:
        """Whether the message-content intent guards this message's content for the bot:
        not its own messages, DMs, or messages that mention it."""
        if message.guild_id is None:
            return False
        bot = self.state.bot
        mentioned = bot.mention in message.content or f"<@!{bot.id}>" in message.content
        return message.author_id != bot.id and not mentioned

    def _content_hidden(self, session: GatewaySession, message: Message) -> bool:
        return not session.intents & Intent.MESSAGE_CONTENT and self._guarded(message)

    def _message_event(self, event: str, message: Message) -> int:
        if message.ephemeral:
            return 0  # ephemeral messages never reach the gateway
        intent = Intent.DIRECT_MESSAGES if message.guild_id is None else Intent.GUILD_MESSAGES
        return self.gateway.dispatch(
            event,
            lambda s: self.message_json(message, hide_content=self._content_hidden(s, message)),
            guild_id=message.guild_id,
            intent=intent,
        )

    def message_create(self, message: Message) -> int:
        return self._message_event("MESSAGE_CREATE", message)

    def message_update(self, message: Message) -> int:
        return self._message_event("MESSAGE_UPDATE", message)

    def message_delete(self, message: Message) -> int:
        data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        intent = Intent.DIRECT_MESSAGES if message.guild_id is None else Intent.GUILD_MESSAGES
        return self.gateway.dispatch(
            "MESSAGE_DELETE", data, guild_id=message.guild_id, intent=intent
        )

    def reaction(self, message: Message, emoji: str, user_id: int, *, added: bool) -> int:
        name, _, emoji_id = emoji.partition(":")
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": {"id": emoji_id or None, "name": name},
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
            if added and (member := self.state.members.get((message.guild_id, user_id))):
                data["member"] = member_json(self.state, member)
        if added:
            data["message_author_id"] = str(message.author_id)
        intent = (
            Intent.DIRECT_MESSAGE_REACTIONS
            if message.guild_id is None
            else Intent.GUILD_MESSAGE_REACTIONS
        )
        event = "MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE"
        return self.gateway.dispatch(event, data, guild_id=message.guild_id, intent=intent)

    def member_add(self, member: Member) -> int:
        data = {**member_json(self.state, member), "guild_id": str(member.guild_id)}
        return self.gateway.dispatch(
            "GUILD_MEMBER_ADD", data, guild_id=member.guild_id, intent=Intent.GUILD_MEMBERS
        )

    def member_update(self, member: Member) -> int:
        data = {**member_json(self.state, member), "guild_id": str(member.guild_id)}
        return self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", data, guild_id=member.guild_id, intent=Intent.GUILD_MEMBERS
        )

    def member_remove(self, guild_id: int, user: User) -> int:
        data = {"guild_id": str(guild_id), "user": user_json(user)}
        return self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE", data, guild_id=guild_id, intent=Intent.GUILD_MEMBERS
        )

    def guild_create(self, guild: Guild) -> int:
        return self.gateway.dispatch(
            "GUILD_CREATE", lambda _: guild_create_json(self.state, guild), guild_id=guild.id
        )

    def channel(self, channel: Channel, event: str = "CHANNEL_CREATE") -> int:
        """CHANNEL_CREATE, CHANNEL_UPDATE or CHANNEL_DELETE for a guild channel."""
        return self.gateway.dispatch(
            event,
            channel_json(self.state, channel),
            guild_id=channel.guild_id,
            intent=Intent.GUILDS,
        )

    def channel_create(self, channel: Channel) -> int:
        return self.channel(channel)

    def ban(self, guild_id: int, user: User, *, added: bool) -> int:
        event = "GUILD_BAN_ADD" if added else "GUILD_BAN_REMOVE"
        data = {"guild_id": str(guild_id), "user": user_json(user)}
        return self.gateway.dispatch(event, data, guild_id=guild_id, intent=Intent.GUILD_MODERATION)

    def guild_delete(self, guild_id: int, *, unavailable: bool = False) -> int:
        """GUILD_DELETE: the bot left or was removed, or (``unavailable``) an outage."""
        data: dict[str, Any] = {"id": str(guild_id)}
        # Discord sends ``unavailable`` only for an outage; a removal leaves it out.
        if unavailable:
            data["unavailable"] = True
        return self.gateway.dispatch("GUILD_DELETE", data, guild_id=guild_id)

    def role(self, role: Role, *, created: bool = False, deleted: bool = False) -> int:
        if deleted:
            data: dict[str, Any] = {"guild_id": str(role.guild_id), "role_id": str(role.id)}
            return self.gateway.dispatch(
                "GUILD_ROLE_DELETE", data, guild_id=role.guild_id, intent=Intent.GUILDS
            )
        event = "GUILD_ROLE_CREATE" if created else "GUILD_ROLE_UPDATE"
        data = {"guild_id": str(role.guild_id), "role": role_json(role)}
        return self.gateway.dispatch(event, data, guild_id=role.guild_id, intent=Intent.GUILDS)

    def interaction_create(self, payload: dict[str, Any], guild_id: int | None) -> int:
        return self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=guild_id)
