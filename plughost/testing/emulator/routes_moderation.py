"""REST routes for moderation: kick, ban (with message deletion), unban, timeout.

They answer as Discord does, refusals included, so that a moderation cog meets
the same errors here as in production:

* the bot needs the permission (KICK_MEMBERS, BAN_MEMBERS, MODERATE_MEMBERS,
  MANAGE_NICKNAMES, MANAGE_ROLES), else ``403 Missing Permissions`` (50013);
* it cannot act on the guild's owner, nor on a member whose highest role is at or
  above its own (Discord's role hierarchy), else the same 403;
* a timeout is at most 28 days ahead, and members with ADMINISTRATOR cannot be
  timed out.

The gateway events follow: ``GUILD_MEMBER_REMOVE`` on a kick; ``GUILD_BAN_ADD``
(then ``GUILD_MEMBER_REMOVE`` for a member, and ``MESSAGE_DELETE_BULK`` per
channel for the deleted messages) on a ban; ``GUILD_BAN_REMOVE`` on an unban;
``GUILD_MEMBER_UPDATE`` on any member edit, a timeout included.

The server registers these before the core routes: its router takes the first
match, so these answer for the paths both define.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

from aiohttp import web

from plughost.testing.emulator.events import Intent
from plughost.testing.emulator.models import Guild, Member
from plughost.testing.emulator.payloads import member_json
from plughost.testing.emulator.rest import (
    ApiError,
    ApiRequest,
    RestContext,
    Router,
    no_content,
    reply,
)
from plughost.testing.emulator.state import ADMINISTRATOR

__all__ = ["ModerationRoutes"]

KICK_MEMBERS: Final = 1 << 1
BAN_MEMBERS: Final = 1 << 2
MANAGE_NICKNAMES: Final = 1 << 27
MANAGE_ROLES: Final = 1 << 28
MODERATE_MEMBERS: Final = 1 << 40

#: Discord's limits: messages deleted with a ban, and how far ahead a timeout may end.
MAX_DELETE_MESSAGE_SECONDS: Final = 7 * 86400
MAX_TIMEOUT: Final = timedelta(days=28)


def _missing_permissions() -> ApiError:
    return ApiError(403, "Missing Permissions", 50013)


def _invalid(message: str) -> ApiError:
    return ApiError(400, f"Invalid Form Body: {message}", 50035)


class ModerationRoutes:
    """Kick, ban, unban and member edits (timeouts), with Discord's permission checks."""

    def __init__(self, ctx: RestContext) -> None:
        self.ctx = ctx
        self.state = ctx.state

    def register(self, router: Router) -> None:
        add = router.add
        add("DELETE", "/guilds/{guild_id}/members/{user_id}", self.kick)
        add("PUT", "/guilds/{guild_id}/bans/{user_id}", self.ban)
        add("DELETE", "/guilds/{guild_id}/bans/{user_id}", self.unban)
        add("PATCH", "/guilds/{guild_id}/members/{user_id}", self.edit_member)

    # -- Discord's checks -------------------------------------------------------------

    def _top_position(self, member: Member) -> int:
        """The position of the member's highest role (@everyone is 0)."""
        positions = (self.state.roles[r].position for r in member.role_ids if r in self.state.roles)
        return max(positions, default=0)

    def _require(self, guild: Guild, permission: int) -> Member:
        """The bot's member in ``guild``, if it holds ``permission``."""
        me = self.state.member(guild.id, self.state.bot.id)
        if not self.state.permissions(me) & permission:
            raise _missing_permissions()
        return me

    def _require_above(self, guild: Guild, me: Member, target: Member) -> None:
        """The bot outranks ``target``: not the owner, and a strictly higher top role."""
        if target.id in (guild.owner_id, me.id):
            raise _missing_permissions()
        if me.id != guild.owner_id and self._top_position(target) >= self._top_position(me):
            raise _missing_permissions()

    # -- routes -----------------------------------------------------------------------

    async def kick(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        target = self.state.member(guild.id, req.snowflake("user_id"))
        self._require_above(guild, self._require(guild, KICK_MEMBERS), target)
        self.state.remove_member(guild, target.id)
        self.ctx.events.member_remove(guild.id, target.user)
        return no_content()

    async def ban(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        user = self.state.user(req.snowflake("user_id"))
        me = self._require(guild, BAN_MEMBERS)
        target = self.state.members.get((guild.id, user.id))
        if target is not None:
            self._require_above(guild, me, target)
        elif user.id == guild.owner_id:
            raise _missing_permissions()
        seconds = req.body.get("delete_message_seconds", 0)
        if not isinstance(seconds, int) or not 0 <= seconds <= MAX_DELETE_MESSAGE_SECONDS:
            raise _invalid(f"delete_message_seconds must be 0 to {MAX_DELETE_MESSAGE_SECONDS}")
        self.state.bans.setdefault(guild.id, {})[user.id] = req.reason
        self.ctx.events.ban(guild.id, user, added=True)
        if target is not None:
            self.state.remove_member(guild, user.id)
            self.ctx.events.member_remove(guild.id, user)
        if seconds:
            self._delete_recent_messages(guild, user.id, seconds)
        return no_content()

    def _delete_recent_messages(self, guild: Guild, user_id: int, seconds: int) -> None:
        """Delete the user's messages in ``guild`` from the last ``seconds``, as a ban does."""
        since = datetime.now(UTC) - timedelta(seconds=seconds)
        for channel in guild.channels:
            deleted = [
                message
                for message in self.state.history(channel.id)
                if message.author_id == user_id
                and datetime.fromisoformat(message.timestamp) >= since
            ]
            for message in deleted:
                message.deleted = True
            if deleted:
                data = {
                    "ids": [str(m.id) for m in deleted],
                    "channel_id": str(channel.id),
                    "guild_id": str(guild.id),
                }
                self.ctx.events.gateway.dispatch(
                    "MESSAGE_DELETE_BULK", data, guild_id=guild.id, intent=Intent.GUILD_MESSAGES
                )

    async def unban(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        user = self.state.user(req.snowflake("user_id"))
        self._require(guild, BAN_MEMBERS)
        banned = self.state.bans.get(guild.id, {})
        if user.id not in banned:
            raise ApiError(404, "Unknown Ban", 10026)
        del banned[user.id]
        self.ctx.events.ban(guild.id, user, added=False)
        return no_content()

    async def edit_member(self, req: ApiRequest) -> web.Response:
        guild = self.state.guild(req.snowflake("guild_id"))
        target = self.state.member(guild.id, req.snowflake("user_id"))
        body = req.body
        if "nick" in body:
            self._require(guild, MANAGE_NICKNAMES)
        if "roles" in body:
            self._require(guild, MANAGE_ROLES)
        until = self._timeout_until(guild, target, body)
        # Validated in full before anything changes: a refused edit changes nothing.
        if "nick" in body:
            target.nick = body["nick"] or None
        if "roles" in body:
            target.role_ids = [self.state.role(int(r)).id for r in body["roles"]]
        if "communication_disabled_until" in body:
            target.communication_disabled_until = until
        self.ctx.events.member_update(target)
        return reply(member_json(self.state, target))

    def _timeout_until(self, guild: Guild, target: Member, body: dict[str, Any]) -> str | None:
        """The checked ``communication_disabled_until`` of an edit (None lifts a timeout)."""
        if "communication_disabled_until" not in body:
            return target.communication_disabled_until
        me = self._require(guild, MODERATE_MEMBERS)
        self._require_above(guild, me, target)
        if self.state.permissions(target) & ADMINISTRATOR:
            raise _missing_permissions()  # Discord never times out an administrator
        raw = body["communication_disabled_until"]
        if raw is None:
            return None
        try:
            until = datetime.fromisoformat(str(raw))
        except ValueError:
            raise _invalid("communication_disabled_until is not a timestamp") from None
        if until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        if until - datetime.now(UTC) > MAX_TIMEOUT:
            raise _invalid("communication_disabled_until is more than 28 days ahead")
        return until.astimezone(UTC).isoformat(timespec="microseconds")
