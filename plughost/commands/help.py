"""What ``help`` shows: the commands the caller may run, grouped by cog, with usage
lines generated from signatures. The permission chain decides what is listed, so
help never advertises a command the member would be refused."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import interactions
from interactions.client.const import GLOBAL_SCOPE

from plughost.cogs.cog import bound_cog
from plughost.cogs.hosts import HasPrefixedCommands
from plughost.commands.usage import command_path, display_prefix, usage_line
from plughost.i18n.messages import _
from plughost.permissions.gate import Gated
from plughost.permissions.requests import request_for

__all__ = ["HelpEntry", "command_help", "help_overview", "runnable_entries"]


@dataclass(frozen=True, slots=True)
class HelpEntry:
    cog: str
    name: str
    usage: str
    summary: str
    description: str
    #: A slash command's options, ``member: Whose balance``; empty for prefixed ones.
    options: tuple[str, ...] = ()


def _cog_name(command: Any) -> str:
    cog = bound_cog(getattr(command, "callback", None))
    extension = cog if cog is not None else getattr(command, "extension", None)
    name = getattr(extension, "name", None)
    return str(name) if name else "other"


def _description(command: Any) -> str:
    # The callback's docstring first: a hybrid command's twin carries only the
    # slash description (one line), where the docstring says more.
    callback = getattr(command, "callback", None)
    func = getattr(callback, "func", callback)
    doc = getattr(func, "__doc__", None)
    if doc and func is not None and doc != type(func).__doc__:
        return inspect.cleandoc(doc)
    for attribute in ("help", "brief", "description"):
        text = getattr(command, attribute, None)
        if isinstance(text, str) and text.strip() and text != "No Description Set":
            return inspect.cleandoc(text)
    return ""


def _text(value: Any) -> str:
    text = str(value) if value is not None else ""
    return "" if text == "No Description Set" else inspect.cleandoc(text)


def _slash_description(command: Any) -> str:
    """What Discord shows for a slash command: its (sub)command description. Not the
    docstring, which is written for the prefixed form (``!balance @alice``)."""
    if getattr(command, "is_subcommand", False):
        return _text(getattr(command, "sub_cmd_description", None))
    return _text(getattr(command, "description", None))


def _slash_options(command: Any) -> tuple[str, ...]:
    lines = []
    for option in getattr(command, "options", None) or ():
        name = getattr(option, "name", None) or option.get("name")
        about = getattr(option, "description", None) or option.get("description")
        lines.append(f"`{name}`: {_text(about)}".rstrip(": "))
    return tuple(lines)


def _leaves(command: Any) -> list[Any]:
    """A command, or for a group, the commands under it (groups themselves only gather)."""
    subs = {id(s): s for s in (getattr(command, "subcommands", None) or {}).values()}
    if not subs:
        return [command]
    return [leaf for sub in subs.values() for leaf in _leaves(sub)]


def _prefixed_commands(bot: interactions.Client) -> list[Any]:
    if not isinstance(bot, HasPrefixedCommands):
        return []
    unique = {id(c): c for c in bot.prefixed.commands.values()}
    return [leaf for command in unique.values() for leaf in _leaves(command)]


def _slash_commands(bot: interactions.Client, guild_id: int | None) -> list[Any]:
    scopes = [GLOBAL_SCOPE] + ([int(guild_id)] if guild_id else [])
    found: dict[str, Any] = {}
    for scope in scopes:
        for command in bot.interactions_by_scope.get(scope, {}).values():
            # Only slash commands: context menus are not typed by name.
            if hasattr(command, "options") and not hasattr(command, "target_type"):
                found.setdefault(command_path(command), command)
    return list(found.values())


def _by_slash(ctx: Any) -> bool:
    return display_prefix(ctx) == "/"


async def _allowed(ctx: Any, command: Any, cog: str, *, prefixed: bool) -> bool:
    client: interactions.Client = ctx.client
    if not isinstance(client, Gated):
        return True
    chain = client.chain_check.chain
    request = request_for(
        client,
        ctx.author,
        ctx.guild,
        ctx.channel,
        command,
        cog_name=None if cog == "other" else cog,
        kind="prefixed" if prefixed else "slash",
    )
    return bool((await chain.decide(request)).allowed)


async def runnable_entries(ctx: Any) -> list[HelpEntry]:
    """Every command the invoker of ``ctx`` may run here, slash or prefixed (the way
    they invoked help first), sorted by cog then name."""
    bot = getattr(ctx, "bot", None) or ctx.client
    prefix = display_prefix(ctx)
    if prefix == "/":
        from plughost.commands.prefixes import guild_prefix  # noqa: PLC0415 - slash only

        prefix = await guild_prefix(bot, ctx.guild_id)
    sources = [
        (_prefixed_commands(bot), prefix, True),
        (_slash_commands(bot, ctx.guild_id), "/", False),
    ]
    if _by_slash(ctx):
        sources.reverse()
    entries: dict[str, HelpEntry] = {}
    for commands, shown_prefix, prefixed in sources:
        for command in commands:
            name = command_path(command)
            if name in entries:
                continue
            cog = _cog_name(command)
            if not await _allowed(ctx, command, cog, prefixed=prefixed):
                continue
            description = _description(command) if prefixed else _slash_description(command)
            entries[name] = HelpEntry(
                cog=cog,
                name=name,
                usage=usage_line(command, shown_prefix),
                summary=description.split("\n", 1)[0],
                description=description,
                options=() if prefixed else _slash_options(command),
            )
    return sorted(entries.values(), key=lambda e: (e.cog, e.name))


async def help_overview(ctx: Any) -> str:
    """The whole help listing, one block per cog."""
    bot = getattr(ctx, "bot", None) or ctx.client
    lines: list[str] = []
    current = None
    for entry in await runnable_entries(ctx):
        if entry.cog != current:
            current = entry.cog
            cog = bot.ext.get(entry.cog)
            about = (getattr(cog, "description", "") or "").split("\n", 1)[0]
            lines.append(f"\n**{entry.cog}**" + (f": {about}" if about else ""))
        lines.append(f"`{entry.usage}`" + (f" {entry.summary}" if entry.summary else ""))
    if not lines:
        return _("There are no commands you can run here.")
    return "\n".join(lines).strip()


async def command_help(ctx: Any, name: str) -> str:
    """Usage and description of the command ``name`` (a subcommand as ``perm explain``);
    one the caller may not run is reported as unknown, as help does not list it."""
    wanted = " ".join(name.split()).lower().lstrip("!/")
    entries = await runnable_entries(ctx)
    matches = [e for e in entries if e.name.lower() == wanted]
    if not matches:
        group = [e for e in entries if e.name.lower().startswith(wanted + " ")]
        if group:
            return "\n".join(f"`{e.usage}` {e.summary}".rstrip() for e in group)
        return _("No command called {name}.").format(name=f"`{name.strip()}`")
    entry = matches[0]
    text = f"`{entry.usage}`"
    if entry.description:
        text += f"\n{entry.description}"
    if entry.options:
        text += "\n" + "\n".join(entry.options)
    return text
