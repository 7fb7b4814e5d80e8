"""A guild's permission pages: its rules (list, add, remove), "explain", and the audit log.

The same calls as the ``perm`` chat commands: targets are parsed by
``perm_commands.parse_target``, commands found by ``find_command``, rules changed
through ``PermissionStore.set_rule`` / ``remove_rule`` (which audit the change as the
web user and tell the other processes of a cluster), and "explain" asks
``PermissionChain.explain``, as ``perm explain`` does. Only the guild's own scope is
ever read or changed here: the guild comes from the URL, checked on every request,
and global rules stay the bot owner's, in chat.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final, final

import interactions
from aiohttp import web

from plughost.core.perm_commands import PermError, find_command, parse_target
from plughost.permissions.requests import request_for
from plughost.permissions.rules import Rule
from plughost.permissions.store import PermissionStore
from plughost.web.access import Shard, find_member
from plughost.web.contributed import guild_menu
from plughost.web.pages import Refused, flash, redirect, render, require_viewer
from plughost.web.pages_guild import guild_managed

__all__ = ["routes"]

log = logging.getLogger("plughost.web")

_TARGETS: Final = ("user", "role", "channel", "guild")
_KINDS: Final = ("cog", "command")
_NO_STORE: Final = "Permissions cannot be changed: this bot has no store open."

routes = web.RouteTableDef()


@final
@dataclass(frozen=True, slots=True)
class _Where:
    """What ``parse_target`` reads of a command's context: the guild and its id."""

    guild: interactions.Guild
    guild_id: int


def _store(shard: Shard) -> PermissionStore:
    store = shard.bot.permission_store
    if store is None:
        raise Refused(503, _NO_STORE)
    return store


def _target_name(client: interactions.Client, guild: interactions.Guild, rule: Rule) -> str:
    """The rule's target as an admin reads it: a name, with the id for users."""
    if rule.target == "guild":
        return "everyone in this server"
    if rule.target == "role":
        if rule.target_id == int(guild.id):
            return "role @everyone"
        role = guild.get_role(rule.target_id)
        return f"role @{role.name}" if role else f"role {rule.target_id} (deleted)"
    if rule.target == "channel":
        channel = guild.get_channel(rule.target_id)
        return f"channel #{channel.name}" if channel else f"channel {rule.target_id} (deleted)"
    user = client.cache.get_user(rule.target_id)
    return f"user {user.username} ({rule.target_id})" if user else f"user {rule.target_id}"


def _user_label(client: interactions.Client, user_id: int) -> str:
    user = client.cache.get_user(user_id)
    return f"{user.username} ({user_id})" if user else str(user_id)


async def _member_named(
    shard: Shard, guild: interactions.Guild, text: str
) -> interactions.Member | None:
    """A member by mention, id, user name or display name (from the cache for names)."""
    text = text.strip().lstrip("@")
    digits = text.strip("<@!>")
    if digits.isdigit():
        return await find_member(shard.client, guild, int(digits))
    wanted = text.lower()
    for member in guild.members:
        if wanted in {member.username.lower(), str(member.display_name).lower()}:
            return member
    return None


async def _explain(shard: Shard, guild: interactions.Guild, query: Any) -> dict[str, Any] | None:
    """What ``perm explain`` would say for the query's member, command and channel."""
    member_text = str(query.get("member", "")).strip()
    command_text = str(query.get("command", "")).strip()
    if not member_text or not command_text:
        return None
    try:
        cog_name, command = find_command(shard.bot, command_text)
    except PermError as exc:
        return {"error": str(exc)}
    member = await _member_named(shard, guild, member_text)
    if member is None:
        return {"error": f"No member of this server is called {member_text!r}."}
    channel = None
    channel_text = str(query.get("channel", "")).strip()
    if channel_text.isdigit():
        channel = guild.get_channel(int(channel_text))
        if channel is None:
            return {"error": "That channel is not in this server."}
    request = request_for(shard.client, member, guild, channel, command, cog_name=cog_name)
    explanation = await shard.bot.permission_chain.explain(request)
    rule = explanation.rule
    return {
        "command": request.command_name,
        "member": f"{member.username} ({int(member.id)})",
        "channel": f"#{channel.name}" if channel is not None else "any channel",
        "allowed": explanation.decision.allowed,
        "link": explanation.link,
        "level": explanation.level.name,
        "rule": (
            f"{'allow' if rule.allow else 'deny'} {rule.subject_kind} {rule.subject} for "
            f"{_target_name(shard.client, guild, rule)}"
            if rule is not None
            else None
        ),
        "reason": explanation.decision.reason or "",
    }


@routes.get("/guilds/{guild_id}/permissions")
async def permissions_page(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    store = _store(shard)
    rules = [
        {
            "verb": "allow" if rule.allow else "deny",
            "kind": rule.subject_kind,
            "subject": rule.subject,
            "target": rule.target,
            "target_id": rule.target_id,
            "who": _target_name(shard.client, guild, rule),
        }
        for rule in store.rules(guild_id)
    ]
    channels = sorted(
        (c for c in guild.channels if isinstance(c, interactions.GuildText)),
        key=lambda c: (c.position or 0, c.name),
    )
    return render(
        request,
        "guild_permissions.html",
        guild=guild,
        rules=rules,
        cogs=sorted(shard.bot.cogs.loaded),
        channels=channels,
        explained=await _explain(shard, guild, request.query),
        query={k: request.query.get(k, "") for k in ("member", "command", "channel")},
        menu=await guild_menu(shard, guild_id),
    )


@routes.post("/guilds/{guild_id}/permissions/rules")
async def add_rule(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    viewer = require_viewer(request)
    store = _store(shard)
    form = await request.post()
    back = f"/guilds/{guild_id}/permissions"
    verb, kind = str(form.get("verb", "")), str(form.get("kind", ""))
    target = str(form.get("target", ""))
    subject = " ".join(str(form.get("subject", "")).split())
    try:
        if verb not in ("allow", "deny") or kind not in _KINDS or target not in _TARGETS:
            raise PermError("Choose allow or deny, a cog or command, and who it is for.")
        if kind == "cog" and subject not in shard.bot.cogs.loaded:
            raise PermError(f"No loaded cog is called `{subject}`.")
        if kind == "command":
            find_command(shard.bot, subject)  # a typo would make a rule that never applies
        where = _Where(guild, guild_id)
        target_id = parse_target(where, target, str(form.get("who", "")), global_scope=False)
        rule = Rule(guild_id, target, target_id, kind, subject, verb == "allow")  # type: ignore[arg-type]
    except (PermError, ValueError) as exc:
        flash(request, "error", f"Nothing was changed: {exc}")
        return redirect(back)
    await store.set_rule(rule, actor_id=viewer.user_id)
    log.info("web: user %s set rule %s in guild %s", viewer.user_id, rule.describe(), guild_id)
    flash(
        request,
        "done",
        f"Done: {verb} {kind} {subject} for {_target_name(shard.client, guild, rule)}.",
    )
    return redirect(back)


@routes.post("/guilds/{guild_id}/permissions/rules/remove")
async def remove_rule(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    viewer = require_viewer(request)
    store = _store(shard)
    form = await request.post()
    target, kind = str(form.get("target", "")), str(form.get("kind", ""))
    target_text = str(form.get("target_id", ""))
    if target not in _TARGETS or kind not in _KINDS or not target_text.isdigit():
        raise Refused(400, "That is not a rule of this server.")
    removed = await store.remove_rule(
        guild_id,
        target,  # type: ignore[arg-type]
        int(target_text),
        kind,  # type: ignore[arg-type]
        str(form.get("subject", "")),
        actor_id=viewer.user_id,
    )
    if removed is None:
        flash(request, "error", "There was no such rule (someone may have removed it already).")
    else:
        who = _target_name(shard.client, guild, removed)
        verb = "allow" if removed.allow else "deny"
        flash(request, "done", f"Removed: {verb} {kind} {removed.subject} for {who}.")
    return redirect(f"/guilds/{guild_id}/permissions")


@routes.get("/guilds/{guild_id}/audit")
async def audit_page(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    entries = await _store(shard).audit_log(guild_id, limit=100)
    rows = [
        {
            "at": f"{entry.at:%Y-%m-%d %H:%M:%S} UTC",
            "who": _user_label(shard.client, entry.actor_id),
            "action": entry.action,
            "detail": entry.detail,
        }
        for entry in entries
    ]
    return render(
        request,
        "guild_audit.html",
        guild=guild,
        entries=rows,
        menu=await guild_menu(shard, guild_id),
    )
