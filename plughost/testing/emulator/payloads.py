"""Discord JSON for the emulator's objects, shaped as API v10 sends them."""

from __future__ import annotations

import re
from typing import Any, Final

from plughost.testing.emulator.messages import Attachment, Message
from plughost.testing.emulator.models import Channel, ChannelType, Guild, Member, Role, User
from plughost.testing.emulator.records import InteractionRecord
from plughost.testing.emulator.state import DiscordState

_COMPONENT, _MODAL_SUBMIT = 3, 5

__all__ = [
    "application_json",
    "attachment_json",
    "channel_json",
    "guild_create_json",
    "guild_json",
    "interaction_metadata_json",
    "member_json",
    "message_json",
    "role_json",
    "user_json",
]


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.username,
        "global_name": user.global_name,
        "discriminator": "0",
        "avatar": None,
        "avatar_decoration_data": None,
        "banner": None,
        "accent_color": None,
        "public_flags": 0,
        "flags": 0,
        "bot": user.bot,
        "system": user.system,
        "collectibles": None,
        "primary_guild": None,
    }


def member_json(state: DiscordState, member: Member, *, with_user: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": [str(r) for r in member.role_ids],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": member.communication_disabled_until,
    }
    if with_user:
        data["user"] = user_json(member.user)
    return data


def role_json(role: Role) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        # Discord's gradient colours: the emulator keeps one, so the others are null,
        # as Discord sends them for a role of a single colour.
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.bot_id is not None:
        data["tags"] = {"bot_id": str(role.bot_id)}
    return data


def channel_json(state: DiscordState, channel: Channel) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(channel.id),
        "type": int(channel.type),
        "last_message_id": str(channel.last_message_id) if channel.last_message_id else None,
        "flags": 0,
    }
    if channel.type == ChannelType.DM:
        data["recipients"] = [user_json(state.user(u)) for u in channel.recipient_ids]
        return data
    data.update(
        guild_id=str(channel.guild_id),
        name=channel.name,
        position=channel.position,
        permission_overwrites=[],
        parent_id=str(channel.parent_id) if channel.parent_id else None,
        nsfw=channel.nsfw,
    )
    if channel.type in (ChannelType.TEXT, ChannelType.NEWS, ChannelType.FORUM):
        data.update(topic=channel.topic, rate_limit_per_user=0)
    if channel.type == ChannelType.VOICE:
        data.update(bitrate=64000, user_limit=0, rtc_region=None)
    return data


def guild_json(state: DiscordState, guild: Guild) -> dict[str, Any]:
    """The guild object REST returns (no channels or members)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "icon_hash": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "region": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "widget_enabled": False,
        "widget_channel_id": None,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_json(r) for r in guild.roles],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": str(guild.system_channel_id) if guild.system_channel_id else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": guild.preferred_locale,
        "max_video_channel_users": 25,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
    }


def guild_create_json(state: DiscordState, guild: Guild) -> dict[str, Any]:
    """The gateway's GUILD_CREATE payload: the guild with channels, members and the rest."""
    data = guild_json(state, guild)
    data.update(
        joined_at=guild.joined_at,
        large=False,
        unavailable=False,
        member_count=len(guild.member_ids),
        members=[member_json(state, state.members[(guild.id, u)]) for u in guild.member_ids],
        channels=[_without_guild_id(channel_json(state, c)) for c in guild.channels],
        threads=[],
        voice_states=[],
        presences=[],
        stage_instances=[],
        guild_scheduled_events=[],
        soundboard_sounds=[],
    )
    return data


def _without_guild_id(channel: dict[str, Any]) -> dict[str, Any]:
    # GUILD_CREATE omits guild_id on its channels; the client fills it in itself.
    channel.pop("guild_id", None)
    return channel


def attachment_json(files_base: str, message: Message, attachment: Attachment) -> dict[str, Any]:
    url = f"{files_base}/attachments/{message.channel_id}/{attachment.id}/{attachment.name}"
    data: dict[str, Any] = {
        "id": str(attachment.id),
        "filename": attachment.name,
        "size": attachment.size,
        "url": url,
        "proxy_url": url,
        "ephemeral": message.ephemeral,
    }
    # Discord leaves out what the upload did not say, rather than sending null.
    if attachment.description is not None:
        data["description"] = attachment.description
    if attachment.content_type is not None:
        data["content_type"] = attachment.content_type
    return data


def message_json(
    state: DiscordState, message: Message, *, files_base: str, hide_content: bool = False
) -> dict[str, Any]:
    """A message as REST returns it and MESSAGE_CREATE carries it.

    ``hide_content`` blanks what the MESSAGE_CONTENT intent guards, as Discord does
    for a bot that did not request it.
    """
    author = state.user(message.author_id)
    data: dict[str, Any] = {
        "id": str(message.id),
        "type": message.type,
        "channel_id": str(message.channel_id),
        "author": user_json(author),
        "content": "" if hide_content else message.content,
        "timestamp": message.timestamp,
        "edited_timestamp": message.edited_timestamp,
        "tts": message.tts,
        "mention_everyone": _mentions_everyone(state, message),
        "mentions": [user_json(u) for u in _mentioned_users(state, message)],
        "mention_roles": _mentioned_roles(state, message),
        "attachments": []
        if hide_content
        else [attachment_json(files_base, message, a) for a in message.attachments],
        "embeds": [] if hide_content else message.embeds,
        "components": [] if hide_content else message.components,
        "reactions": [
            {
                "emoji": _emoji_json(r.emoji),
                "count": r.count,
                "count_details": {"burst": 0, "normal": r.count},
                "me": state.bot.id in r.user_ids,
                "me_burst": False,
                "burst_colors": [],
            }
            for r in message.reactions
            if r.user_ids
        ],
        "pinned": False,
        "flags": message.flags,
    }
    if message.guild_id is not None:
        data["guild_id"] = str(message.guild_id)
    if message.webhook_id is not None:
        data["webhook_id"] = str(message.webhook_id)
        data["application_id"] = str(state.application.id)
    if message.reference_id is not None:
        data["message_reference"] = {
            "type": 0,
            "message_id": str(message.reference_id),
            "channel_id": str(message.channel_id),
        }
        if message.guild_id is not None:
            data["message_reference"]["guild_id"] = str(message.guild_id)
    if message.interaction_id is not None and (
        record := state.interactions.get(message.interaction_id)
    ):
        data["interaction_metadata"] = interaction_metadata_json(state, record, message)
    return data


def interaction_metadata_json(
    state: DiscordState, record: InteractionRecord, message: Message | None = None
) -> dict[str, Any]:
    """What a message says of the interaction it answers (Discord's ``interaction_metadata``).

    A component's names the message clicked (``interacted_message_id``); a modal
    submit's carries the metadata of the interaction that opened the modal; a
    followup's names the original response.
    """
    data: dict[str, Any] = {
        "id": str(record.id),
        "type": record.type,
        "user": user_json(state.user(record.user_id)),
        "authorizing_integration_owners": dict(
            record.payload.get("authorizing_integration_owners") or {}
        ),
    }
    if (
        message is not None
        and record.original_message_id is not None
        and message.id != record.original_message_id
        and record.type != _COMPONENT
    ):
        data["original_response_message_id"] = str(record.original_message_id)
    if record.type == _COMPONENT and record.interacted_message_id is not None:
        data["interacted_message_id"] = str(record.interacted_message_id)
    if record.type == _MODAL_SUBMIT:
        opener = state.interactions.get(record.triggered_by or 0)
        if opener is not None:
            data["triggering_interaction_metadata"] = interaction_metadata_json(state, opener)
        else:  # cannot happen through FakeDiscord: a modal is always opened by something
            data["triggering_interaction_metadata"] = {
                "id": str(record.id),
                "type": 2,
                "authorizing_integration_owners": data["authorizing_integration_owners"],
            }
    return data


_MENTION_EVERYONE: Final = 1 << 17
_USER_MENTION: Final = re.compile(r"<@!?(\d+)>")  # <@!id>: the old nickname form
_ROLE_MENTION: Final = re.compile(r"<@&(\d+)>")


def _may_mention_everyone(state: DiscordState, message: Message) -> bool:
    """Whether the author has MENTION_EVERYONE where the message is (never in a DM)."""
    if message.guild_id is None:
        return False
    member = state.members.get((message.guild_id, message.author_id))
    return member is not None and bool(state.permissions(member) & _MENTION_EVERYONE)


def _mentions_everyone(state: DiscordState, message: Message) -> bool:
    content = message.content
    return (
        message.allowed_mentions.everyone
        and ("@everyone" in content or "@here" in content)
        and _may_mention_everyone(state, message)
    )


def _mentioned_roles(state: DiscordState, message: Message) -> list[str]:
    # A role is mentioned when it is mentionable, or by an author with MENTION_EVERYONE.
    allowed = message.allowed_mentions
    ids = {int(found) for found in _ROLE_MENTION.findall(message.content)}
    roles = [state.roles[r] for r in sorted(ids) if r in state.roles and allowed.role(r)]
    if any(not role.mentionable for role in roles) and not _may_mention_everyone(state, message):
        roles = [role for role in roles if role.mentionable]
    return [str(role.id) for role in roles]


def _mentioned_users(state: DiscordState, message: Message) -> list[User]:
    # From the content, not by testing every user against it: that cost ~25 ms a
    # message with 250,000 users (bench/scale.py). In creation order, as before.
    # Only those allowed_mentions lets through (see emulator/mentions.py).
    allowed = message.allowed_mentions
    ids = {
        int(found) for found in _USER_MENTION.findall(message.content) if allowed.user(int(found))
    }
    if allowed.replied_user and message.reference_id is not None:
        replied = state.messages.get(message.reference_id)
        if replied is not None:
            ids.add(replied.author_id)
    return sorted((u for i in ids if (u := state.users.get(i)) is not None), key=lambda u: u.id)


def _emoji_json(emoji: str) -> dict[str, Any]:
    # Custom emoji travel as "name:id"; unicode emoji as themselves.
    name, _, emoji_id = emoji.partition(":")
    return {"id": emoji_id or None, "name": name}


def application_json(state: DiscordState) -> dict[str, Any]:
    app = state.application
    owner = state.user(app.owner_id)
    data: dict[str, Any] = {
        "id": str(app.id),
        "name": app.name,
        "icon": None,
        "description": "",
        "summary": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "type": None,
        # The privileged intents enabled in the developer portal, as the "limited" bits
        # Discord gives a bot in fewer than 100 guilds.
        "flags": app.flags,
        "flags_new": str(app.flags),
        "owner": user_json(owner),
        "bot": user_json(state.bot),
        "team": None,
        "approximate_guild_count": len(state.guilds),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
        "tags": [],
        "hook": True,
    }
    if app.team_member_ids is not None:
        team_id = str(app.team_id)
        data["owner"] = {**user_json(owner), "id": team_id, "username": f"team{team_id}"}
        data["team"] = {
            "id": team_id,
            "name": f"{app.name} team",
            "icon": None,
            "owner_user_id": str(app.owner_id),
            "members": [
                {
                    "membership_state": 2,
                    "team_id": team_id,
                    "permissions": ["*"],
                    "role": "admin",
                    "user": user_json(state.user(uid)),
                }
                for uid in app.team_member_ids
            ],
        }
    return data
