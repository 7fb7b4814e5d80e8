"""REST routes for the gateway, users, the application, its commands, guilds and members."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from plughost.testing.emulator.application_commands import (
    CHAT_INPUT,
    MAX_COMMANDS,
    check_command,
    check_commands,
    normalise_command,
)
from plughost.testing.emulator.models import ChannelType
from plughost.testing.emulator.payloads import (
    application_json,
    channel_json,
    guild_json,
    member_json,
    role_json,
    user_json,
)
from plughost.testing.emulator.rest import (
    ApiError,
    ApiRequest,
    RestContext,
    Router,
    no_content,
    reply,
)

__all__ = ["CoreRoutes"]


class CoreRoutes:
    """Everything the client calls on startup, plus guild, member and role look-ups."""

    def __init__(self, ctx: RestContext) -> None:
        self.ctx = ctx
        self.state = ctx.state

    def register(self, router: Router) -> None:
        add = router.add
        add("GET", "/gateway", self.get_gateway)
        add("GET", "/gateway/bot", self.get_gateway_bot)
        add("GET", "/users/@me", self.get_me)
        add("GET", "/users/@me/guilds", self.get_my_guilds)
        add("GET", "/users/{user_id}", self.get_user)
        add("GET", "/oauth2/applications/@me", self.get_application)
        add("GET", "/applications/@me", self.get_application)
        for prefix in ("/applications/{app_id}", "/applications/{app_id}/guilds/{guild_id}"):
            add("GET", f"{prefix}/commands", self.list_commands)
            add("PUT", f"{prefix}/commands", self.overwrite_commands)
            add("POST", f"{prefix}/commands", self.create_command)
            add("GET", prefix + "/commands/{command_id}", self.get_command)
            add("PATCH", prefix + "/commands/{command_id}", self.edit_command)
            add("DELETE", prefix + "/commands/{command_id}", self.delete_command)
        add(
            "GET",
            "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
            self.command_permissions,
        )
        add("GET", "/guilds/{guild_id}", self.get_guild)
        add("GET", "/guilds/{guild_id}/channels", self.get_guild_channels)
        add("POST", "/guilds/{guild_id}/channels", self.create_guild_channel)
        add("GET", "/guilds/{guild_id}/roles", self.get_roles)
        add("POST", "/guilds/{guild_id}/roles", self.create_role)
        add("PATCH", "/guilds/{guild_id}/roles/{role_id}", self.edit_role)
        add("DELETE", "/guilds/{guild_id}/roles/{role_id}", self.delete_role)
        add("GET", "/guilds/{guild_id}/bans", self.list_bans)
        add("GET", "/guilds/{guild_id}/bans/{user_id}", self.get_ban)
        add("DELETE", "/users/@me/guilds/{guild_id}", self.leave_guild)
        add("GET", "/guilds/{guild_id}/members", self.list_members)
        add("GET", "/guilds/{guild_id}/members/search", self.search_members)
        add("PATCH", "/guilds/{guild_id}/members/@me", self.edit_me)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member)
        add("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.add_member_role)
        add(
            "DELETE",
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            self.remove_member_role,
        )
        for empty in ("emojis", "stickers", "invites", "webhooks", "scheduled-events"):
            add("GET", f"/guilds/{{guild_id}}/{empty}", self.empty_list)
        add("GET", "/channels/{channel_id}", self.get_channel)
        add("PATCH", "/channels/{channel_id}", self.edit_channel)
        add("DELETE", "/channels/{channel_id}", self.delete_channel)

    # -- gateway, users, application ------------------------------------------------

    async def get_gateway(self, req: ApiRequest) -> web.Response:
        return reply({"url": self.ctx.gateway_url})

    async def get_gateway_bot(self, req: ApiRequest) -> web.Response:
        return reply(
            {
                "url": self.ctx.gateway_url,
                "shards": self.ctx.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def get_me(self, req: ApiRequest) -> web.Response:
        me = user_json(self.state.bot)
        me.update(verified=True, mfa_enabled=False, email=None, locale="en-US")
        return reply(me)

    async def get_my_guilds(self, req: ApiRequest) -> web.Response:
        bot = self.state.bot.id
        guilds = sorted(
            (g for g in self.state.guilds.values() if bot in g.member_ids), key=lambda g: g.id
        )
        return reply(
            [
                {
                    "id": str(g.id),
                    "name": g.name,
                    "icon": None,
                    "owner": False,
                    "permissions": str(
                        self.state.permissions(self.state.member(g.id, self.state.bot.id))
                    ),
                    "features": [],
                }
                for g in guilds
            ]
        )

    async def get_user(self, req: ApiRequest) -> web.Response:
        return reply(user_json(self.state.user(req.snowflake("user_id"))))

    async def get_application(self, req: ApiRequest) -> web.Response:
        return reply(application_json(self.state))

    # -- application commands -------------------------------------------------------

    def _scope(self, req: ApiRequest) -> int | None:
        if req.snowflake("app_id") != self.state.application.id:
            raise ApiError(403, "Missing Access", 50001)
        if "guild_id" not in req.params:
            return None
        return self.state.guild(req.snowflake("guild_id")).id

    def _command_json(
        self, scope: int | None, body: dict[str, Any], command_id: int
    ) -> dict[str, Any]:
        return normalise_command(
            body,
            command_id=command_id,
            application_id=self.state.application.id,
            version=self.state.snowflakes.next(),
            guild_id=scope,
        )

    def _existing_id(self, scope: int | None, body: dict[str, Any]) -> int:
        """Discord keeps a command's id when one of the same name and type is overwritten."""
        kind = body.get("type") or CHAT_INPUT
        for command_id, command in self.state.commands(scope).items():
            if command["name"] == body.get("name") and command["type"] == kind:
                return command_id
        return self.state.snowflakes.next()

    async def list_commands(self, req: ApiRequest) -> web.Response:
        return reply(list(self.state.commands(self._scope(req)).values()))

    async def overwrite_commands(self, req: ApiRequest) -> web.Response:
        scope = self._scope(req)
        check_commands(req.json)
        new: dict[int, dict[str, Any]] = {}
        for body in req.json:
            command_id = self._existing_id(scope, body)
            new[command_id] = self._command_json(scope, body, command_id)
        self.state.application.commands[scope] = new
        return reply(list(new.values()))

    async def create_command(self, req: ApiRequest) -> web.Response:
        scope = self._scope(req)
        body = req.body
        check_command(body)
        existing = self.state.commands(scope)
        kind = body.get("type") or CHAT_INPUT
        count = sum(1 for c in existing.values() if c["type"] == kind)
        is_new = not any(c["name"] == body.get("name") for c in existing.values())
        if is_new and count >= MAX_COMMANDS.get(kind, MAX_COMMANDS[CHAT_INPUT]):
            raise ApiError(400, "Maximum number of application commands reached", 30032)
        command_id = self._existing_id(scope, body)
        created = command_id not in self.state.commands(scope)
        command = self._command_json(scope, body, command_id)
        self.state.commands(scope)[command_id] = command
        return reply(command, 201 if created else 200)

    def _command(self, req: ApiRequest) -> tuple[int | None, dict[str, Any]]:
        scope = self._scope(req)
        command = self.state.commands(scope).get(req.snowflake("command_id"))
        if command is None:
            raise ApiError(404, "Unknown application command", 10063)
        return scope, command

    async def get_command(self, req: ApiRequest) -> web.Response:
        return reply(self._command(req)[1])

    async def edit_command(self, req: ApiRequest) -> web.Response:
        scope, command = self._command(req)
        merged = {**command, **req.body}
        check_command(merged)
        updated = self._command_json(scope, merged, int(command["id"]))
        self.state.commands(scope)[int(command["id"])] = updated
        return reply(updated)

    async def delete_command(self, req: ApiRequest) -> web.Response:
        scope, command = self._command(req)
        del self.state.commands(scope)[int(command["id"])]
        return no_content()

    async def command_permissions(self, req: ApiRequest) -> web.Response:
        self._scope(req)
        return reply([])

    # -- guilds, channels, roles, members -------------------------------------------

    async def get_guild(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        data = guild_json(self.state, guild)
        if req.query.get("with_counts") in ("true", "True", "1"):
            data.update(
                approximate_member_count=len(guild.member_ids), approximate_presence_count=0
            )
        return reply(data)

    async def get_guild_channels(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        return reply([channel_json(self.state, c) for c in guild.channels])

    async def create_guild_channel(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        body = req.body
        parent = self.state.channel(int(body["parent_id"])) if body.get("parent_id") else None
        kind = ChannelType(int(body.get("type", 0)))
        channel = self.state.create_channel(guild, str(body.get("name", "")), kind, parent)
        channel.topic = body.get("topic")
        self.ctx.events.channel_create(channel)
        return reply(channel_json(self.state, channel), 201)

    async def get_channel(self, req: ApiRequest) -> web.Response:
        return reply(channel_json(self.state, self.state.channel(req.snowflake("channel_id"))))

    async def edit_channel(self, req: ApiRequest) -> web.Response:
        channel = self.state.channel(req.snowflake("channel_id"))
        body = req.body
        if "name" in body:
            channel.name = str(body["name"])
        if "topic" in body:
            channel.topic = body["topic"]
        if "parent_id" in body:
            channel.parent_id = int(body["parent_id"]) if body["parent_id"] else None
        self.ctx.events.channel(channel, "CHANNEL_UPDATE")
        return reply(channel_json(self.state, channel))

    async def delete_channel(self, req: ApiRequest) -> web.Response:
        channel = self.state.channel(req.snowflake("channel_id"))
        if channel.guild_id is not None:
            self.state.guild(channel.guild_id).channels.remove(channel)
            self.ctx.events.channel(channel, "CHANNEL_DELETE")
        del self.state.channels[channel.id]
        return reply(channel_json(self.state, channel))

    async def get_roles(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        return reply([role_json(r) for r in guild.roles])

    async def create_role(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        body = req.body
        role = self.state.create_role(
            guild, str(body.get("name", "new role")), int(body.get("permissions", 0))
        )
        role.color = int(body.get("color", 0))
        role.hoist = bool(body.get("hoist", False))
        role.mentionable = bool(body.get("mentionable", False))
        self.ctx.events.role(role, created=True)
        return reply(role_json(role))

    async def edit_role(self, req: ApiRequest) -> web.Response:
        self.state.guild(req.snowflake("guild_id"))
        role = self.state.role(req.snowflake("role_id"))
        body = req.body
        if "name" in body:
            role.name = str(body["name"])
        if "permissions" in body:
            role.permissions = int(body["permissions"])
        if "color" in body:
            role.color = int(body["color"] or 0)
        self.ctx.events.role(role, created=False)
        return reply(role_json(role))

    async def delete_role(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        role = self.state.role(req.snowflake("role_id"))
        guild.roles.remove(role)
        del self.state.roles[role.id]
        for (guild_id, _), member in self.state.members.items():
            if guild_id == guild.id and role.id in member.role_ids:
                member.role_ids.remove(role.id)
        self.ctx.events.role(role, deleted=True)
        return no_content()

    def _ban_json(self, guild_id: int, user_id: int) -> dict[str, Any]:
        reason = self.state.bans.get(guild_id, {})[user_id]
        return {"user": user_json(self.state.user(user_id)), "reason": reason}

    async def list_bans(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        banned = self.state.bans.get(guild.id, {})
        return reply([self._ban_json(guild.id, u) for u in banned])

    async def get_ban(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        user_id = req.snowflake("user_id")
        if user_id not in self.state.bans.get(guild.id, {}):
            raise ApiError(404, "Unknown Ban", 10026)
        return reply(self._ban_json(guild.id, user_id))

    async def leave_guild(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        self.ctx.events.guild_delete(guild.id)
        self.state.remove_member(guild, self.state.bot.id)
        return no_content()

    async def edit_me(self, req: ApiRequest) -> web.Response:
        member = self.state.member(req.snowflake("guild_id"), self.state.bot.id)
        if "nick" in req.body:
            member.nick = req.body["nick"] or None
        self.ctx.events.member_update(member)
        return reply(member_json(self.state, member))

    async def list_members(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        limit = int(req.query.get("limit", 1))
        after = int(req.query.get("after", 0))
        ids = sorted(u for u in guild.member_ids if u > after)[:limit]
        return reply([member_json(self.state, self.state.member(guild.id, u)) for u in ids])

    async def search_members(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        query = req.query.get("query", "").lower()
        limit = int(req.query.get("limit", 1))
        found = [
            self.state.member(guild.id, u)
            for u in guild.member_ids
            if self.state.users[u].username.lower().startswith(query)
        ]
        return reply([member_json(self.state, m) for m in found[:limit]])

    async def get_member(self, req: ApiRequest) -> web.Response:
        member = self.state.member(req.snowflake("guild_id"), req.snowflake("user_id"))
        return reply(member_json(self.state, member))

    async def add_member_role(self, req: ApiRequest) -> web.Response:
        member = self.state.member(req.snowflake("guild_id"), req.snowflake("user_id"))
        role = self.state.role(req.snowflake("role_id"))
        if role.id not in member.role_ids:
            member.role_ids.append(role.id)
            self.ctx.events.member_update(member)
        return no_content()

    async def remove_member_role(self, req: ApiRequest) -> web.Response:
        member = self.state.member(req.snowflake("guild_id"), req.snowflake("user_id"))
        role = self.state.role(req.snowflake("role_id"))
        if role.id in member.role_ids:
            member.role_ids.remove(role.id)
            self.ctx.events.member_update(member)
        return no_content()

    async def empty_list(self, req: ApiRequest) -> web.Response:
        self.state.guild(req.snowflake("guild_id"))
        return reply([])
