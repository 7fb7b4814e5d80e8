"""INTERACTION_CREATE payloads a member's slash command or button click would produce."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from plughost.testing.emulator.components import (
    ComponentNotFound,
    click_data,
    find_component,
    modal_submit_data,
)
from plughost.testing.emulator.messages import Attachment, Message
from plughost.testing.emulator.models import Channel, Member, Role, User
from plughost.testing.emulator.payloads import (
    attachment_json,
    channel_json,
    member_json,
    message_json,
    role_json,
    user_json,
)
from plughost.testing.emulator.records import InteractionRecord
from plughost.testing.emulator.state import DiscordState

__all__ = ["CommandNotRegistered", "Invoker", "find_command"]

_SUB_COMMAND, _SUB_COMMAND_GROUP = 1, 2
_MODAL_CALLBACK = 9
_OPTION_TYPES = {
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}


class CommandNotRegistered(AssertionError):
    """``slash()`` named a command the bot never registered with Discord."""


def _names(commands: Mapping[int, dict[str, Any]]) -> str:
    return (
        ", ".join(sorted(f"/{c['name']}" for c in commands.values() if c.get("type", 1) == 1))
        or "none"
    )


def find_command(state: DiscordState, name: str, guild_id: int | None) -> dict[str, Any]:
    """The registered chat command called ``name``: the guild's first, then the global one."""
    scopes = ([guild_id] if guild_id is not None else []) + [None]
    for scope in scopes:
        for command in state.commands(scope).values():
            if command["name"] == name and command.get("type", 1) == 1:
                return command
    guild_part = f"in this guild: {_names(state.commands(guild_id))}; " if guild_id else ""
    raise CommandNotRegistered(
        f"the bot has not registered a slash command /{name} "
        f"({guild_part}global: {_names(state.commands(None))})"
    )


class Invoker:
    """Builds interactions as Discord would send them, and records them for the replies."""

    def __init__(self, state: DiscordState, files_base: str) -> None:
        self.state = state
        self.files_base = files_base

    def slash(
        self, path: str, member: Member | User, channel: Channel, options: dict[str, Any]
    ) -> InteractionRecord:
        top, *subs = path.split()
        command = find_command(self.state, top, channel.guild_id)
        schema: list[dict[str, Any]] = list(command.get("options") or [])
        self._check_subcommand_path(command, subs)
        resolved: dict[str, dict[str, Any]] = {}
        leaf = self._options(path, schema, options, resolved, channel)
        for sub in reversed(subs):
            leaf = [{"name": sub, "type": self._sub_type(command, sub), "options": leaf}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": leaf,
        }
        if resolved:
            data["resolved"] = resolved
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return self._record(2, path, member, channel, data)

    def click(
        self,
        message: Message,
        component: str,
        member: Member | User,
        values: Sequence[Any] | None,
    ) -> InteractionRecord:
        """Press the button (or pick ``values`` in the select) whose custom_id or label
        is ``component``."""
        where = f"message {message.id} ({message.text()[:60]!r})"
        found = find_component(message.components, component, where)
        data = click_data(found, values, where)
        channel = self.state.channel(message.channel_id)
        record = self._record(3, data["custom_id"], member, channel, data)
        record.payload["message"] = message_json(self.state, message, files_base=self.files_base)
        record.original_message_id = message.id
        record.interacted_message_id = message.id
        return record

    def modal_submit(
        self, opened: InteractionRecord, values: Mapping[str, str]
    ) -> InteractionRecord:
        """The MODAL_SUBMIT of the modal the bot answered ``opened`` with."""
        if opened.callback_type != _MODAL_CALLBACK:
            raise ComponentNotFound(
                f"the bot answered {opened.name!r} with callback type {opened.callback_type}, "
                "not a modal (type 9)"
            )
        data = modal_submit_data(opened.callback_data, values)
        channel = self.state.channel(opened.channel_id)
        who: Member | User = self.state.users[opened.user_id]
        if channel.guild_id is not None:
            who = self.state.member(channel.guild_id, opened.user_id)
        record = self._record(5, data["custom_id"], who, channel, data)
        record.triggered_by = opened.id
        source = self.state.messages.get(opened.original_message_id or 0)
        if opened.type == 3 and source is not None:
            record.payload["message"] = message_json(self.state, source, files_base=self.files_base)
            record.original_message_id = source.id
        return record

    # -- building blocks ------------------------------------------------------------

    def _record(
        self, kind: int, name: str, who: Member | User, channel: Channel, data: dict[str, Any]
    ) -> InteractionRecord:
        state = self.state
        interaction_id = state.snowflakes.next()
        token = f"emulator-{interaction_id}-{secrets.token_urlsafe(24)}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(state.application.id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel_json(state, channel),
            "token": token,
            "version": 1,
            "locale": (who.user if isinstance(who, Member) else who).locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        user = who.user if isinstance(who, Member) else who
        if channel.guild_id is not None:
            member = who if isinstance(who, Member) else state.member(channel.guild_id, user.id)
            bot = state.member(channel.guild_id, state.bot.id)
            guild = state.guild(channel.guild_id)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                guild_locale=guild.preferred_locale,
                member={
                    **member_json(state, member),
                    "permissions": str(state.permissions(member)),
                },
                app_permissions=str(state.permissions(bot)),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user_json(user),
                app_permissions=str((1 << 51) - 1),
                authorizing_integration_owners={"0": str(user.id)},
                context=1,
            )
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=kind,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            user_id=user.id,
            name=name,
            payload=payload,
        )
        state.interactions[interaction_id] = record
        state.interaction_tokens[token] = record
        return record

    def _sub_type(self, command: dict[str, Any], name: str) -> int:
        for option in command.get("options") or []:
            if option["name"] == name:
                return int(option["type"])
        return _SUB_COMMAND

    def _check_subcommand_path(self, command: dict[str, Any], subs: list[str]) -> None:
        options: list[dict[str, Any]] = list(command.get("options") or [])
        for sub in subs:
            found = next(
                (
                    o
                    for o in options
                    if o["name"] == sub and o["type"] in (_SUB_COMMAND, _SUB_COMMAND_GROUP)
                ),
                None,
            )
            if found is None:
                known = [
                    o["name"] for o in options if o["type"] in (_SUB_COMMAND, _SUB_COMMAND_GROUP)
                ]
                listed = ", ".join(known) or "none"
                raise CommandNotRegistered(
                    f"/{command['name']} has no subcommand {sub!r} (it has: {listed})"
                )
            options = list(found.get("options") or [])
        # Discord's client offers only the leaves of a group: `/embedset` alone
        # cannot be sent, so the local Discord refuses it too, listing the leaves.
        leaves = [o["name"] for o in options if o["type"] in (_SUB_COMMAND, _SUB_COMMAND_GROUP)]
        if leaves:
            named = " ".join([command["name"], *subs])
            raise CommandNotRegistered(
                f"/{named} is a group; Discord runs only its subcommands: "
                + ", ".join(f"/{named} {leaf}" for leaf in leaves)
            )

    def _options(
        self,
        path: str,
        schema: list[dict[str, Any]],
        given: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        channel: Channel,
    ) -> list[dict[str, Any]]:
        for sub in path.split()[1:]:
            node = next((o for o in schema if o["name"] == sub), None)
            schema = list(node.get("options") or []) if node else []
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise TypeError(
                f"/{path} has no option {', '.join(sorted(unknown))} "
                f"(its options: {', '.join(by_name) or 'none'})"
            )
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing:
            raise TypeError(f"/{path} needs option(s) {', '.join(missing)}")
        built: list[dict[str, Any]] = []
        for name, value in given.items():
            option = by_name[name]
            kind = int(option["type"])
            typed = self._typed(path, option, value, resolved=resolved, channel=channel)
            built.append({"name": name, "type": kind, "value": typed})
        return built

    def _typed(
        self,
        path: str,
        option: dict[str, Any],
        value: Any,
        *,
        resolved: dict[str, dict[str, Any]],
        channel: Channel,
    ) -> Any:
        state = self.state
        kind = int(option["type"])
        match kind:
            case 3 | 4 | 10:
                converted: Any = {3: str, 4: int, 10: float}[kind](value)
                return self._choice(path, option, converted)
            case 5:
                return bool(value)
            case 6 | 9 if isinstance(value, Member | User | str):
                user = value if isinstance(value, User) else self._user(value)
                resolved.setdefault("users", {})[str(user.id)] = user_json(user)
                guild_member = state.members.get((channel.guild_id or 0, user.id))
                if guild_member is not None:
                    member_data = member_json(state, guild_member, with_user=False)
                    member_data["permissions"] = str(state.permissions(guild_member))
                    resolved.setdefault("members", {})[str(user.id)] = member_data
                return str(user.id)
            case 7 if isinstance(value, Channel):
                data = channel_json(state, value)
                data["permissions"] = str((1 << 51) - 1)
                resolved.setdefault("channels", {})[str(value.id)] = data
                return str(value.id)
            case 8 | 9 if isinstance(value, Role):
                resolved.setdefault("roles", {})[str(value.id)] = role_json(value)
                return str(value.id)
            case 11:
                attachment = self._attachment(value)
                files = resolved.setdefault("attachments", {})
                files[str(attachment.id)] = attachment_json(
                    self.files_base, _upload_holder(channel), attachment
                )
                return str(attachment.id)
        raise TypeError(
            f"/{path} option {option['name']!r} is a {_OPTION_TYPES.get(kind, kind)}; "
            f"got {type(value).__name__} {value!r}"
        )

    def _choice(self, path: str, option: dict[str, Any], value: Any) -> Any:
        choices = option.get("choices") or []
        if not choices:
            return value
        for choice in choices:
            if value in (choice["value"], choice["name"]):
                return choice["value"]
        names = ", ".join(repr(c["name"]) for c in choices)
        raise TypeError(f"/{path} option {option['name']!r} must be one of {names}; got {value!r}")

    def _user(self, value: Member | str) -> User:
        if isinstance(value, Member):
            return value.user
        user = self.state.user_named(value)
        if user is None:
            raise TypeError(f"no user named {value!r}")
        return user

    def _attachment(self, value: Any) -> Attachment:
        if isinstance(value, Attachment):
            attachment = value
        elif isinstance(value, tuple) and len(value) == 2:
            name, data = value
            attachment = Attachment(self.state.snowflakes.next(), str(name), bytes(data))
        else:
            raise TypeError(
                f"an attachment option takes (name, bytes) or an Attachment; got {value!r}"
            )
        self.state.uploads[attachment.id] = attachment
        return attachment


def _upload_holder(channel: Channel) -> Message:
    # attachment_json only needs the channel (for the URL) and the ephemeral flag.
    return Message(id=0, channel_id=channel.id, guild_id=channel.guild_id, author_id=0)
