"""The servers a viewer may manage, and each server's page: prefix, cogs, cog settings.

Every handler asks :class:`plughost.web.access.Access` again, from the ids in the
URL: a guild the viewer may not manage, or one the bot is not in, is a 403 whatever
the ids, so no page tells a forged id from a real one. Changes go through the same
calls as the chat commands (``CogManager.set_enabled``, ``set_guild_prefix``,
Config), so other processes of a cluster hear of them as they would of a command.
Like the chat command, disabling a cog that cogs enabled in the server need asks
first, and then disables them before it; enabling a cog whose requirement is
disabled there is refused with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web

from plughost.cogs.manager import CogError, DependentsError
from plughost.commands import text
from plughost.commands.arguments import ArgumentError
from plughost.commands.prefixes import MAX_PREFIX_LENGTH, guild_prefix, set_guild_prefix
from plughost.config import Config, Group, current_store
from plughost.hooks.web import SettingHint, SettingsForm
from plughost.i18n import guild_locale, normalise, set_guild_locale
from plughost.i18n.messages import _ as plughost_messages
from plughost.web.access import Shard
from plughost.web.contributed import guild_menu
from plughost.web.forms import FormError, changes, fields_of
from plughost.web.pages import (
    STATE,
    Refused,
    audit,
    flash,
    redirect,
    render,
    require_viewer,
)

__all__ = ["cog_configs", "guild_managed", "routes", "settings_forms"]

_NOT_YOURS: Final = "You cannot manage this server (or the bot is not in it)."

routes = web.RouteTableDef()


async def guild_managed(request: web.Request) -> tuple[Shard, Any, int]:
    """The shard, guild and id the URL names, if the viewer may manage it; else 403."""
    viewer = require_viewer(request)
    text = request.match_info["guild_id"]
    if not text.isdigit():
        raise Refused(403, _NOT_YOURS)
    guild_id = int(text)
    access = request.app[STATE].access
    found = access.shard_of(guild_id)
    if found is None or not await access.may_manage(viewer.user_id, guild_id):
        raise Refused(403, _NOT_YOURS)
    shard, guild = found
    return shard, guild, guild_id


def cog_configs(cog_name: str) -> list[Config]:
    """The Configs a cog registered guild defaults on, in the order they were made."""
    found = []
    for (name, _identifier), conf in current_store().configs.items():
        if name == cog_name and isinstance(conf, Config) and conf.defaults.get(Config.GUILD):
            found.append(conf)
    return found


@dataclass(frozen=True, slots=True)
class _Settings:
    """One settings form of one cog: where it reads and writes, and what it shows."""

    cog: str
    key: str
    """Names the form in the POST: the Config's identifier, or the hook form's title."""
    title: str
    group: Group
    defaults: Mapping[str, Any]
    hints: Mapping[str, SettingHint] = field(default_factory=dict)


async def settings_forms(shard: Shard, cog_name: str, guild_id: int) -> list[_Settings]:
    """The cog's forms for the guild: its ``web_settings`` answer, else generated from
    every Config it registered guild defaults on."""
    outcome = await shard.bot.cogs.hooks.call_plugin(
        cog_name, "web_settings", impl_timeout=5.0, guild_id=guild_id
    )
    if outcome is not None and outcome.ok and outcome.value is not None:
        return [
            _Settings(cog_name, form.title, form.title, form.group, form.defaults, form.hints)
            for form in outcome.value
            if isinstance(form, SettingsForm)
        ]
    if outcome is not None and not outcome.ok:
        return []  # a broken hook shows no form rather than one without its bounds
    return [
        _Settings(
            cog_name,
            conf.unique_identifier,
            f"{cog_name} settings",
            conf.guild_from_id(guild_id),
            conf.defaults[Config.GUILD],
        )
        for conf in cog_configs(cog_name)
    ]


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    viewer = require_viewer(request)
    guilds = await request.app[STATE].access.guilds_for(viewer.user_id)
    return render(request, "home.html", guilds=guilds)


@routes.get("/guilds/{guild_id}")
async def guild_page(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    manager = shard.bot.cogs
    cogs = []
    forms = []
    for name, cog in sorted(manager.loaded.items()):
        info = manager.infos.get(name)
        doc = (type(cog).__doc__ or "").strip().splitlines()
        cogs.append(
            {
                "name": name,
                "summary": doc[0] if doc else (info.summary if info else ""),
                "enabled": manager.enablement.is_enabled(name, guild_id),
                "toggleable": manager.enablement.toggleable(name),
            }
        )
        if manager.is_builtin(name):
            continue  # the core cog's guild settings are the prefix, above
        for form in await settings_forms(shard, name, guild_id):
            values = await form.group.all()
            fields = fields_of(form.defaults, values, hints=form.hints)
            if fields:
                forms.append({"cog": name, "key": form.key, "title": form.title, "fields": fields})
    prefix = await guild_prefix(shard.bot, guild_id)
    locale = await guild_locale(guild_id)
    return render(
        request,
        "guild.html",
        guild=guild,
        cogs=cogs,
        forms=forms,
        prefix=prefix,
        locale=locale or "",
        locales=sorted({*_locales(manager.loaded.values()), *([locale] if locale else [])}),
        menu=await guild_menu(shard, guild_id),
    )


@routes.post("/guilds/{guild_id}/cogs/{cog}/{action:enable|disable}")
async def switch_cog(request: web.Request) -> web.Response:
    shard, guild, guild_id = await guild_managed(request)
    name = request.match_info["cog"]
    on = request.match_info["action"] == "enable"
    manager = shard.bot.cogs
    # "force" comes from the confirmation page only; the dependents are looked up
    # again here, so a cog enabled meanwhile is disabled too, never left without
    # what it needs.
    forced = not on and (await request.post()).get("force") == "1"
    try:
        if forced:
            done = await manager.disable(name, guild_id, force=True)
        else:
            done = [name] if await manager.set_enabled(name, guild_id, on) else []
    except DependentsError as exc:
        return render(
            request,
            "confirm_disable.html",
            guild=guild,
            cog=name,
            dependents=exc.dependents,
            reason=str(exc),
        )
    except (CogError, ValueError) as exc:
        flash(request, "error", str(exc))
        return redirect(f"/guilds/{guild_id}")
    for each in done:  # one entry per cog switched, dependents first
        await audit(request, guild_id, f"web.cog.{request.match_info['action']}", each)
    flash(request, "done", _switched(name, on, done))
    return redirect(f"/guilds/{guild_id}")


def _switched(name: str, on: bool, done: list[str]) -> str:
    """What the switch did, the dependents it disabled first named as such."""
    state = "enabled" if on else "disabled"
    others = [each for each in done if each != name]
    if others:
        listed = ", ".join(others)
        if name not in done:
            return f"Disabled {listed} (they need {name}); {name} was already disabled."
        return f"Disabled {listed} (they need {name}), then {name} in this server."
    return f"{name} {state} in this server." if done else f"{name} was already {state}."


@routes.post("/guilds/{guild_id}/prefix")
async def change_prefix(request: web.Request) -> web.Response:
    _shard, _guild, guild_id = await guild_managed(request)
    form = await request.post()
    try:
        new = text.prefix(
            str(form.get("prefix", "")), argument="prefix", max_length=MAX_PREFIX_LENGTH
        )
    except ArgumentError as exc:
        flash(request, "error", f"Prefix refused: {exc.reason}.")
        return redirect(f"/guilds/{guild_id}")
    await set_guild_prefix(guild_id, new)
    await audit(request, guild_id, "web.prefix.set", new)
    flash(request, "done", f"Prefix set to {new}.")
    return redirect(f"/guilds/{guild_id}")


def _locales(cogs: Any) -> list[str]:
    """The locales a catalog exists for: plughost's own, and each loaded cog's."""
    found = set(plughost_messages.locales())
    for cog in cogs:
        if (translator := type(cog).translator) is not None:
            found.update(translator.locales())
    return sorted(found)


@routes.post("/guilds/{guild_id}/locale")
async def change_locale(request: web.Request) -> web.Response:
    """The same setting as ``set locale``; empty is "default" (each member's own)."""
    shard, _guild, guild_id = await guild_managed(request)
    form = await request.post()
    wanted = str(form.get("locale", "")).strip()
    if not wanted:
        await set_guild_locale(guild_id, None)
        await audit(request, guild_id, "web.locale.reset", "")
        flash(request, "done", "Each member now gets the bot in their own Discord language.")
        return redirect(f"/guilds/{guild_id}")
    locale = normalise(wanted)
    if locale is None or locale not in _locales(shard.bot.cogs.loaded.values()):
        flash(request, "error", "Locale refused: choose one from the list.")
        return redirect(f"/guilds/{guild_id}")
    await set_guild_locale(guild_id, locale)
    await audit(request, guild_id, "web.locale.set", locale)
    flash(request, "done", f"Locale set to {locale}.")
    return redirect(f"/guilds/{guild_id}")


@routes.post("/guilds/{guild_id}/cogs/{cog}/settings")
async def change_settings(request: web.Request) -> web.Response:
    shard, _guild, guild_id = await guild_managed(request)
    name = request.match_info["cog"]
    submitted = await request.post()
    identifier = str(submitted.get("config", ""))
    if name not in shard.bot.cogs.loaded or shard.bot.cogs.is_builtin(name):
        raise Refused(404, f"No loaded cog is called {name}.")
    forms = await settings_forms(shard, name, guild_id)
    found = next((f for f in forms if f.key == identifier), None)
    if found is None:
        raise Refused(404, f"The {name} cog has no such settings.")
    group = found.group
    form = fields_of(found.defaults, await group.all(), hints=found.hints)
    try:
        changed = changes(form, {k: str(v) for k, v in submitted.items()})
    except FormError as exc:
        flash(request, "error", f"Nothing was saved: {exc}.")
        return redirect(f"/guilds/{guild_id}")
    for path, value in changed.items():
        await group.set_raw(*path, value=value)
        await audit(
            request, guild_id, "web.config.set", f"{name}: {'.'.join(path)} = {json.dumps(value)}"
        )
    flash(
        request,
        "done",
        f"Saved {len(changed)} {name} setting(s)." if changed else "Nothing changed.",
    )
    return redirect(f"/guilds/{guild_id}")
