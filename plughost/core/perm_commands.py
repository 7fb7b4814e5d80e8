"""``perm explain|rules|allow|deny|clear|list add|list remove|roles|audit``, prefixed and slash.

Guild administrators (or members with Manage Server) manage their server's rules
and lists; the server owner sets its mod and admin roles; the bot owner adds
``global`` to act on every server. Targets are mentions, ids or names::

    !perm deny cog fun role @Helpers
    !perm allow command "cog enable" user 1234 global
    !perm list add block user @spammer
    !perm roles mod "@Helpers @Trial"

No ``from __future__ import annotations``: interactions.py reads option
annotations as objects.
"""

import re
from typing import Any, Final

import interactions
from interactions import OptionType, SlashCommandChoice, slash_option
from interactions.ext.hybrid_commands import HybridContext, hybrid_slash_subcommand

from plughost import checks
from plughost.commands.paging import pagify, send_pages
from plughost.core.messages import _
from plughost.permissions.chain import PermissionChain
from plughost.permissions.requests import command_name_of, request_for
from plughost.permissions.rules import GLOBAL, Rule
from plughost.permissions.store import PermissionStore
from plughost.runtime.parts import RunningBot, running_bot_of

__all__ = ["PermCommands", "parse_ids", "parse_target"]

_MENTION: Final = re.compile(r"<(?:@!?|@&|#)(\d+)>|(\d{15,21})")
_GLOBAL_WORDS: Final = frozenset({"global", "--global", "-g"})


def _choices(*names: str) -> list[SlashCommandChoice | dict[Any, Any]]:
    return [SlashCommandChoice(name=n, value=n) for n in names]


_SUBJECT = _choices("cog", "command")
_TARGET = _choices("user", "role", "channel", "guild")
_SCOPE = _choices("guild", "global")
_LIST = _choices("allow", "block")
_MEMBER = _choices("user", "role")
_LEVEL = _choices("mod", "admin")


def _rule_options(func: Any) -> Any:
    """The options every rule command (allow, deny, clear) takes, in display order."""
    options = [
        slash_option("kind", "cog or command", OptionType.STRING, required=True, choices=_SUBJECT),
        slash_option("subject", "The cog's or command's name", OptionType.STRING, required=True),
        slash_option("target", "Who or where", OptionType.STRING, required=True, choices=_TARGET),
        slash_option("who", "A mention, id or name", opt_type=OptionType.STRING, required=False),
        slash_option("scope", "guild or global", OptionType.STRING, required=False, choices=_SCOPE),
    ]
    # Applied bottom-up, as a stack of decorators would be.
    for decorate in reversed(options):
        func = decorate(func)
    return func


class PermError(Exception):
    """A bad argument or a refused change; the message is for the member."""


def parse_ids(text: str) -> list[int]:
    """Every mention or raw id in ``text``, in order."""
    return [int(a or b) for a, b in _MENTION.findall(text)]


def parse_target(ctx: Any, kind: str, text: str, *, global_scope: bool) -> int:
    """The id a rule's or list's target names: a mention, an id, or a role or
    channel name; ``guild`` with no text is this guild (or, globally, every guild)."""
    text = text.strip()
    guild = ctx.guild
    if kind == "guild":
        if not text or text in ("here", "this"):
            if global_scope:
                return GLOBAL if not text else int(ctx.guild_id)
            return int(ctx.guild_id)
        if text in ("all", "every", "*") and global_scope:
            return GLOBAL
    if kind == "role" and text in ("everyone", "@everyone") and guild is not None:
        return int(guild.id)
    ids = parse_ids(text)
    if ids:
        return ids[0]
    if guild is not None and text:
        name = text.lstrip("#@").lower()
        pool = guild.roles if kind == "role" else guild.channels if kind == "channel" else ()
        for item in pool:
            if str(item.name).lower() == name:
                return int(item.id)
    raise PermError(
        _("I could not find the {kind} {text}: use a mention, an id or a name.").format(
            kind=kind, text=repr(text)
        )
    )


def _store(ctx: Any) -> tuple[PermissionStore, PermissionChain]:
    bot = running_bot_of(ctx.bot)
    if bot is None or bot.permission_store is None:
        raise PermError(_("Permissions cannot be changed: this bot has no store open."))
    return bot.permission_store, bot.permission_chain


def _scope(ctx: Any, scope: str | None) -> int | None:
    """The guild id to act on, or None for global (bot owners only)."""
    if scope is not None and scope.lower() in (*_GLOBAL_WORDS, "global"):
        chain = _store(ctx)[1]
        if int(ctx.author.id) not in chain.owner_ids:
            raise PermError(_("Only the bot owner can change global permissions."))
        return None
    if scope not in (None, "", "guild", "here"):
        raise PermError(
            _("Unknown scope {scope}: leave it out, or say `global`.").format(scope=repr(scope))
        )
    return int(ctx.guild_id)


def _mention(kind: str, target_id: int, guild_id: int | None) -> str:
    if kind == "user":
        return f"<@{target_id}>"
    if kind == "role":
        return "@everyone" if target_id == guild_id else f"<@&{target_id}>"
    if kind == "channel":
        return f"<#{target_id}>"
    return _("every server") if target_id == GLOBAL else _("this server")


def describe_rule(rule: Rule) -> str:
    verb = "allow" if rule.allow else "deny"
    who = _mention(rule.target, rule.target_id, rule.guild_id)
    return f"{verb} {rule.subject_kind} `{rule.subject}` for {who}"


def _joined(lines: list[str], empty: str) -> str:
    """Lines as one text (paged when sent), or ``empty`` when there are none."""
    return "\n".join(lines) if lines else empty


def find_command(bot: RunningBot, name: str) -> tuple[str | None, Any]:
    """The loaded cog's command whose qualified name is ``name`` (spaces normalised)."""
    wanted = " ".join(name.lower().split())
    for cog_name, cog in bot.cogs.loaded.items():
        for command in _walk(cog._plughost_commands):
            if (command_name_of(command) or "").lower() == wanted:
                return cog_name, command
    raise PermError(_("No loaded command is called {name}.").format(name=f"`{name}`"))


def _walk(commands: list[Any]) -> list[Any]:
    found: list[Any] = []
    for command in commands:
        found.append(command)
        subs = getattr(command, "subcommands", None) or {}
        found.extend(_walk(list(subs.values())))
    return found


async def _reply(ctx: HybridContext, action: Any) -> None:
    """Run ``action`` (a coroutine returning the reply); a PermError becomes the reply."""
    try:
        text = await action
    except PermError as exc:
        text = str(exc)
    await send_pages(ctx, pagify(text), allowed_mentions=interactions.AllowedMentions.none())


class PermCommands:
    """The ``perm`` command group, mixed into the core cog."""

    @hybrid_slash_subcommand(
        base="perm", name="explain", description="Show why a member may or may not run a command."
    )
    @slash_option("command", "The command's name", opt_type=OptionType.STRING, required=True)
    @slash_option("member", "Who would run it", opt_type=OptionType.USER, required=True)
    @slash_option("channel", "Where (default: here)", opt_type=OptionType.CHANNEL, required=False)
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_explain(
        self,
        ctx: HybridContext,
        command: str,
        member: interactions.Member,
        channel: interactions.GuildChannel | None = None,
    ) -> None:
        await _reply(ctx, _explain(ctx, command, member, channel))

    @hybrid_slash_subcommand(base="perm", name="rules", description="List the rules in effect.")
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_rules(self, ctx: HybridContext) -> None:
        await _reply(ctx, _rules(ctx))

    @hybrid_slash_subcommand(base="perm", name="allow", description="Allow a cog or command.")
    @_rule_options
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_allow(  # noqa: PLR0917 - prefixed commands pass options by position
        self,
        ctx: HybridContext,
        kind: str,
        subject: str,
        target: str,
        who: str = "",
        scope: str | None = None,
    ) -> None:
        await _reply(
            ctx, _set_rule(ctx, True, kind=kind, name=subject, target=target, who=who, scope=scope)
        )

    @hybrid_slash_subcommand(base="perm", name="deny", description="Deny a cog or command.")
    @_rule_options
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_deny(  # noqa: PLR0917 - prefixed commands pass options by position
        self,
        ctx: HybridContext,
        kind: str,
        subject: str,
        target: str,
        who: str = "",
        scope: str | None = None,
    ) -> None:
        await _reply(
            ctx, _set_rule(ctx, False, kind=kind, name=subject, target=target, who=who, scope=scope)
        )

    @hybrid_slash_subcommand(base="perm", name="clear", description="Remove a rule.")
    @_rule_options
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_clear(  # noqa: PLR0917 - prefixed commands pass options by position
        self,
        ctx: HybridContext,
        kind: str,
        subject: str,
        target: str,
        who: str = "",
        scope: str | None = None,
    ) -> None:
        await _reply(
            ctx, _clear_rule(ctx, kind=kind, name=subject, target=target, who=who, scope=scope)
        )

    @hybrid_slash_subcommand(
        base="perm",
        subcommand_group="list",
        name="add",
        description="Put a user or role on a list.",
    )
    @slash_option("kind", "allow or block", OptionType.STRING, required=True, choices=_LIST)
    @slash_option("member", "user or role", OptionType.STRING, required=True, choices=_MEMBER)
    @slash_option("who", "A mention, id or name", opt_type=OptionType.STRING, required=True)
    @slash_option("scope", "guild or global", OptionType.STRING, required=False, choices=_SCOPE)
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_list_add(
        self, ctx: HybridContext, kind: str, member: str, who: str, scope: str | None = None
    ) -> None:
        await _reply(ctx, _list_change(ctx, True, kind=kind, member=member, who=who, scope=scope))

    @hybrid_slash_subcommand(
        base="perm",
        subcommand_group="list",
        name="remove",
        description="Take a user or role off a list.",
    )
    @slash_option("kind", "allow or block", OptionType.STRING, required=True, choices=_LIST)
    @slash_option("member", "user or role", OptionType.STRING, required=True, choices=_MEMBER)
    @slash_option("who", "A mention, id or name", opt_type=OptionType.STRING, required=True)
    @slash_option("scope", "guild or global", OptionType.STRING, required=False, choices=_SCOPE)
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_list_remove(
        self, ctx: HybridContext, kind: str, member: str, who: str, scope: str | None = None
    ) -> None:
        await _reply(ctx, _list_change(ctx, False, kind=kind, member=member, who=who, scope=scope))

    @hybrid_slash_subcommand(
        base="perm", name="roles", description="Set this server's mod or admin roles."
    )
    @slash_option("level", "mod or admin", OptionType.STRING, required=True, choices=_LEVEL)
    @slash_option("roles", "Role mentions or ids; `none` clears", OptionType.STRING, required=True)
    @checks.guildowner()
    async def cmd_perm_roles(self, ctx: HybridContext, level: str, roles: str) -> None:
        await _reply(ctx, _set_roles(ctx, level, roles))

    @hybrid_slash_subcommand(base="perm", name="audit", description="Show recent changes.")
    @slash_option("scope", "guild or global", OptionType.STRING, required=False, choices=_SCOPE)
    @checks.admin_or_permissions(manage_guild=True)
    async def cmd_perm_audit(self, ctx: HybridContext, scope: str | None = None) -> None:
        await _reply(ctx, _audit(ctx, scope))


async def _explain(ctx: Any, name: str, member: Any, channel: Any) -> str:
    chain = _store(ctx)[1]
    cog_name, command = find_command(ctx.bot, name)
    if not isinstance(member, interactions.Member):
        raise PermError(_("That user is not a member of this server."))
    where = channel or ctx.channel
    request = request_for(ctx.bot, member, ctx.guild, where, command, cog_name=cog_name)
    explanation = await chain.explain(request)
    verdict = _("allowed") if explanation.decision.allowed else _("denied")
    lines = [
        f"`{request.command_name}` for {member.mention} in <#{int(where.id)}>: **{verdict}**",
        _("decided by: {link}").format(link=explanation.link),
        _("their level: {level}").format(level=explanation.level.name),
    ]
    if explanation.rule is not None:
        lines.append(_("rule: {rule}").format(rule=describe_rule(explanation.rule)))
    elif explanation.decision.reason:
        lines.append(_("reason: {reason}").format(reason=explanation.decision.reason))
    return "\n".join(lines)


async def _rules(ctx: Any) -> str:
    store, chain = _store(ctx)
    guild_id = int(ctx.guild_id)
    lines = [describe_rule(rule) for rule in store.rules(guild_id)]
    roles = chain.state.roles.get(guild_id)
    if roles is not None and (roles.mod or roles.admin):
        mods = " ".join(_mention("role", r, guild_id) for r in sorted(roles.mod)) or _("none")
        admins = " ".join(_mention("role", r, guild_id) for r in sorted(roles.admin)) or _("none")
        lines.append(_("mod roles: {mods}; admin roles: {admins}").format(mods=mods, admins=admins))
    lines += _describe_lists(store, guild_id, "")
    # Global rules bind this server too, but only the bot owner may see who they name.
    if int(ctx.author.id) in chain.owner_ids:
        lines += [f"global: {describe_rule(rule)}" for rule in store.rules(None)]
        lines += _describe_lists(store, None, "global ")
    return _joined(lines, _("No permission rules or lists are set."))


def _describe_lists(store: PermissionStore, guild_id: int | None, prefix: str) -> list[str]:
    lists = store.lists(guild_id)
    lines = []
    for kind in ("allow", "block"):
        for member in ("user", "role"):
            ids = sorted(lists.ids(kind, member))
            if ids:
                who = " ".join(_mention(member, i, guild_id) for i in ids)
                lines.append(f"{prefix}{kind}list of {member}s: {who}")
    return lines


def _clean(kind: str, name: str, target: str) -> tuple[str, str, str]:
    kind, target = kind.lower(), target.lower()
    if kind not in ("cog", "command"):
        raise PermError(_("Say `cog` or `command`."))
    if target not in ("user", "role", "channel", "guild"):
        raise PermError(_("Say who or where: `user`, `role`, `channel` or `guild`."))
    return kind, " ".join(name.split()), target


def _split_scope(who: str, scope: str | None) -> tuple[str, str | None]:
    # Prefixed: `... guild global` puts `global` where the target would be.
    if scope is None and who.strip().lower() in _GLOBAL_WORDS:
        return "", "global"
    return who, scope


async def _set_rule(
    ctx: Any, allow: bool, *, kind: str, name: str, target: str, who: str, scope: str | None
) -> str:
    store, _chain = _store(ctx)
    kind, name, target = _clean(kind, name, target)
    who, scope = _split_scope(who, scope)
    guild_id = _scope(ctx, scope)
    target_id = parse_target(ctx, target, who, global_scope=guild_id is None)
    if kind == "cog" and name not in ctx.bot.cogs.loaded:
        raise PermError(_("No loaded cog is called {name}.").format(name=f"`{name}`"))
    if kind == "command":
        find_command(ctx.bot, name)  # a typo would make a rule that never applies
    try:
        rule = Rule(guild_id, target, target_id, kind, name, allow)  # type: ignore[arg-type]
    except ValueError as exc:
        raise PermError(str(exc)) from None
    await store.set_rule(rule, actor_id=int(ctx.author.id))
    if guild_id is None:
        return _("Done: {rule} globally.").format(rule=describe_rule(rule))
    return _("Done: {rule} in this server.").format(rule=describe_rule(rule))


async def _clear_rule(
    ctx: Any, *, kind: str, name: str, target: str, who: str, scope: str | None
) -> str:
    store, _chain = _store(ctx)
    kind, name, target = _clean(kind, name, target)
    who, scope = _split_scope(who, scope)
    guild_id = _scope(ctx, scope)
    target_id = parse_target(ctx, target, who, global_scope=guild_id is None)
    removed = await store.remove_rule(
        guild_id,
        target,  # type: ignore[arg-type]
        target_id,
        kind,  # type: ignore[arg-type]
        name,
        actor_id=int(ctx.author.id),
    )
    if removed is None:
        return _("There was no such rule.")
    return _("Removed: {rule}.").format(rule=describe_rule(removed))


async def _list_change(
    ctx: Any, add: bool, *, kind: str, member: str, who: str, scope: str | None
) -> str:
    store, _chain = _store(ctx)
    kind, member = kind.lower(), member.lower()
    if kind not in ("allow", "block") or member not in ("user", "role"):
        raise PermError(_("Say `allow` or `block`, then `user` or `role`."))
    guild_id = _scope(ctx, scope)
    target_id = parse_target(ctx, member, who, global_scope=guild_id is None)
    change = store.list_add if add else store.list_remove
    changed = await change(
        guild_id,
        kind,  # type: ignore[arg-type]
        member,  # type: ignore[arg-type]
        target_id,
        actor_id=int(ctx.author.id),
    )
    label = f"{'global ' if guild_id is None else ''}{kind}list"
    who_text = _mention(member, target_id, guild_id)
    if not changed:
        text = _("{who} was already on the {list}.") if add else _("{who} was not on the {list}.")
    else:
        text = _("{who} added to the {list}.") if add else _("{who} removed from the {list}.")
    return text.format(who=who_text, list=label)


async def _set_roles(ctx: Any, level: str, text: str) -> str:
    store, _chain = _store(ctx)
    level = level.lower()
    if level not in ("mod", "admin"):
        raise PermError(_("Say `mod` or `admin`."))
    ids: set[int] = set()
    if text.strip().lower() not in ("none", "-", ""):
        for word in text.replace(",", " ").split():
            ids.add(parse_target(ctx, "role", word, global_scope=False))
    guild_id = int(ctx.guild_id)
    changes: dict[str, set[int]] = {level: ids}
    await store.set_roles(guild_id, actor_id=int(ctx.author.id), **changes)
    shown = " ".join(_mention("role", i, guild_id) for i in sorted(ids)) or _("none")
    text = _("Mod roles: {roles}.") if level == "mod" else _("Admin roles: {roles}.")
    return text.format(roles=shown)


async def _audit(ctx: Any, scope: str | None) -> str:
    store, _chain = _store(ctx)
    guild_id = _scope(ctx, scope)
    entries = await store.audit_log(guild_id, limit=100)
    lines = [f"{e.at:%Y-%m-%d %H:%M:%S} <@{e.actor_id}> {e.action}: {e.detail}" for e in entries]
    return _joined(lines, _("No permission changes recorded yet."))
