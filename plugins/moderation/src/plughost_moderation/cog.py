"""The moderation cog's commands: kick, ban, unban, timeout, warn, cases and the mod-log.

Every action runs the same steps (:meth:`Moderation._act`):

1. the permission chain has already decided who may run the command (the
   ``plughost.checks`` decorators: moderators, or members holding the Discord
   permission; and the bot must hold it too);
2. the role hierarchy: nobody acts on themselves, the bot, the server owner, or
   someone ranked at or above them or the bot (:mod:`plughost_moderation.hierarchy`);
3. Discord is asked to act; if it refuses, nothing is recorded;
4. a numbered case is recorded (:mod:`plughost_moderation.cases`) and posted in
   the mod-log channel, if the server set one.
"""

# No `from __future__ import annotations`: interactions.py reads the annotations of
# command parameters at runtime to convert arguments, and cannot from strings.
import datetime
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final

import interactions
from interactions import ConsumeRest, OptionType, slash_option
from interactions.client.errors import HTTPException
from interactions.ext.hybrid_commands import (
    HybridContext,
    hybrid_slash_command,
    hybrid_slash_subcommand,
)

from plughost import (
    Bot,
    Cog,
    Config,
    RedData,
    RedImport,
    SettingsForm,
    TimeSpan,
    WebPage,
    checks,
    hookimpl,
)
from plughost import text as policy
from plughost_moderation.cases import ACTIONS, RED_MODLOG, Case, CaseBook
from plughost_moderation.console import cases_page, modlog_forms
from plughost_moderation.hierarchy import Rank, refusal
from plughost_moderation.messages import N_, _

__all__ = ["CONFIG_IDENTIFIER", "Moderation", "describe_case"]

log = logging.getLogger("plughost.cogs.moderation")

#: The cog's Config identifier: keeps its data apart from other cogs'. Never change it.
CONFIG_IDENTIFIER: Final = 0x9EC0_0002
#: The entry-point name: the cog's Config is stored under it.
COG_NAME: Final = "moderation"
#: How a sentence says each action ("You cannot time out yourself.").
VERBS: Final = {
    "kick": N_("kick"),
    "ban": N_("ban"),
    "unban": N_("unban"),
    "timeout": N_("time out"),
    "warn": N_("warn"),
}
#: Discord's limits: a timeout lasts at most 28 days; a ban deletes at most 7 days
#: of messages; an audit-log reason has at most 512 characters.
MAX_TIMEOUT: Final = datetime.timedelta(days=28)
MAX_DELETE_DAYS: Final = 7
MAX_REASON: Final = 512
#: Cases listed by `cases USER` (the newest; older ones are counted), and the
#: length each reason is cut to there, so that the list fits one message.
MAX_LISTED: Final = 10
LISTED_REASON: Final = 120

_NO_PINGS: Final = interactions.AllowedMentions.none()
_USER: Final = re.compile(r"<@!?(\d{1,20})>|(?P<id>\d{1,20})")


async def _say(ctx: HybridContext, text: str, *, error: bool = False) -> None:
    """Reply without pinging anyone; refusals are ephemeral for slash commands."""
    await ctx.send(text, allowed_mentions=_NO_PINGS, ephemeral=error)


def _rank(who: Any, guild: interactions.Guild) -> Rank:
    """``who``'s place in ``guild``; no role position for a user outside the server."""
    owner = guild.is_owner(who.id)
    if isinstance(who, interactions.Member):
        return Rank(int(who.id), int(who.top_role.position), owner)
    return Rank(int(who.id), None, owner)


def _user_id(text: str) -> int | None:
    """The id in a user mention (``<@123>``, ``<@!123>``) or a bare id; None otherwise."""
    match = _USER.fullmatch(text.strip())
    return int(match.group(1) or match.group("id")) if match else None


async def _fetch_user(ctx: HybridContext, text: str) -> interactions.User | None:
    """The Discord user ``text`` names by id or mention, members or not."""
    user_id = _user_id(text)
    if user_id is None:
        return None
    try:
        user: interactions.User | None = await ctx.bot.fetch_user(user_id)
    except HTTPException:
        return None
    return user


def _audit(reason: str) -> str | Any:
    """The reason for Discord's audit log; interactions.py's MISSING sends none."""
    return " ".join(reason.split()) or interactions.MISSING


def _shortened(text: str) -> str:
    if len(text) <= LISTED_REASON:
        return text
    return text[: LISTED_REASON - 1] + "…"


def _guild_id(ctx: HybridContext) -> int:
    # Every command here is guild-only: the checks imply it, the chain enforces it.
    assert ctx.guild_id is not None
    return int(ctx.guild_id)


def _not_a_member(member: Any) -> str:
    return _("{who} is not a member of this server.").format(who=member.mention)


def describe_case(case: Case) -> str:
    """A case as the mod-log and `case N` show it."""
    # A moderator whose data was deleted is kept as id 0 (see CaseBook.forget).
    moderator = f"<@{case.moderator_id}>" if case.moderator_id else _("a deleted user")
    lines = [
        _("**Case #{number}: {action}**").format(
            number=case.number, action=_(ACTIONS[case.action])
        ),
        _("Member: {who} ({id})").format(who=f"<@{case.user_id}>", id=case.user_id),
        _("Moderator: {who}").format(who=moderator),
        _("Reason: {reason}").format(reason=case.reason or _("none given")),
    ]
    if case.until is not None:
        lines.append(_("Until: {when}").format(when=f"<t:{case.until}:f>"))
    lines.append(_("When: {when}").format(when=f"<t:{case.created_at}:f>"))
    return "\n".join(lines)


class Moderation(Cog):
    """Kick, ban, unban, time out and warn members; every action is a numbered case."""

    end_user_data_statement = (
        "Keeps a record of moderation actions (kick, ban, unban, timeout, warning): "
        "the member's and the moderator's ids, the reason and the time. A user's own "
        "deletion request removes them as moderator but keeps the cases about them, "
        "which are the server's record; a bot owner's request or Discord's account "
        "deletion removes those too."
    )
    # Shown by `cog info` and used for invite links: what the bot needs to moderate.
    #: Slash names, descriptions and options localised from the same catalogs.
    translator = _
    required_permissions = (
        interactions.Permissions.KICK_MEMBERS
        | interactions.Permissions.BAN_MEMBERS
        | interactions.Permissions.MODERATE_MEMBERS
    )

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.config = Config.get_conf(self, identifier=CONFIG_IDENTIFIER, force_registration=True)
        self.cases = CaseBook(self.config)

    # -- the steps every action shares ------------------------------------------------

    async def _act(
        self,
        ctx: HybridContext,
        action: str,
        target: Any,
        reason: str,
        discord_call: Callable[[], Awaitable[Any]] | None,
        *,
        until: int | None = None,
        precheck: Callable[[], Awaitable[str | None]] | None = None,
    ) -> None:
        """Check the hierarchy, run the command's ``precheck`` (a refusal, or None),
        ask Discord, record the case, post it, reply."""
        guild = ctx.guild
        assert guild is not None  # every command here is guild-only (its checks imply it)
        # Controls (NUL included) and invisible-only reasons are refused naming the argument.
        reason = " ".join(policy.free_text(reason, argument="reason", required=False).split())
        if len(reason) > MAX_REASON:
            text = _("A reason has at most {limit} characters.").format(limit=MAX_REASON)
            await _say(ctx, text, error=True)
            return
        verb = _(VERBS[action])
        if action != "unban":
            why = refusal(
                verb,
                actor=_rank(ctx.author, guild),
                bot=_rank(guild.me, guild),
                target=_rank(target, guild),
                bot_acts=discord_call is not None,
            )
            if why is not None:
                await _say(ctx, why, error=True)
                return
        if precheck is not None and (why := await precheck()) is not None:
            await _say(ctx, why, error=True)
            return
        if discord_call is not None:
            try:
                await discord_call()
            except HTTPException as exc:
                log.warning("Discord refused %s of %s in %s: %s", action, target.id, guild.id, exc)
                text = _("Discord refused to {verb} {who}.").format(verb=verb, who=target.mention)
                await _say(ctx, text, error=True)
                return
        case = await self.cases.open(
            int(guild.id), action, int(target.id), int(ctx.author.id), reason or None, until=until
        )
        posted = await self._post(ctx, case)
        done = _("Case #{number}: {action} of {who} recorded.").format(
            number=case.number, action=_(ACTIONS[case.action]).lower(), who=target.mention
        )
        if not posted:
            done += " " + _("I could not post it in the mod-log channel.")
        await _say(ctx, done)

    async def _post(self, ctx: HybridContext, case: Case) -> bool:
        """Post ``case`` in the mod-log channel; False if one is set and posting failed."""
        channel_id = await self.cases.modlog_channel(_guild_id(ctx))
        if channel_id is None:
            return True
        try:
            channel = await ctx.bot.fetch_channel(channel_id)
            if not isinstance(channel, interactions.GuildText):
                raise TypeError(f"channel {channel_id} is gone or not a text channel")
            await channel.send(describe_case(case), allowed_mentions=_NO_PINGS)
        except (HTTPException, TypeError):
            log.warning("could not post case %s in the mod-log", case.number, exc_info=True)
            return False
        return True

    # -- actions ----------------------------------------------------------------------

    @hybrid_slash_command(name="kick", description="Kick a member from the server.")
    @slash_option("member", "Who to kick", OptionType.USER, required=True)
    @slash_option("reason", "Why (shown in the case)", OptionType.STRING, required=False)
    @checks.mod_or_permissions(kick_members=True)
    @checks.bot_has_permissions(kick_members=True)
    async def kick(
        self, ctx: HybridContext, member: interactions.Member, reason: ConsumeRest[str] = ""
    ) -> None:
        """Kick a member: `!kick @bob spamming`."""
        if not isinstance(member, interactions.Member):
            await _say(ctx, _not_a_member(member), error=True)
            return
        await self._act(ctx, "kick", member, reason, lambda: member.kick(reason=_audit(reason)))

    @hybrid_slash_command(name="ban", description="Ban a user from the server.")
    @slash_option("user", "Who to ban (a member, or a user id)", OptionType.USER, required=True)
    @slash_option(
        "delete_days",
        f"Delete their messages of the last 0-{MAX_DELETE_DAYS} days",
        OptionType.INTEGER,
        required=False,
    )
    @slash_option("reason", "Why (shown in the case)", OptionType.STRING, required=False)
    @checks.mod_or_permissions(ban_members=True)
    @checks.bot_has_permissions(ban_members=True)
    async def ban(
        self,
        ctx: HybridContext,
        user: interactions.Member | interactions.User,
        delete_days: int = 0,
        reason: ConsumeRest[str] = "",
    ) -> None:
        """Ban a member or a user by id, optionally deleting their recent messages:
        `!ban @bob spamming`, `!ban @bob 1 spamming` (deletes a day of messages)."""
        guild = ctx.guild
        assert guild is not None
        if not 0 <= delete_days <= MAX_DELETE_DAYS:
            text = _("Messages can be deleted for 0 to {limit} days.").format(limit=MAX_DELETE_DAYS)
            await _say(ctx, text, error=True)
            return

        async def not_banned_yet() -> str | None:
            if await guild.fetch_ban(user) is not None:
                return _("{who} is already banned.").format(who=user.mention)
            return None

        async def ban() -> None:
            seconds = delete_days * 86400
            await guild.ban(user, delete_message_seconds=seconds, reason=_audit(reason))

        await self._act(ctx, "ban", user, reason, ban, precheck=not_banned_yet)

    @hybrid_slash_command(name="unban", description="Lift a user's ban.")
    @slash_option("user", "The banned user's id or mention", OptionType.STRING, required=True)
    @slash_option("reason", "Why (shown in the case)", OptionType.STRING, required=False)
    @checks.mod_or_permissions(ban_members=True)
    @checks.bot_has_permissions(ban_members=True)
    async def unban(self, ctx: HybridContext, user: str, reason: ConsumeRest[str] = "") -> None:
        """Lift a ban: `!unban 123456789012345678 appealed`.

        The user is given by id (or mention): a banned user is no member to pick."""
        guild = ctx.guild
        assert guild is not None
        target = await _fetch_user(ctx, user)
        if target is None:
            text = _("I found no user {given}: give a user id or mention.").format(given=repr(user))
            await _say(ctx, text, error=True)
            return
        if await guild.fetch_ban(target) is None:
            await _say(ctx, _("{who} is not banned.").format(who=target.mention), error=True)
            return
        await self._act(
            ctx, "unban", target, reason, lambda: guild.unban(target, reason=_audit(reason))
        )

    @hybrid_slash_command(name="timeout", description="Stop a member talking for a while.")
    @slash_option("member", "Who to time out", OptionType.USER, required=True)
    @slash_option(
        "duration", "How long: 10m, 1h30m, 2d (28d at most)", OptionType.STRING, required=True
    )
    @slash_option("reason", "Why (shown in the case)", OptionType.STRING, required=False)
    @checks.mod_or_permissions(moderate_members=True)
    @checks.bot_has_permissions(moderate_members=True)
    async def timeout(
        self,
        ctx: HybridContext,
        member: interactions.Member,
        duration: Annotated[datetime.timedelta, TimeSpan],
        reason: ConsumeRest[str] = "",
    ) -> None:
        """Time a member out (they cannot talk, react or join voice): `!timeout @bob 1h spam`."""
        if not isinstance(member, interactions.Member):
            await _say(ctx, _not_a_member(member), error=True)
            return
        if not datetime.timedelta(seconds=1) <= duration <= MAX_TIMEOUT:
            await _say(ctx, _("A timeout lasts from 1 second to 28 days."), error=True)
            return

        async def not_an_admin() -> str | None:
            if member.has_permission(interactions.Permissions.ADMINISTRATOR):
                return _("Discord does not let anyone time out an administrator.")
            return None

        until = int(time.time() + duration.total_seconds())
        end = datetime.datetime.fromtimestamp(until, datetime.UTC)

        async def timeout() -> None:
            await member.timeout(end, reason=_audit(reason))

        await self._act(ctx, "timeout", member, reason, timeout, until=until, precheck=not_an_admin)

    @hybrid_slash_command(name="warn", description="Warn a member; recorded as a case.")
    @slash_option("member", "Who to warn", OptionType.USER, required=True)
    @slash_option("reason", "What for", OptionType.STRING, required=True)
    @checks.mod()
    async def warn(
        self, ctx: HybridContext, member: interactions.Member, reason: ConsumeRest[str]
    ) -> None:
        """Warn a member; nothing happens on Discord, the case is the record: `!warn @bob spam`."""
        if not isinstance(member, interactions.Member):
            await _say(ctx, _not_a_member(member), error=True)
            return
        if not reason.strip():
            await _say(ctx, _("A warning needs a reason."), error=True)
            return
        await self._act(ctx, "warn", member, reason, None)

    # -- reading cases ----------------------------------------------------------------

    @hybrid_slash_command(name="case", description="Show one moderation case.")
    @slash_option("number", "The case number", OptionType.INTEGER, required=True)
    @checks.mod()
    async def case(self, ctx: HybridContext, number: int) -> None:
        """Show case N: `!case 3`."""
        found = await self.cases.get(_guild_id(ctx), number)
        if found is None:
            text = _("There is no case #{number} in this server.").format(number=number)
            await _say(ctx, text, error=True)
            return
        await _say(ctx, describe_case(found))

    @hybrid_slash_command(name="cases", description="List the moderation cases about a user.")
    @slash_option("user", "A user's id or mention", OptionType.STRING, required=True)
    @checks.mod()
    async def cases_of(self, ctx: HybridContext, user: str) -> None:
        """List the cases about a user, newest last: `!cases @bob`, `!cases 1234`.

        By id or mention, so that members who left (or were banned) can be looked up."""
        user_id = _user_id(user)
        if user_id is None:
            text = _("{given} is not a user id or mention.").format(given=repr(user))
            await _say(ctx, text, error=True)
            return
        found = await self.cases.of_user(_guild_id(ctx), user_id)
        if not found:
            await _say(ctx, _("{who} has no cases in this server.").format(who=f"<@{user_id}>"))
            return
        lines = [_("Cases about {who}:").format(who=f"<@{user_id}>")]
        older = len(found) - MAX_LISTED
        if older > 0:
            hidden = (
                _("(1 older case not shown)")
                if older == 1
                else _("({count} older cases not shown)")
            )
            lines.append(hidden.format(count=older))
        for case in found[-MAX_LISTED:]:
            reason = _shortened(case.reason or _("no reason given"))
            lines.append(
                _("#{number} {action}, {when}: {reason}").format(
                    number=case.number,
                    action=_(ACTIONS[case.action]),
                    when=f"<t:{case.created_at}:d>",
                    reason=reason,
                )
            )
        await _say(ctx, "\n".join(lines))

    # -- the mod-log channel ----------------------------------------------------------

    @hybrid_slash_subcommand(
        base="modlog", name="set", description="Post every new case in a channel."
    )
    @slash_option("channel", "The mod-log channel", OptionType.CHANNEL, required=True)
    @checks.admin_or_permissions(manage_guild=True)
    async def modlog_set(self, ctx: HybridContext, channel: interactions.GuildChannel) -> None:
        """Post every new case in a channel: `!modlog set #mod-log`."""
        if not isinstance(channel, interactions.GuildText):
            text = _("{channel} is not a text channel.").format(channel=channel.mention)
            await _say(ctx, text, error=True)
            return
        await self.cases.set_modlog_channel(_guild_id(ctx), int(channel.id))
        await _say(ctx, _("New cases will be posted in {channel}.").format(channel=channel.mention))

    @hybrid_slash_subcommand(base="modlog", name="off", description="Stop posting cases.")
    @checks.admin_or_permissions(manage_guild=True)
    async def modlog_off(self, ctx: HybridContext) -> None:
        """Stop posting cases (they are still recorded): `!modlog off`."""
        await self.cases.set_modlog_channel(_guild_id(ctx), None)
        await _say(ctx, _("Cases will no longer be posted."))

    @hybrid_slash_subcommand(base="modlog", name="show", description="Show the mod-log channel.")
    @checks.mod()
    async def modlog_show(self, ctx: HybridContext) -> None:
        """Show where cases are posted: `!modlog show`."""
        channel_id = await self.cases.modlog_channel(_guild_id(ctx))
        if channel_id is None:
            await _say(ctx, _("Cases are not posted anywhere; set a channel with `modlog set`."))
        else:
            await _say(ctx, _("Cases are posted in {channel}.").format(channel=f"<#{channel_id}>"))

    # -- user data --------------------------------------------------------------------

    @hookimpl
    async def web_pages(self, guild_id: int) -> list[WebPage]:
        """The guild's cases, newest first."""
        return [cases_page(self.cases, self.bot, guild_id)]

    @hookimpl
    async def web_settings(self, guild_id: int) -> list[SettingsForm]:
        """The mod-log channel, among the guild's text channels."""
        return modlog_forms(self.config, self.bot, guild_id)

    @hookimpl
    async def delete_user_data(self, requester: str, user_id: int) -> None:
        """Forget the user as a moderator always; the cases about them only when the bot
        owner asks or Discord deleted the account (a user cannot erase their own record)."""
        everything = requester in ("owner", "discord_deleted_user")
        await self.cases.forget(user_id, everything=everything)

    # -- Red-DiscordBot data (plughost import-red) ------------------------------------

    @staticmethod
    @hookimpl
    async def import_red_data(cog_name: str, identifier: str, data: RedData) -> RedImport | None:
        """Red's mod-log cases become this cog's cases, under the same numbers."""
        if (cog_name, identifier) != RED_MODLOG:
            return None
        config = Config.get_conf(
            None, identifier=CONFIG_IDENTIFIER, cog_name=COG_NAME, force_registration=True
        )
        return await CaseBook(config).import_red(data)
